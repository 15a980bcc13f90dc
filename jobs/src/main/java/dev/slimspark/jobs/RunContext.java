package dev.slimspark.jobs;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.LakeOptions;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Properties;
import org.apache.spark.sql.SparkSession;

/** One job run: its id, config, lake, session and clock. */
public final class RunContext {
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final SparkSession spark;
  private final SlimConfig config;
  private final Lake lake;
  private final String runId;
  private final Instant started;
  private final long startNanos;
  private final String configHash;

  public RunContext(SparkSession spark, SlimConfig config) {
    this.spark = spark;
    this.config = config;
    this.lake = new Lake(spark, LakeOptions.from(config).root());
    this.started = Instant.now();
    this.startNanos = System.nanoTime();
    byte[] r = new byte[4];
    new SecureRandom().nextBytes(r);
    this.runId =
        ID_TIME.format(started) + "-" + String.format("%02x%02x%02x%02x", r[0], r[1], r[2], r[3]);
    this.configHash = config.hash();
  }

  public SparkSession spark() {
    return spark;
  }

  public SlimConfig config() {
    return config;
  }

  public Lake lake() {
    return lake;
  }

  public String runId() {
    return runId;
  }

  public Instant started() {
    return started;
  }

  public long elapsedMs() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  public String configHash() {
    return configHash;
  }

  /** Delta commit metadata tying a table version to this run. */
  public String commitMetadata(String job) {
    return JobSummary.toJson(
        java.util.Map.of("run_id", runId, "job", job, "config_hash", configHash));
  }

  /** Project version plus the git commit the launcher passes (SLIMSPARK_GIT_COMMIT), if any. */
  public String codeVersion() {
    return CodeVersion.VALUE;
  }

  static final class CodeVersion {
    static final String VALUE = compute();

    private static String compute() {
      String v = "unknown";
      try (InputStream in = RunContext.class.getResourceAsStream("/slimspark-version.properties")) {
        if (in != null) {
          Properties p = new Properties();
          p.load(in);
          v = p.getProperty("version", v);
        }
      } catch (java.io.IOException e) {
        // Keep "unknown": the version is informative only.
      }
      String git = System.getenv("SLIMSPARK_GIT_COMMIT");
      return git == null || git.isEmpty() ? v : v + "+" + git;
    }
  }
}
