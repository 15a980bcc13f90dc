package dev.slimspark.bench;

import dev.slimspark.spark.Sessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The SparkSession of the benchmark mains (TokenizeBench, TokenizeStageBench, EncodeProbe,
 * LabelBench): the settings the tests' session has, so numbers measured before these mains left the
 * test folders stay comparable. local[2] unless the system property {@code slimspark.test.master}
 * says otherwise, UI off, Delta on. Its scratch directory is deleted at JVM exit unless {@code
 * -Dslimspark.test.keep=true}.
 */
public final class BenchSpark {
  private static SparkSession session;
  private static Path scratch;

  private BenchSpark() {}

  public static synchronized SparkSession session() {
    if (session == null) {
      try {
        scratch = Files.createTempDirectory("slimspark-bench-");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      if (!Boolean.getBoolean("slimspark.test.keep")) {
        org.apache.spark.util.ShutdownHookManager.registerShutdownDeleteDir(scratch.toFile());
      }
      session =
          Sessions.withDelta(SparkSession.builder())
              .master(System.getProperty("slimspark.test.master", "local[2]"))
              .appName("slimspark-bench")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "4")
              .config("spark.default.parallelism", "4")
              .config("spark.sql.warehouse.dir", scratch.resolve("warehouse").toString())
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.sql.session.timeZone", "UTC")
              .config("spark.databricks.delta.snapshotPartitions", "2")
              .getOrCreate();
      session.sparkContext().setLogLevel("WARN");
    }
    return session;
  }

  /** A fresh empty directory under this JVM's scratch area. */
  public static synchronized Path newDir(String prefix) {
    session();
    try {
      return Files.createTempDirectory(scratch, prefix);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The sum of a SQL expression over a table of the lake at {@code lake} (0 when empty). */
  public static long sum(SparkSession spark, Path lake, String table, String expr) {
    org.apache.spark.sql.Row r =
        new dev.slimspark.lake.Lake(spark, lake.toString())
            .read(table)
            .selectExpr("coalesce(sum(" + expr + "), 0)")
            .head();
    return r.getLong(0);
  }
}
