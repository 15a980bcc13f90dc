package dev.slimspark.jobs.dedup;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * Lake side of dedup: the four output tables, their batch bookkeeping, and what incremental mode
 * reads of the old corpus (only {@code dedup_signatures} and the removed ids of {@code
 * dup_clusters}; never text).
 *
 * <p>Batches: a full run writes batch 0 (overwriting every table); each incremental run that finds
 * new documents writes batch N = last committed batch + 1. {@code dedup_summary} is written last,
 * so a batch is committed once its summary rows exist. Incremental reads only look at committed
 * batches, and every batch write is a Delta replaceWhere on {@code batch = N}: a run that died
 * half-way is redone by the next run under the same N and leaves one copy. {@code docs_dedup} has
 * no batch column (its contract is the document), so it is appended minus the doc ids it holds.
 * Risk: a full run that dies half-way leaves tables from two runs; rerun it.
 */
final class DedupTables {
  static final String BATCH = "batch";
  static final String OPTIONS = "options";

  /** Last committed batch (-1: none) and the distinct signature keys it was made with. */
  record Committed(int batch, List<String> signatureKeys) {}

  /** New input docs plus the skipped ids (checkpointed; release after use). */
  record Unseen(Dataset<Row> docs, Dataset<Row> seenIds) {}

  private DedupTables() {}

  /**
   * State of the lake's deduplicated corpus, checked against {@code opts}: fails with a user error
   * when there is none or when its signatures were computed under another {@link
   * DedupOptions#signatureKey()}. Reads only dedup_summary (a few rows per batch).
   */
  static Committed committed(Lake lake, DedupOptions opts) {
    if (!lake.exists(Table.DEDUP_SIGNATURES)
        || !lake.exists(Table.DEDUP_SUMMARY)
        || !List.of(lake.read(Table.DEDUP_SUMMARY).columns()).contains(OPTIONS)) {
      throw UserErrors.of(
          "dedup.mode = incremental found no deduplicated corpus with stored signatures in "
              + lake.root()
              + ".",
          "Incremental dedup compares new documents with the '"
              + Table.DEDUP_SIGNATURES
              + "' table, which a full dedup run writes"
              + " (lakes deduplicated by an older slimspark lack it).",
          "Run once with --set dedup.mode=full, then run incremental for each new batch.");
    }
    List<String> keys = new ArrayList<>();
    int batch = -1;
    for (Row r : lake.read(Table.DEDUP_SUMMARY).groupBy(OPTIONS).agg(max(BATCH)).collectAsList()) {
      keys.add(r.getString(0)); // one row per distinct options string: a handful at most
      batch = Math.max(batch, r.getInt(1));
    }
    String now = opts.signatureKey();
    if (!keys.isEmpty() && !List.of(now).equals(keys)) {
      throw UserErrors.of(
          "dedup.mode = incremental cannot extend this corpus: its signatures were computed with other dedup options.",
          "Stored: "
              + String.join(" | ", keys)
              + "; now: "
              + now
              + " (differs in "
              + differences(keys.get(0), now)
              + "). Signatures and band keys made under different options are not comparable, so duplicates would be"
              + " missed silently.",
          "Set the dedup.* keys back to the stored values, or run with --set dedup.mode=full to recompute every"
              + " signature under the new options.");
    }
    return new Committed(batch, keys);
  }

  /** Names of the key=value items that differ between two signature keys. */
  static String differences(String a, String b) {
    Map<String, String> x = parse(a);
    Map<String, String> y = parse(b);
    List<String> out = new ArrayList<>();
    for (String k : y.keySet()) {
      if (!y.get(k).equals(x.get(k))) {
        out.add(k + " " + x.get(k) + " -> " + y.get(k));
      }
    }
    return out.isEmpty() ? "format" : String.join(", ", out);
  }

