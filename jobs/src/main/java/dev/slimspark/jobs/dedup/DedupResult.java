package dev.slimspark.jobs.dedup;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Outputs of {@link DedupPipeline#run}. The Datasets are lazy over checkpointed intermediates:
 * write them before calling {@link #release()}.
 *
 * @param kept input rows (all input columns) of the documents kept
 * @param clusters {@code dup_clusters}: cluster_id, doc_id, source, kept, reason, similarity_to_kept
 * @param summary per source: docs_in, exact_removed, near_removed, bytes_removed, pct_removed
 * @param bands LSH bands used
 * @param rows LSH rows per band used
 * @param detectionProbability P(candidate) for a pair exactly at the threshold, 1-(1-t^r)^b
 */
public record DedupResult(
    Dataset<Row> kept,
    Dataset<Row> clusters,
    Dataset<Row> summary,
    int bands,
    int rows,
    double detectionProbability,
    Counts counts,
    List<Dataset<Row>> checkpoints) {

  /** Counts gathered along the way (each a small aggregate, never data). */
  public record Counts(
      long docsIn,
      long exactRemoved,
      long nearRemoved,
      long signedDocs,
      long shortDocs,
      long multiDocBuckets,
      long skippedBuckets,
      long candidateEdges,
      long verifiedEdges,
      int ccIterations) {}

  /** Frees the checkpointed intermediates; the Datasets above are unusable afterwards. */
  public void release() {
    checkpoints.forEach(Lineage::release);
  }
}
