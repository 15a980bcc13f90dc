package dev.slimspark;

import dev.slimspark.spark.Sessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession shared by every test in this JVM: local[2] (benchmarks may set the system
 * property {@code slimspark.test.master}), UI off, Delta on. Its scratch directory is deleted at
 * JVM exit unless {@code -Dslimspark.test.keep=true}.
 */
public final class TestSpark {
  private static SparkSession session;
  private static Path scratch;

  private TestSpark() {}

  public static synchronized SparkSession session() {
    if (session == null) {
      try {
        scratch = Files.createTempDirectory("slimspark-test-");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      // Test lakes, corpora and cluster work dirs reach 1.5 GB per run: deleted when the JVM exits
      // (by Spark's temp-dir hook, after the session has stopped), unless kept for debugging.
      if (!Boolean.getBoolean("slimspark.test.keep")) {
        org.apache.spark.util.ShutdownHookManager.registerShutdownDeleteDir(scratch.toFile());
      }
      session =
          Sessions.withDelta(SparkSession.builder())
              .master(System.getProperty("slimspark.test.master", "local[2]"))
              .appName("slimspark-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "4")
              .config("spark.default.parallelism", "4")
              .config("spark.sql.warehouse.dir", scratch.resolve("warehouse").toString())
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.sql.session.timeZone", "UTC")
              // Delta's default 50 snapshot partitions cost seconds per tiny test table.
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
}
