package dev.slimspark.spark;

import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession every job uses. The master is never hard-coded: the launcher passes
 * {@code spark.master} (embedded default: {@code local[*]}) or spark-submit does.
 */
public final class Sessions {
  /**
   * Spark's default {@code spark.redaction.regex} ({@code secret|password|token|access[.]?key})
   * plus the secret-bearing Hadoop keys it misses: S3 SSE-C keys ({@code
   * fs.s3a.encryption.key}, {@code fs.s3a.server-side-encryption.key}), Azure account keys, GCS
   * private keys and anything named credential(s). Spark masks matching keys (and their values) in
   * logs, the UI environment page and event logs.
   */
  public static final String REDACTION_REGEX =
      "(?i)secret|password|token|access[.]?key|encryption[.]key|account[.]key|private[.]key|credential";

  private Sessions() {}

  /**
   * Adds Delta Lake's SQL extension and catalog and the wider redaction pattern; everything else
   * comes from the environment. A {@code spark.redaction.regex} given to spark-submit (a system
   * property) is kept as it is.
   */
  public static SparkSession.Builder withDelta(SparkSession.Builder builder) {
    if (System.getProperty("spark.redaction.regex") == null) {
      builder = builder.config("spark.redaction.regex", REDACTION_REGEX);
    }
    return builder
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        // Our writes are deterministic overwrites; keep Delta's own stats and checks on.
        .config("spark.databricks.delta.schema.autoMerge.enabled", "false");
  }

  /** Returns the active session or creates one with Delta configured. */
  public static SparkSession getOrCreate(String appName) {
    return withDelta(SparkSession.builder().appName(appName)).getOrCreate();
  }
}
