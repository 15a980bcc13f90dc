package dev.slimspark.jobs.dedup;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Outputs of {@link DedupPipeline#run}. The Datasets are lazy over checkpointed intermediates:
 * write them before calling {@link #release()}.
 *
 * @param kept input rows (all input columns) of the documents kept
 * @param clusters {@code dup_clusters}: cluster_id, doc_id, source, kept, reason,
 *     similarity_to_kept
 * @param summary per source: docs_in, exact_removed, near_removed, bytes_removed, pct_removed
 * @param signatures one row per kept input doc for {@code dedup_signatures}: doc_id, source,
 *     content_hash (16 bytes), band_keys and sig (both null for docs shorter than one shingle)
 * @param bands LSH bands used
 * @param rows LSH rows per band used
 * @param detectionProbability P(candidate) for a pair exactly at the threshold, 1-(1-t^r)^b
 */
public record DedupResult(
    Dataset<Row> kept,
    Dataset<Row> clusters,
    Dataset<Row> summary,
    Dataset<Row> signatures,
    int bands,
    int rows,
    double detectionProbability,
    Counts counts,
    List<Dataset<Row>> checkpoints) {

  /**
   * Counts gathered along the way (each a small aggregate, never data). {@code removedAgainstOld}:
   * new docs removed because their cluster holds an old-corpus doc (incremental mode; else 0).
   * {@code splitBuckets}: LSH buckets above sub_bucket_size, linked through sub-buckets (nothing
   * lost); {@code largestBucket}: members of the largest; {@code skippedBuckets} and {@code
   * docsInSkippedBuckets}: buckets above max_bucket_size (0 unless a cap is set) and the distinct
   * docs they held, unchecked there.
   */
  public record Counts(
      long docsIn,
      long exactRemoved,
      long nearRemoved,
      long signedDocs,
      long shortDocs,
      long multiDocBuckets,
      long splitBuckets,
      long largestBucket,
      long skippedBuckets,
      long docsInSkippedBuckets,
      long candidateEdges,
      long verifiedEdges,
      int ccIterations,
      long removedAgainstOld) {}

  /** Frees the checkpointed intermediates; the Datasets above are unusable afterwards. */
  public void release() {
    checkpoints.forEach(Lineage::release);
  }
}