  private static Map<String, String> parse(String key) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String item : key.split(", ")) {
      int eq = item.indexOf('=');
      m.put(eq < 0 ? item : item.substring(0, eq), eq < 0 ? "" : item.substring(eq + 1));
    }
    return m;
  }

  /**
   * Input docs whose doc_id is neither kept (in dedup_signatures) nor removed (in dup_clusters) by
   * a committed batch. The seen ids of the input are computed once (a semi-join, checkpointed) so
   * the pipeline's repeated reads of the input do not rescan the old ids.
   */
  static Unseen unseen(Dataset<Row> docs, Lake lake, int committed, DedupOptions opts) {
    Dataset<Row> seen =
        lake.read(Table.DEDUP_SIGNATURES)
            .where(col(BATCH).leq(committed))
            .select(Cols.DOC_ID)
            .union(
                lake.read(Table.DUP_CLUSTERS)
                    .where(col(BATCH).leq(committed).and(col("kept").equalTo(false)))
                    .select(Cols.DOC_ID));
    Dataset<Row> ids =
        Lineage.cut(
            seen.join(
                    docs.select(col(Cols.DOC_ID).as("in_id")),
                    col(Cols.DOC_ID).equalTo(col("in_id")),
                    "left_semi")
                .select(col(Cols.DOC_ID).as("seen_id"))
                .distinct(),
            opts);
    // A condition (not USING) anti join keeps the input's column order.
    return new Unseen(docs.join(ids, col(Cols.DOC_ID).equalTo(col("seen_id")), "left_anti"), ids);
  }

  /** Committed rows of dedup_signatures: the old corpus as incremental mode sees it. */
  static Dataset<Row> oldSignatures(Lake lake, int committed) {
    return lake.read(Table.DEDUP_SIGNATURES)
        .where(col(BATCH).leq(committed))
        .select(Cols.DOC_ID, Cols.SOURCE, Cols.HASH, Cols.BAND_KEYS, Cols.SIG);
  }

  /** Full mode: overwrites the four tables as batch 0; returns table → version. */
  static Map<Table, Long> writeFull(
      Lake lake, DedupResult r, DedupOptions opts, String meta, String sigMeta) {
    Map<Table, Long> v = new LinkedHashMap<>();
    v.put(Table.DOCS_DEDUP, lake.write(r.kept(), Table.DOCS_DEDUP, SaveMode.Overwrite, meta));
    v.put(
        Table.DUP_CLUSTERS,
        lake.write(
            r.clusters().withColumn(BATCH, lit(0)), Table.DUP_CLUSTERS, SaveMode.Overwrite, meta));
    v.put(
        Table.DEDUP_SIGNATURES,
        lake.write(
            r.signatures().withColumn(BATCH, lit(0)),
            Table.DEDUP_SIGNATURES,
            SaveMode.Overwrite,
            sigMeta));
    v.put(
        Table.DEDUP_SUMMARY,
        lake.write(summary(r, 0, opts), Table.DEDUP_SUMMARY, SaveMode.Overwrite, meta));
    return v;
  }

  /** Incremental mode: appends batch {@code n} (idempotently, see the class comment). */
  static Map<Table, Long> appendBatch(
      Lake lake, DedupResult r, int n, DedupOptions opts, String meta, String sigMeta) {
    Map<Table, Long> v = new LinkedHashMap<>();
    String where = BATCH + " = " + n;
    Dataset<Row> held = lake.read(Table.DOCS_DEDUP).select(col(Cols.DOC_ID).as("held_id"));
    v.put(
        Table.DOCS_DEDUP,
        lake.write(
            r.kept().join(held, col(Cols.DOC_ID).equalTo(col("held_id")), "left_anti"),
            Table.DOCS_DEDUP,
            SaveMode.Append,
            meta));
    // An old doc that roots a new cluster gets a kept row, unless an earlier batch wrote one.
    Dataset<Row> priorKept =
        lake.read(Table.DUP_CLUSTERS)
            .where(col(BATCH).lt(n).and(col("kept")))
            .select(col(Cols.DOC_ID).as("prior_id"));
    Dataset<Row> clusters =
        r.clusters()
            .join(
                priorKept, col(Cols.DOC_ID).equalTo(col("prior_id")).and(col("kept")), "left_anti");
    v.put(
        Table.DUP_CLUSTERS,
        lake.replace(clusters.withColumn(BATCH, lit(n)), Table.DUP_CLUSTERS, where, meta));
    v.put(
        Table.DEDUP_SIGNATURES,
        lake.replace(
            r.signatures().withColumn(BATCH, lit(n)), Table.DEDUP_SIGNATURES, where, sigMeta));
    v.put(Table.DEDUP_SUMMARY, lake.replace(summary(r, n, opts), Table.DEDUP_SUMMARY, where, meta));
    return v;
  }

  private static Dataset<Row> summary(DedupResult r, int batch, DedupOptions opts) {
    return r.summary()
        .withColumn(BATCH, lit(batch))
        .withColumn(OPTIONS, lit(opts.signatureKey()))
        .coalesce(1);
  }
}
