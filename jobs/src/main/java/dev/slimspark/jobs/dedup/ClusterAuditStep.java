package dev.slimspark.jobs.dedup;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.slimspark.jobs.dedup.DedupOptions.Verification;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Final decision per document and the audit tables.
 *
 * <p>A document's cluster root is the component minimum of its exact representative (the exact rep
 * itself when it is in no component). Because node order = keep order and every exact group's min
 * is its rep, the root is the keep rule's choice for the whole cluster (exact ∪ near).
 *
 * <ul>
 *   <li>{@code dup_clusters}: one row per document in a cluster of size >= 2: {@code cluster_id}
 *       (doc_id of the kept doc), {@code doc_id, source, kept, reason} ("exact": an exact duplicate
 *       of a better doc exists; "near": removed by MinHash clustering; null for the kept doc),
 *       {@code similarity_to_kept} (1.0 for the kept doc and exact copies of it; otherwise Jaccard
 *       of the doc's exact rep to the kept doc: exact with EXACT verification, else the signature
 *       estimate; it can be below the threshold when the link is transitive).
 *   <li>per-source summary: {@code source, docs_in, exact_removed, near_removed, bytes_removed,
 *       pct_removed} (percent of docs_in).
 *   <li>removed ids: {@code doc_id} of every removed doc.
 * </ul>
 */
