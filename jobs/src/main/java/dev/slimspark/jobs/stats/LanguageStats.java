package dev.slimspark.jobs.stats;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.slimspark.lake.Table;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code stats_languages}: documents and bytes per source and detected language over every ingested
 * document (docs_filtered), and how many of them the filter kept. Documents without a language
 * (detection disabled or undecided) count under "und", as in ISO 639.
 */
final class LanguageStats {
  private LanguageStats() {}

  static Dataset<Row> compute(StatsInputs in) {
    return in.docsFiltered()
        .select(
            col("source"),
            coalesce(col("language"), lit("und")).as("language"),
            col("kept"),
            col("byte_length"))
        .groupBy("source", "language")
        .agg(
            count(lit(1)).as("documents"),
            sum(when(col("kept"), 1L).otherwise(0L)).as("kept"),
            sum("byte_length").cast(DataTypes.LongType).as("bytes"))
        .withColumn("from_table", lit(Table.DOCS_FILTERED.id()))
        .orderBy("source", "language")
        .coalesce(1);
  }
}
