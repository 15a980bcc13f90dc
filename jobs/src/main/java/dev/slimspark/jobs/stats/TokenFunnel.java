package dev.slimspark.jobs.stats;

import static org.apache.spark.sql.functions.arrays_zip;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.slimspark.lake.Table;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The funnel's token steps, written only when the tokenize and pack stages have run: 10 tokenized
 * (docs_tokens: documents and sum of token_count per source) and 11 packed (packed_rows: distinct
 * documents and non-padding tokens per source, by zipping each row's doc_ids with its
 * segment_lengths and joining docs_tokens for the source). Documents repeat in packed rows when the
 * mix upsamples, so step 11 counts distinct documents but all packed tokens.
 *
 * <p>Risk: these tables are built by other stages; if their columns change, the step is skipped
 * with a warning instead of failing stats (the report then shows it as not available).
 */
final class TokenFunnel {
  private static final Logger LOG = LoggerFactory.getLogger(TokenFunnel.class);

  private TokenFunnel() {}

  static List<Row> rows(StatsInputs in) {
    List<Row> rows = new ArrayList<>();
    if (!in.hasTokens()) {
      return rows;
    }
    Dataset<Row> tokens = in.docsTokens();
    try {
      for (Row r :
          tokens
              .groupBy("source")
              .agg(count(lit(1)), sum("token_count").cast(DataTypes.LongType))
              .collectAsList()) {
        rows.add(
            FunnelStats.row(
                r.getString(0),
                10,
                "tokenized",
                null,
                r.getLong(1),
                null,
                r.isNullAt(2) ? 0L : r.getLong(2),
                Table.DOCS_TOKENS.id()));
      }
    } catch (Exception e) {
      LOG.warn(
          "docs_tokens has an unexpected schema; skipping the tokenized funnel step: {}",
          e.toString());
      return new ArrayList<>();
    }
    if (!in.hasPackedRows()) {
      return rows;
    }
    try {
      Dataset<Row> segments =
          in.packedRows()
              .select(explode(arrays_zip(col("doc_ids"), col("segment_lengths"))).as("s"))
              .select(col("s.doc_ids").as("doc_id"), col("s.segment_lengths").as("n"));
      Dataset<Row> bySource =
          segments.join(tokens.select("doc_id", "source"), new String[] {"doc_id"}, "left");
      for (Row r :
          bySource
              .groupBy("source")
              .agg(countDistinct(col("doc_id")), sum("n").cast(DataTypes.LongType))
              .collectAsList()) {
        rows.add(
            FunnelStats.row(
                r.isNullAt(0) ? "unknown" : r.getString(0),
                11,
                "packed",
                null,
                r.getLong(1),
                null,
                r.isNullAt(2) ? 0L : r.getLong(2),
                Table.PACKED_ROWS.id()));
      }
    } catch (Exception e) {
      LOG.warn(
          "packed_rows has an unexpected schema; skipping the packed funnel step: {}",
          e.toString());
    }
    return rows;
  }
}
