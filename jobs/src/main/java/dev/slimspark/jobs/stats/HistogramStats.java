package dev.slimspark.jobs.stats;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code stats_histograms}: per document set, source and metric, the number of documents in each
 * fixed bin ({@link Bins}). Only non-empty bins are written; every document lands in exactly one
 * bin per metric (nulls in bin -1), so a histogram sums to its document count in stats_sources.
 * Lengths are histogrammed for every set, quality signals for the ingested set, tokens for the
 * dedup set when docs_tokens exists. One pass per set: every metric is exploded from one scan.
 */
final class HistogramStats {
  private HistogramStats() {}

  static Dataset<Row> compute(DocumentSets sets) {
    Dataset<Row> out = null;
    for (Map.Entry<String, Dataset<Row>> e : sets.sets().entrySet()) {
      String stage = e.getKey();
      List<Metric> metrics = new ArrayList<>(Metric.LENGTHS);
      boolean tokens = sets.hasTokens() && stage.equals(StatsTables.KEPT_BY_DEDUP);
      if (stage.equals(StatsTables.INGESTED)) {
        metrics.addAll(Metric.SIGNALS);
      }
      if (tokens) {
        metrics.add(Metric.TOKENS);
      }
      Dataset<Row> h =
          histogram(e.getValue(), metrics)
              .withColumn("stage", lit(stage))
              .withColumn("from_table", lit(DocumentSets.fromTable(stage, tokens)));
      out = out == null ? h : out.unionByName(h);
    }
    return out.select(
            "stage",
            "source",
            "metric",
            "unit",
            "binning",
            "bin",
            "lower",
            "upper",
            "documents",
            "from_table")
        .orderBy("stage", "source", "metric", "bin");
  }

  /** Columns source, metric, unit, binning, bin, lower, upper, documents for the given metrics. */
  static Dataset<Row> histogram(Dataset<Row> docs, List<Metric> metrics) {
    Column[] entries = new Column[metrics.size()];
    for (int i = 0; i < metrics.size(); i++) {
      Metric m = metrics.get(i);
      entries[i] = struct(lit(m.name()).as("metric"), m.bins().bin(col(m.name())).as("bin"));
    }
    Dataset<Row> counts =
        docs.select(col("source"), explode(array(entries)).as("h"))
            .groupBy(col("source"), col("h.metric").as("metric"), col("h.bin").as("bin"))
            .agg(count(lit(1)).as("documents"));
    // Per-metric constants and bounds, chosen by the metric name (a few CASE branches on a small
    // table).
    Column unit = lit(null).cast(DataTypes.StringType);
    Column binning = lit(null).cast(DataTypes.StringType);
    Column lower = lit(null).cast(DataTypes.DoubleType);
    Column upper = lit(null).cast(DataTypes.DoubleType);
    for (int i = metrics.size() - 1; i >= 0; i--) {
      Metric m = metrics.get(i);
      Column is = col("metric").equalTo(m.name());
      unit = when(is, lit(m.unit())).otherwise(unit);
      binning = when(is, lit(m.bins().describe())).otherwise(binning);
      lower = when(is, m.bins().lower(col("bin"))).otherwise(lower);
      upper = when(is, m.bins().upper(col("bin"))).otherwise(upper);
    }
    return counts
        .withColumn("unit", unit)
        .withColumn("binning", binning)
        .withColumn("lower", lower.cast(DataTypes.DoubleType))
        .withColumn("upper", upper.cast(DataTypes.DoubleType));
  }
}
