package dev.slimspark.jobs.stats;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code stats_sources}: per document set and source (plus a null-source row for all sources, as
 * SQL ROLLUP writes it) the documents, bytes, characters, words, lines, tokens, and p50/p90/p99/max
 * of bytes and words per document. Percentiles use approx_percentile with the configured accuracy
 * (rank error at most documents / accuracy; exact for small groups).
 */
final class SourceStats {
  private SourceStats() {}

  static Dataset<Row> compute(DocumentSets sets, int accuracy) {
    Dataset<Row> out = null;
    for (Map.Entry<String, Dataset<Row>> e : sets.sets().entrySet()) {
      String stage = e.getKey();
      boolean tokens = sets.hasTokens() && stage.equals(StatsTables.KEPT_BY_DEDUP);
      List<Column> aggs = new ArrayList<>();
      aggs.add(count(lit(1)).as("documents"));
      aggs.add(sum("byte_length").cast(DataTypes.LongType).as("bytes"));
      aggs.add(sum("char_count").cast(DataTypes.LongType).as("characters"));
      aggs.add(sum("word_count").cast(DataTypes.LongType).as("words"));
      aggs.add(sum("line_count").cast(DataTypes.LongType).as("lines"));
      aggs.add(
          (tokens
                  ? sum("token_count").cast(DataTypes.LongType)
                  : lit(null).cast(DataTypes.LongType))
              .as("tokens"));
      aggs.addAll(quantiles("byte_length", "bytes", accuracy));
      aggs.addAll(quantiles("word_count", "words", accuracy));
      Dataset<Row> d =
          e.getValue()
              .rollup("source")
              .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0]))
              .withColumn("stage", lit(stage))
              .withColumn("from_table", lit(DocumentSets.fromTable(stage, tokens)));
      out = out == null ? d : out.unionByName(d);
    }
    return out.select(
            col("stage"),
            col("source"),
            col("documents"),
            col("bytes"),
            col("characters"),
            col("words"),
            col("lines"),
            col("tokens"),
            col("bytes_p50"),
            col("bytes_p90"),
            col("bytes_p99"),
            col("bytes_max"),
            col("words_p50"),
            col("words_p90"),
            col("words_p99"),
            col("words_max"),
            col("from_table"))
        .orderBy(col("stage"), col("source").asc_nulls_first());
  }

  private static List<Column> quantiles(String column, String prefix, int accuracy) {
    Column q = percentile_approx(col(column), array(lit(0.5), lit(0.9), lit(0.99)), lit(accuracy));
    List<Column> out = new ArrayList<>();
    String[] names = {"p50", "p90", "p99"};
    for (int i = 0; i < names.length; i++) {
      out.add(q.getItem(i).cast(DataTypes.LongType).as(prefix + "_" + names[i]));
    }
    out.add(max(column).cast(DataTypes.LongType).as(prefix + "_max"));
    return out;
  }
}
