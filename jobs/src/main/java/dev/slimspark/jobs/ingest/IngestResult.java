package dev.slimspark.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What one ingest run wrote, counted from its written tables (small aggregates, never the corpus
 * again). {@code reconciled}: for every file, lines read = docs + quarantined + blank, and the
 * tables hold exactly those docs, quarantine rows and files.
 *
 * @param quarantinedByReason reason -> lines
 * @param docsBySource source -> {docs, bytes}
 * @param plainFilesNamedCompressed files named .gz/.zst that hold plain text (read as plain)
 */
public record IngestResult(
    long files,
    long damagedFiles,
    long linesRead,
    long docs,
    long quarantined,
    long blank,
    long utf8Repaired,
    Map<String, Object> quarantinedByReason,
    Map<String, Object> docsBySource,
    long compressedBytes,
    long decompressedBytes,
    long plainFilesNamedCompressed,
    long docsInTable,
    long quarantineRows,
    long listedFiles) {

  /** Whether every count agrees with every other (see the class comment). */
  public boolean reconciled() {
    return linesRead == docs + quarantined + blank
        && docsInTable == docs
        && quarantineRows == quarantined
        && files == listedFiles;
  }

  /**
   * Counts of the written tables: {@code files} (ingest_files), {@code quarantine}
   * (ingest_quarantine) and {@code docs} (docs_raw); {@code listedFiles} is how many files the
   * listing gave, which ingest_files must match.
   */
  static IngestResult of(
      Dataset<Row> files, Dataset<Row> quarantine, Dataset<Row> docs, long listedFiles) {
    // Totals come from the per-file table (one row per file), never from the data.
    Row t =
        files
            .agg(
                count(lit(1)),
                sum("lines_read"),
                sum("docs"),
                sum("quarantined"),
                sum("blank"),
                sum("repaired"),
                sum(when(col("damaged"), 1).otherwise(0)),
                sum("compressed_bytes"),
                sum("decompressed_bytes"),
                sum(
                    when(
                            col("compression")
                                .equalTo("none")
                                .and(lower(col("file")).rlike("\\.(gz|zst|zstd)$")),
                            1)
                        .otherwise(0)))
            .head();
    Map<String, Object> byReason = new TreeMap<>();
    for (Row r : quarantine.groupBy("reason").count().collectAsList()) {
      byReason.put(r.getString(0), r.getLong(1));
    }
    Map<String, Object> bySource = new TreeMap<>();
    for (Row r : docs.groupBy("source").agg(count(lit(1)), sum("byte_length")).collectAsList()) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("docs", r.getLong(1));
      s.put("bytes", r.getLong(2));
      bySource.put(r.getString(0), s);
    }
    long docsInTable =
        bySource.values().stream().mapToLong(m -> (Long) ((Map<?, ?>) m).get("docs")).sum();
    long quarantineRows = byReason.values().stream().mapToLong(v -> (Long) v).sum();
    return new IngestResult(
        t.getLong(0),
        t.getLong(6),
        orZero(t, 1),
        orZero(t, 2),
        orZero(t, 3),
        orZero(t, 4),
        orZero(t, 5),
        byReason,
        bySource,
        orZero(t, 7),
        orZero(t, 8),
        orZero(t, 9),
        docsInTable,
        quarantineRows,
        listedFiles);
  }

  private static long orZero(Row r, int i) {
    return r.isNullAt(i) ? 0 : r.getLong(i);
  }
}
