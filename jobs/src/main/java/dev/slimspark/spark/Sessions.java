package dev.slimspark.spark;

import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession every job uses. The master is never hard-coded: the launcher passes
 * {@code spark.master} (embedded default: {@code local[*]}) or spark-submit does.
 */
public final class Sessions {
  /**
   * Spark's default {@code spark.redaction.regex} ({@code secret|password|token|access[.]?key})
   * plus the secret-bearing Hadoop keys it misses: S3 SSE-C keys ({@code fs.s3a.encryption.key},
   * {@code fs.s3a.server-side-encryption.key}), Azure account keys, GCS private keys and anything
   * named credential(s). Spark masks matching keys (and their values) in logs, the UI environment
   * page and event logs.
   */
  public static final String REDACTION_REGEX =
      "(?i)secret|password|token|access[.]?key|encryption[.]key|account[.]key|private[.]key|credential";

  /**
   * glibc malloc settings for executors (as {@code spark.executorEnv.*}; the launcher exports the
   * same for the embedded local[*] JVM, where the environment must be set before the JVM starts).
   * Why: the native HF tokenizer allocates and frees ~10-100 KB per document; with glibc's defaults
   * (trim threshold 128 KB, dynamic mmap threshold) task threads give that memory back to the
   * kernel after each document and fault it in again. Measured on the tokenize stage (Llama-2, 15
   * MB): page faults 1.27 M → 0.46 M, system CPU 13.7 s → 7.4 s, and encode() inside Spark tasks as
   * fast as in a plain loop (BENCHMARKS.md). Risk: each malloc arena may keep up to the trim
   * threshold (64 MB) of freed memory instead of returning it, i.e. more resident native memory per
   * executor; lower it (or remove it) where executor memory overhead is tight. A value the user
   * gives (spark-submit --conf or spark.* in the config) wins.
   */
  public static final Map<String, String> MALLOC_ENV =
      Map.of("MALLOC_MMAP_THRESHOLD_", "16777216", "MALLOC_TRIM_THRESHOLD_", "67108864");

  /**
   * Parquet row-group size of every file the jobs write ({@code spark.hadoop.parquet.block.size}):
   * 32 MiB instead of Parquet's 128 MiB. Why: a Parquet writer buffers a whole row group per open
   * file, and a reader loads the whole row group's chunks of the columns it reads, and Spark's
   * memory manager counts neither. For the text tables (almost all bytes are the text column) that
   * was up to 128 MiB per task on each side: at 1 GB of input and a 1 GB heap the stats stage ran
   * out of heap in the vectorized Parquet reader (live {@code byte[]} reached 387 MB while two
   * tasks read docs_filtered's text; BENCHMARKS.md, "Scale series"). Risk: four times as many row
   * groups, i.e. more footer entries and ranged reads on object stores; a single document larger
   * than this makes its row group that large anyway. A value given as a system property
   * (spark-submit --conf) or as a {@code spark.*} key of the config wins.
   */
  public static final long ROW_GROUP_BYTES = 32L << 20;

  static final String ROW_GROUP_KEY = "spark.hadoop.parquet.block.size";

  /**
   * No Parquet dictionary for the {@code tokens} columns (docs_tokens, packed_rows): each value is
   * one document's or row's token ids, almost never repeated, so the writer fills a dictionary of
   * whole values, finds it useless at the page limit and re-encodes everything plain, which cost ~2
   * % of the tokenize stage's CPU with the Llama-2 encoder. A value the user gives wins.
   */
  static final String TOKENS_DICTIONARY_KEY = "spark.hadoop.parquet.enable.dictionary#tokens";

  private Sessions() {}

  /**
   * Adds Delta Lake's SQL extension and catalog, the wider redaction pattern and {@link
   * #MALLOC_ENV} for executors, the {@link #ROW_GROUP_BYTES} row groups, no dictionary for token
   * columns; everything else comes from the environment. A {@code spark.redaction.regex} given to
   * spark-submit (a system property) is kept as it is.
   */
  public static SparkSession.Builder withDelta(SparkSession.Builder builder) {
    if (System.getProperty("spark.redaction.regex") == null) {
      builder = builder.config("spark.redaction.regex", REDACTION_REGEX);
    }
    for (Map.Entry<String, String> e : new TreeMap<>(MALLOC_ENV).entrySet()) {
      String key = "spark.executorEnv." + e.getKey();
      if (System.getProperty(key) == null) {
        builder = builder.config(key, e.getValue());
      }
    }
    if (System.getProperty(ROW_GROUP_KEY) == null) {
      builder = builder.config(ROW_GROUP_KEY, Long.toString(ROW_GROUP_BYTES));
    }
    if (System.getProperty(TOKENS_DICTIONARY_KEY) == null) {
      builder = builder.config(TOKENS_DICTIONARY_KEY, "false");
    }
    return builder
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config(
            "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        // Our writes are deterministic overwrites; keep Delta's own stats and checks on.
        .config("spark.databricks.delta.schema.autoMerge.enabled", "false");
  }

  /** Returns the active session or creates one with Delta configured. */
  public static SparkSession getOrCreate(String appName) {
    return withDelta(SparkSession.builder().appName(appName)).getOrCreate();
  }
}
