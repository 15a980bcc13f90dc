package dev.slimspark.jobs.filter;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What one filter run kept and dropped, counted from the written docs_filtered (small aggregates
 * only). {@code reconciled}: docs_filtered holds exactly the input's documents.
 *
 * @param droppedByReason first failed rule -> documents
 * @param bySource source -> {docs_in, kept, dropped_by_reason}
 * @param rawDocs documents of the input table, which docs_filtered must match
 */
public record FilterResult(
    long docsIn,
    long kept,
    long keptBytes,
    Map<String, Object> droppedByReason,
    Map<String, Map<String, Object>> bySource,
    long rawDocs) {

  public long dropped() {
    return docsIn - kept;
  }

  public boolean reconciled() {
    return docsIn == rawDocs;
  }

  /**
   * Counts of {@code filtered} (docs_filtered as written) against {@code rawDocs} input documents.
   */
  static FilterResult of(Dataset<Row> filtered, long rawDocs) {
    Map<String, Object> byReason = new TreeMap<>();
    Map<String, Map<String, Object>> bySource = new TreeMap<>();
    long in = 0;
    long kept = 0;
    long keptBytes = 0;
    for (Row r :
        filtered
            .groupBy(col("source"), col("kept"), col("drop_reason"))
            .agg(count(lit(1)), sum("byte_length"))
            .collectAsList()) {
      String source = r.getString(0);
      boolean k = r.getBoolean(1);
      String reason = r.isNullAt(2) ? null : r.getString(2);
      long n = r.getLong(3);
      long bytes = r.isNullAt(4) ? 0 : r.getLong(4);
      in += n;
      Map<String, Object> s = bySource.computeIfAbsent(source, x -> newSourceCounts());
      s.merge("docs_in", n, (a, b) -> (Long) a + (Long) b);
      if (k) {
        kept += n;
        keptBytes += bytes;
        s.merge("kept", n, (a, b) -> (Long) a + (Long) b);
      } else {
        byReason.merge(reason, n, (a, b) -> (Long) a + (Long) b);
        @SuppressWarnings("unchecked")
        Map<String, Object> dr = (Map<String, Object>) s.get("dropped_by_reason");
        dr.merge(reason, n, (a, b) -> (Long) a + (Long) b);
      }
    }
    return new FilterResult(in, kept, keptBytes, byReason, bySource, rawDocs);
  }

  private static Map<String, Object> newSourceCounts() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("docs_in", 0L);
    m.put("kept", 0L);
    m.put("dropped_by_reason", new TreeMap<String, Object>());
    return m;
  }
}
