package dev.slimspark.cluster;

import dev.slimspark.cli.Main;
import dev.slimspark.config.SlimConfig;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Driver JVM of {@link StandaloneClusterTest}: loads the config from {@code key=value} arguments
 * (the {@code --set} syntax, {@code spark.master} included), creates the session the way the CLI
 * does ({@link Main#session}) and runs ingest, filter and dedup. Exit code as the CLI's.
 */
public final class ClusterDriver {
  private ClusterDriver() {}

  public static void main(String[] args) {
    int code;
    SparkSession spark = null;
    try {
      SlimConfig config = SlimConfig.load(null, Arrays.asList(args));
      spark = Main.session(config, "cluster-test");
      code = Main.runStages(spark, config, List.of("ingest", "filter", "dedup"), "run");
    } catch (Throwable t) {
      t.printStackTrace();
      code = 1;
    } finally {
      if (spark != null) {
        spark.stop();
      }
    }
    System.exit(code);
  }
}
