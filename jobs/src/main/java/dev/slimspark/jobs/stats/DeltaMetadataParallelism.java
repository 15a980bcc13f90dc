package dev.slimspark.jobs.stats;

import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the partitions Delta uses to rebuild a table's snapshot from its log while stats runs, and
 * restores the setting on close. Stats loads the snapshots of some 15 small tables (its inputs and
 * the stats_* tables it overwrites), each a Spark job with Delta's default of 50 tasks: on a laptop
 * or a 2-core box that is about 1-4 s of task overhead per table, more than the stats themselves.
 * The cap is the session's default parallelism (its cores), at most Delta's 50, so a cluster with
 * 50 or more cores keeps the default. Not applied when the user set {@code
 * spark.databricks.delta.snapshotPartitions} (e.g. in the config's spark block).
 *
 * <p>Risk: the setting is session-wide, so a job running concurrently in the same session would
 * also see the cap while stats runs; slimspark runs stages one after another.
 */
final class DeltaMetadataParallelism implements AutoCloseable {
  static final String KEY = "spark.databricks.delta.snapshotPartitions";
  private static final int DELTA_DEFAULT = 50;
  private static final Logger LOG = LoggerFactory.getLogger(DeltaMetadataParallelism.class);

  private final SparkSession spark;
  private final boolean applied;

  private DeltaMetadataParallelism(SparkSession spark, boolean applied) {
    this.spark = spark;
    this.applied = applied;
  }

  static DeltaMetadataParallelism forStats(SparkSession spark) {
    if (spark.conf().contains(KEY)) {
      return new DeltaMetadataParallelism(spark, false);
    }
    int partitions =
        Math.max(1, Math.min(DELTA_DEFAULT, spark.sparkContext().defaultParallelism()));
    LOG.info("stats: Delta snapshots rebuilt with {} partitions ({})", partitions, KEY);
    spark.conf().set(KEY, partitions);
    return new DeltaMetadataParallelism(spark, true);
  }

  @Override
  public void close() {
    if (applied) {
      spark.conf().unset(KEY);
    }
  }
}
