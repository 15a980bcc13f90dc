package dev.slimspark.jobs.stats;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import dev.slimspark.lake.Table;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Decontamination from its tables: {@code stats_decon} (per eval set: items, items found and the
 * contamination rate, documents dropped and cut, hits, frequent n-grams ignored; decon_summary's
 * numbers with the hit count from decon_hits) and the funnel's decontaminate steps (documents
 * dropped, documents cut and the bytes the cuts removed, per source). Only grouped rows leave the
 * executors: the per-set table has one row per eval set, the funnel steps one per source.
 */
final class DeconStats {
  /** The funnel step of the documents decontaminate dropped (an outcome of an input line). */
  static final String DROPPED = "decon_dropped";

  /** The funnel step of the documents it cut: kept, so not an outcome; bytes are those removed. */
  static final String CUT = "decon_cut";

  private DeconStats() {}

  /** One row per eval set, ordered by name. Requires {@link StatsInputs#hasDecon()}. */
  static Dataset<Row> perSet(StatsInputs in) {
    Dataset<Row> hits =
        in.deconHits()
            .groupBy("eval_set")
            .agg(count(lit(1)).as("hits"))
            .withColumnRenamed("eval_set", "hit_set");
    Dataset<Row> s = in.deconSummary();
    return s.join(hits, s.col("eval_set").equalTo(hits.col("hit_set")), "left")
        .select(
            col("eval_set"),
            col("items"),
            col("items_too_short"),
            col("items_found"),
            col("contamination_rate"),
            col("docs_dropped"),
            col("docs_cut"),
            coalesce(col("hits"), lit(0L)).cast(DataTypes.LongType).as("hits"),
            col("frequent_ngrams_ignored"),
            lit(Table.DECON_SUMMARY.id() + " + " + Table.DECON_HITS.id()).as("from_table"))
        .orderBy("eval_set")
        .coalesce(1);
  }

  /**
   * The contaminated documents with their source and bytes before (docs_dedup) and after
   * (docs_decon, null when dropped): one row per document of decon_hits, whose action is the same
   * on every hit of a document.
   */
  private static Dataset<Row> contaminated(StatsInputs in) {
    Dataset<Row> hits = in.deconHits();
    // decon_hits written before drop reasons were recorded has no reason column.
    Column reason =
        java.util.Arrays.asList(hits.columns()).contains("reason")
            ? col("reason")
            : lit(null).cast(DataTypes.StringType).as("reason");
    Dataset<Row> docs = hits.select(col("doc_id"), col("action"), reason).distinct();
    Dataset<Row> before = in.docsDedup().select("doc_id", "source", "byte_length");
    Dataset<Row> after = in.docsDecon().select(col("doc_id"), col("byte_length").as("bytes_after"));
    return docs.join(before, new String[] {"doc_id"}, "left")
        .join(after, new String[] {"doc_id"}, "left");
  }

  /** Dropped documents with their bytes and why they were dropped (step 7). */
  static Dataset<Row> droppedStep(StatsInputs in) {
    return contaminated(in).where(col("action").equalTo("dropped"));
  }

  /** Cut documents with the bytes the cuts removed (step 8). */
  static Dataset<Row> cutStep(StatsInputs in) {
    Column removed = col("byte_length").minus(coalesce(col("bytes_after"), lit(0L)));
    return contaminated(in).where(col("action").equalTo("cut")).withColumn("removed", removed);
  }
}
