package dev.slimspark.jobs.dedup;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.posexplode;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Incremental mode: matches a new batch against the kept documents of an already deduplicated
 * corpus, using only their stored {@code dedup_signatures} rows ({@code doc_id, source,
 * content_hash, band_keys, sig}). Old text is never read and no old signature is recomputed.
 *
 * <ul>
 *   <li>Exact: a new exact group whose content hash equals an old doc's hash gets an edge rep → old
 *       node (similarity 1.0) and its {@code rep} rewritten to the old node, so every member is
 *       reported as "exact" with the old doc as cluster.
 *   <li>Near: equi-join of the new (band, band key) pairs with the old ones → candidate edges new
 *       node → old node (star shape: each new member links to the colliding old doc, never all
 *       pairs), verified later like new-new edges (signature estimate against the stored old
 *       signature; EXACT verification falls back to it since the old text is not read).
 * </ul>
 *
 * Old docs touched by either match get node ids below every new node (negative: {@code
 * Long.MIN_VALUE + monotonically_increasing_id} over a (source priority, doc_id) sort; new nodes
 * are >= 0), so a cluster holding an old doc is always rooted at an old doc: the old doc always
 * wins, it is already published. Old docs are never removed: an old non-root node in a component (a
 * new doc bridging two old docs) is simply not reported.
 *
 * <p>Cost: three column-pruned scans of the old table (hashes, band keys, touched signatures); when
 * the new batch is small ({@link #BROADCAST_MAX_NEW_DOCS}) the new side is broadcast and the old
 * table is only streamed, never shuffled. Skew assumption: old docs are deduplicated, so a (band,
 * key) holds few old docs (LSH collisions that failed verification, or buckets skipped by
 * max_bucket_size); a key shared by k old docs costs k join rows per new doc that hits it.
 */
public final class OldCorpusMatchStep {
  private static final Logger LOG = LoggerFactory.getLogger(OldCorpusMatchStep.class);

  /**
   * Up to this many new docs (x bands rows of 24 bytes), the new side of the joins is broadcast.
   */
  static final long BROADCAST_MAX_NEW_DOCS = 200_000;

  private static final String OLD_ID = "old_id";
  private static final String OLD_NODE = "old_node";

  /**
   * @param meta {@code meta} with {@code rep} rewritten for exact matches of old docs
   * @param oldNodes touched old docs: {@code node (< 0), doc_id, source}
   * @param oldSignatures touched old docs with a signature: {@code node, sig, band_keys}
   * @param candidateEdges {@code (src new node, dst old node)}
   * @param exactEdges {@code (src new rep, dst old node, sim = 1.0)}
   */
  public record Result(
      Dataset<Row> meta,
      Dataset<Row> oldNodes,
      Dataset<Row> oldSignatures,
      Dataset<Row> candidateEdges,
      long candidateCount,
      Dataset<Row> exactEdges,
      long exactMatches,
      long touchedOld) {}

  private OldCorpusMatchStep() {}

  /**
   * @param meta from {@link ExactDedupStep} over the new docs
   * @param signatures from {@link MinHashStep} over the new exact survivors
   * @param newDocs row count of meta (decides broadcasting)
   * @param old committed rows of dedup_signatures
   */
  public static Result run(
      Dataset<Row> meta,
      Dataset<Row> signatures,
      long newDocs,
      Dataset<Row> old,
      DedupOptions opts) {
    boolean small = newDocs <= BROADCAST_MAX_NEW_DOCS;
    Dataset<Row> repHashes =
        meta.where(col(Cols.NODE).equalTo(col(Cols.REP))).select(Cols.REP, Cols.HASH);
    Dataset<Row> newKeys =
        signatures.select(
            col(Cols.NODE), posexplode(col(Cols.BAND_KEYS)).as(new String[] {"band", "key"}));
    if (small) {
      repHashes = broadcast(repHashes);
      newKeys = broadcast(newKeys);
    }
    Dataset<Row> exactPairs = exactPairs(old, repHashes, opts);
    Dataset<Row> bandPairs = bandPairs(old, newKeys, opts);
    Dataset<Row> touched = exactPairs.select(OLD_ID).union(bandPairs.select(OLD_ID)).distinct();
    Dataset<Row> oldNodes = oldNodes(old, small ? broadcast(touched) : touched, opts);
    Dataset<Row> ids = oldNodes.select(col(Cols.DOC_ID).as(OLD_ID), col(Cols.NODE).as(OLD_NODE));
    Dataset<Row> exactEdges =
        Lineage.cut(
            exactPairs
                .join(ids, OLD_ID)
                .select(
                    col(Cols.REP).as(Cols.SRC), col(OLD_NODE).as(Cols.DST), lit(1.0).as(Cols.SIM)),
            opts);
    Dataset<Row> candidates =
        Lineage.cut(
            bandPairs
                .join(ids, OLD_ID)
                .select(col(Cols.NODE).as(Cols.SRC), col(OLD_NODE).as(Cols.DST)),
            opts);
    Dataset<Row> rewritten = withOldReps(meta, exactEdges, opts);
    Lineage.release(exactPairs);
    Lineage.release(bandPairs);
    long exact = exactEdges.count();
    long cand = candidates.count();
    long touchedOld = oldNodes.count();
    LOG.info(
        "against old corpus: {} exact groups match an old doc, {} candidate edges to old docs, {} old docs touched",
        exact,
        cand,
        touchedOld);
    return new Result(
        rewritten,
        oldNodes.select(Cols.NODE, Cols.DOC_ID, Cols.SOURCE),
        oldNodes.where(col(Cols.SIG).isNotNull()).select(Cols.NODE, Cols.SIG, Cols.BAND_KEYS),
        candidates,
        cand,
        exactEdges,
        exact,
        touchedOld);
  }

  /** (rep, old doc_id): new exact groups whose hash an old doc has. */
  private static Dataset<Row> exactPairs(
      Dataset<Row> old, Dataset<Row> repHashes, DedupOptions opts) {
    // Old hashes are unique (the old corpus is exact-deduplicated); min() keeps it one row anyway.
    return Lineage.cut(
        old.select(col(Cols.DOC_ID).as(OLD_ID), col(Cols.HASH))
            .join(repHashes, Cols.HASH)
            .groupBy(Cols.REP)
            .agg(min(OLD_ID).as(OLD_ID)),
        opts);
  }

  /** Distinct (node, old doc_id) pairs of a new survivor and an old doc sharing a band key. */
  private static Dataset<Row> bandPairs(Dataset<Row> old, Dataset<Row> newKeys, DedupOptions opts) {
    return Lineage.cut(
        old.where(col(Cols.BAND_KEYS).isNotNull())
            .select(
                col(Cols.DOC_ID).as(OLD_ID),
                posexplode(col(Cols.BAND_KEYS)).as(new String[] {"band", "key"}))
            .join(newKeys, new String[] {"band", "key"})
            .select(Cols.NODE, OLD_ID)
            .distinct(),
        opts);
  }

  /** The touched old docs as graph nodes (node, doc_id, source, sig, band_keys), all below zero. */
  private static Dataset<Row> oldNodes(Dataset<Row> old, Dataset<Row> touched, DedupOptions opts) {
    // Sorted like ExactDedupStep's nodes, shifted below zero: only the order matters.
    return Lineage.cut(
        old.join(touched, col(Cols.DOC_ID).equalTo(col(OLD_ID)))
            .select(
                col(Cols.DOC_ID),
                col(Cols.SOURCE),
                ExactDedupStep.priorityColumn(opts.sourcePriority()).as(Cols.PRIO),
                col(Cols.SIG),
                col(Cols.BAND_KEYS))
            .orderBy(col(Cols.PRIO), col(Cols.DOC_ID))
            .withColumn(Cols.NODE, monotonically_increasing_id().plus(lit(Long.MIN_VALUE)))
            .select(Cols.NODE, Cols.DOC_ID, Cols.SOURCE, Cols.SIG, Cols.BAND_KEYS),
        opts);
  }

  /** {@code meta} with the rep of each exact group that matches an old doc set to that old node. */
  private static Dataset<Row> withOldReps(
      Dataset<Row> meta, Dataset<Row> exactEdges, DedupOptions opts) {
    return Lineage.cut(
        meta.join(
                exactEdges.select(col(Cols.SRC).as(Cols.REP), col(Cols.DST).as("old_rep")),
                new String[] {Cols.REP},
                "left")
            .withColumn(Cols.REP, coalesce(col("old_rep"), col(Cols.REP)))
            .select(Cols.DOC_ID, Cols.SOURCE, Cols.BYTES, Cols.HASH, Cols.NODE, Cols.REP),
        opts);
  }
}
