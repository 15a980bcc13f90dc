package dev.slimspark.jobs.tokenize;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What one tokenize run wrote, counted from the written docs_tokens (small aggregates only). {@code
 * reconciled}: one row per input document.
 *
 * @param docsSplitIntoChunks documents encoded in more than one piece (see tokenize.chunk_chars)
 * @param bySource source ("null" when missing) -> {docs, tokens}
 */
public record TokenizeResult(
    long docs,
    long tokens,
    long docsSplitIntoChunks,
    long maxChunks,
    Map<String, Object> bySource,
    long inputDocs) {

  public boolean reconciled() {
    return docs == inputDocs;
  }

  /** Counts of {@code written} (docs_tokens) against {@code inputDocs} documents read. */
  static TokenizeResult of(Dataset<Row> written, long inputDocs) {
    long docs = 0;
    long toks = 0;
    long split = 0;
    long maxChunks = 0;
    Map<String, Object> bySource = new TreeMap<>();
    for (Row row :
        written
            .groupBy(col("source"))
            .agg(
                count(lit(1)),
                sum("token_count"),
                sum(when(col("chunks").gt(1), 1).otherwise(0)),
                org.apache.spark.sql.functions.max("chunks"))
            .collectAsList()) {
      long n = row.getLong(1);
      long t = row.isNullAt(2) ? 0 : row.getLong(2);
      docs += n;
      toks += t;
      split += row.isNullAt(3) ? 0 : row.getLong(3);
      maxChunks = Math.max(maxChunks, row.isNullAt(4) ? 0 : row.getInt(4));
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("docs", n);
      s.put("tokens", t);
      bySource.put(row.isNullAt(0) ? "null" : row.getString(0), s);
    }
    return new TokenizeResult(docs, toks, split, maxChunks, bySource, inputDocs);
  }
}