public final class ClusterAuditStep {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterAuditStep.class);

  /** Audit outputs plus counts. */
  public record Result(
      Dataset<Row> clusters,
      Dataset<Row> summary,
      Dataset<Row> removedIds,
      Dataset<Row> decided,
      long exactRemoved,
      long nearRemoved,
      long removedAgainstOld) {}

  private ClusterAuditStep() {}

  /**
   * @param meta from {@link ExactDedupStep}
   * @param assignment {@code (node, root)} from {@link ConnectedComponentsStep}
   */
  public static Result run(
      Dataset<Row> meta,
      Dataset<Row> assignment,
      Dataset<Row> signatures,
      Dataset<Row> texts,
      DedupOptions opts) {
    return run(meta, assignment, signatures, texts, null, opts);
  }

  /**
   * Incremental form: {@code oldNodes (node < 0, doc_id, source)} are old-corpus docs that may be
   * cluster roots. They are never decided on (not in {@code meta}); each one that roots a cluster
   * gets a kept row in {@code clusters} (the caller drops it when the old run already wrote one).
   *
   * @param oldNodes null in full mode
   */
  public static Result run(
      Dataset<Row> meta,
      Dataset<Row> assignment,
      Dataset<Row> signatures,
      Dataset<Row> texts,
      Dataset<Row> oldNodes,
      DedupOptions opts) {
    Dataset<Row> decided = decide(meta, assignment, signatures, texts, opts);
    Dataset<Row> removed = decided.where(col("kept").equalTo(false));
    Dataset<Row> clusters = clusters(decided, removed, oldNodes);
    Dataset<Row> summary = perSourceSummary(decided);

    // One job for the three counts. Old-corpus nodes are the only negative ones
    // (OldCorpusMatchStep).
    Row n =
        decided
            .agg(
                removedAs("exact"),
                removedAs("near"),
                sum(when(col("kept").equalTo(false).and(col(Cols.ROOT).lt(0)), 1L).otherwise(0L)))
            .first();
    long exactRemoved = n.isNullAt(0) ? 0 : n.getLong(0);
    long nearRemoved = n.isNullAt(1) ? 0 : n.getLong(1);
    long againstOld = oldNodes == null || n.isNullAt(2) ? 0 : n.getLong(2);
    LOG.info(
        "dedup decision: {} exact + {} near duplicates removed ({} against the old corpus)",
        exactRemoved,
        nearRemoved,
        againstOld);
    return new Result(
        clusters,
        summary,
        removed.select(Cols.DOC_ID),
        decided,
        exactRemoved,
        nearRemoved,
        againstOld);
  }

  /**
   * Each document of {@code meta} with its cluster root, whether it is kept, the reason it is not
   * and its similarity to the kept doc; the lineage is cut (the plan behind it is long).
   */
  private static Dataset<Row> decide(
      Dataset<Row> meta,
      Dataset<Row> assignment,
      Dataset<Row> signatures,
      Dataset<Row> texts,
      DedupOptions opts) {
    // Similarity of each near-removed node to its root (the kept doc).
    Dataset<Row> sims =
        PairSimilarity.compute(
                assignment.select(col(Cols.NODE).as(Cols.SRC), col(Cols.ROOT).as(Cols.DST)),
                signatures,
                texts,
                opts,
                opts.verification() == Verification.EXACT)
            .select(col(Cols.SRC).as(Cols.REP), col(Cols.SIM).as("rep_sim"));
    Column finalRoot = coalesce(col("rep_root"), col(Cols.REP));
    // meta is the big, skewed side (many docs per rep); the right sides are unique per key.
    return Lineage.cut(
        meta.join(
                assignment.select(col(Cols.NODE).as(Cols.REP), col(Cols.ROOT).as("rep_root")),
                new String[] {Cols.REP},
                "left")
            .join(sims, new String[] {Cols.REP}, "left")
            .withColumn(Cols.ROOT, finalRoot)
            .withColumn(
                "reason",
                when(col(Cols.NODE).notEqual(col(Cols.REP)), lit("exact"))
                    .when(col(Cols.NODE).notEqual(col(Cols.ROOT)), lit("near")))
            .withColumn("kept", col("reason").isNull())
            .withColumn(
                "similarity_to_kept",
                when(col(Cols.REP).equalTo(col(Cols.ROOT)), lit(1.0)).otherwise(col("rep_sim")))
            .select(
                Cols.DOC_ID,
                Cols.SOURCE,
                Cols.BYTES,
                Cols.NODE,
                Cols.ROOT,
                "kept",
                "reason",
                "similarity_to_kept"),
        opts);
  }

  /**
   * {@code dup_clusters}: the removed docs and the kept roots (old-corpus roots too), each with the
   * doc_id of its cluster's kept doc as cluster_id.
   */
  private static Dataset<Row> clusters(
      Dataset<Row> decided, Dataset<Row> removed, Dataset<Row> oldNodes) {
    Dataset<Row> roots = removed.select(col(Cols.ROOT).as(Cols.NODE)).distinct();
    Dataset<Row> members = removed.unionByName(decided.join(roots, Cols.NODE));
    Dataset<Row> clusterIds =
        decided.select(col(Cols.NODE).as(Cols.ROOT), col(Cols.DOC_ID).as("cluster_id"));
    if (oldNodes != null) {
      clusterIds =
          clusterIds.union(
              oldNodes.select(col(Cols.NODE).as(Cols.ROOT), col(Cols.DOC_ID).as("cluster_id")));
      members =
          members.unionByName(
              oldNodes
                  .join(roots, Cols.NODE)
                  .select(
                      col(Cols.DOC_ID),
                      col(Cols.SOURCE),
                      lit(null).cast("long").as(Cols.BYTES),
                      col(Cols.NODE),
                      col(Cols.NODE).as(Cols.ROOT),
                      lit(true).as("kept"),
                      lit(null).cast("string").as("reason"),
                      lit(1.0).as("similarity_to_kept")));
    }
    return members
        .join(clusterIds, Cols.ROOT)
        .select("cluster_id", Cols.DOC_ID, Cols.SOURCE, "kept", "reason", "similarity_to_kept");
  }

  /** Per source: docs in, exact and near duplicates removed, bytes removed, percent removed. */
  private static Dataset<Row> perSourceSummary(Dataset<Row> decided) {
    return decided
        .groupBy(Cols.SOURCE)
        .agg(
            count("*").as("docs_in"),
            removedAs("exact").as("exact_removed"),
            removedAs("near").as("near_removed"),
            sum(when(col("kept"), 0L).otherwise(col(Cols.BYTES))).as("bytes_removed"))
        .withColumn(
            "pct_removed",
            round(
                col("exact_removed")
                    .plus(col("near_removed"))
                    .multiply(100.0)
                    .divide(col("docs_in")),
                4))
        .orderBy(Cols.SOURCE);
  }

  /** How many decided documents were removed for {@code reason} ("exact" or "near"). */
  private static Column removedAs(String reason) {
    return sum(when(col("reason").equalTo(reason), 1L).otherwise(0L));
  }
}
