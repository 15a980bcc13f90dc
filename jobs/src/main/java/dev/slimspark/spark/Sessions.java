package dev.slimspark.spark;

import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession every job uses. The master is never hard-coded: the launcher passes
 * {@code spark.master} (embedded default: {@code local[*]}) or spark-submit does.
 */
public final class Sessions {
  private Sessions() {}

  /** Adds Delta Lake's SQL extension and catalog; everything else comes from the environment. */
  public static SparkSession.Builder withDelta(SparkSession.Builder builder) {
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
