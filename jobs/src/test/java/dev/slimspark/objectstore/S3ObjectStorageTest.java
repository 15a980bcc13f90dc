package dev.slimspark.objectstore;

import static dev.slimspark.Stages.q;
import static dev.slimspark.testing.SameRows.assertSameRows;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.cli.Main;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.Status;
import dev.slimspark.sample.SampleCorpusGenerator;
import dev.slimspark.spark.Sessions;
import dev.slimspark.testing.S3ProxyServer;
import dev.slimspark.testing.StdoutCapture;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The pipeline (ingest, filter) against object storage: S3Proxy on 127.0.0.1 (its own process,
 * filesystem backend) reached through S3A with path-style access, the lake and the input both on
 * s3a://, run through the CLI entry point ({@code run --until filter}) in this JVM. The server is
 * killed while filter writes: the command must fail with a problem/cause/fix message (exit 2, no
 * stack trace on stdout); after a restart on the same port the same command resumes (ingest "up to
 * date", filter redone), and once more is a no-op. The same sample is also run from a local copy
 * into a local lake; with {@code ingest.id_base} set to each copy's root the doc ids agree, so
 * every table must be equal once the file column's prefix is removed. Credentials go into the
 * session's Hadoop configuration only (restored afterwards) and must appear nowhere: runs table,
 * summaries, error messages, logs, stored objects.
 */
@Tag("cluster") // multi-process; skip with -Dslimspark.test.excludedGroups=bench,cluster
class S3ObjectStorageTest {
  static final String BUCKET = "slimspark-test";
  static final String IDENTITY = "slimspark-test-identity";
  // Distinctive so that a leak is found by a plain substring search.
  static final String SECRET = "s3cr3t-7f3a9c-do-not-log";
  static final List<String> STAGES = List.of("ingest", "filter");
  static final List<String> TABLES =
      List.of("docs_raw", "ingest_quarantine", "ingest_files", "docs_filtered");
  static final String[] S3A_KEYS = {
    "fs.s3a.endpoint", "fs.s3a.endpoint.region", "fs.s3a.path.style.access",
        "fs.s3a.connection.ssl.enabled",
    "fs.s3a.access.key", "fs.s3a.secret.key", "fs.s3a.aws.credentials.provider",
        "fs.s3a.attempts.maximum",
    "fs.s3a.retry.limit", "fs.s3a.retry.interval", "fs.s3a.directory.marker.retention"
  };

  static S3ProxyServer server;
  static final List<Path> serverLogs = new ArrayList<>();
  static Path basedir;
  static Path sample;
  static Path localLake;
  static final Map<String, String> SAVED = new HashMap<>();

  /** stdout and stderr of the three CLI runs on S3: killed server, resumed, up to date. */
  static final List<StdoutCapture> RUNS = new ArrayList<>();

  static final List<Integer> CODES = new ArrayList<>();
  static final StringWriter LOGS = new StringWriter();
  static String s3Sample;
  static String s3Lake;

  @BeforeAll
  static void runOnS3AndLocally() throws Exception {
    SparkSession spark = TestSpark.session();
    Path work = TestSpark.newDir("s3");
    basedir = Files.createDirectories(work.resolve("store"));
    // The filesystem backend maps a bucket to a directory under basedir.
    Files.createDirectories(basedir.resolve(BUCKET));
    server = S3ProxyServer.start(basedir, work, IDENTITY, SECRET);
    serverLogs.add(server.log());

    Configuration hc = spark.sparkContext().hadoopConfiguration();
    for (String k : S3A_KEYS) {
      SAVED.put(k, hc.getRaw(k));
    }
    hc.set("fs.s3a.endpoint", server.endpoint());
    hc.set("fs.s3a.endpoint.region", "us-east-1");
    hc.set("fs.s3a.path.style.access", "true");
    hc.set("fs.s3a.connection.ssl.enabled", "false");
    // Only the keys below: no environment or instance-metadata lookups from a test.
    hc.set(
        "fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    hc.set("fs.s3a.access.key", IDENTITY);
    hc.set("fs.s3a.secret.key", SECRET);
    // A dead server should fail the run quickly, not after minutes of retries.
    hc.set("fs.s3a.attempts.maximum", "2");
    hc.set("fs.s3a.retry.limit", "2");
    hc.set("fs.s3a.retry.interval", "100ms");
    // Fewer requests per write (no parent-marker cleanup); safe with Hadoop 3.3+ readers.
    hc.set("fs.s3a.directory.marker.retention", "keep");

    sample = TestSpark.newDir("s3-sample");
    SampleCorpusGenerator.generate(SampleCorpusGenerator.Options.of(80, 1, 11), sample);
    s3Sample = "s3a://" + BUCKET + "/sample";
    s3Lake = "s3a://" + BUCKET + "/lake";
    FileSystem s3 = FileSystem.get(URI.create(s3Sample), hc);
    try (Stream<Path> files = Files.list(sample)) {
      for (Path f : files.toList()) {
        s3.copyFromLocalFile(
            new org.apache.hadoop.fs.Path(f.toUri()),
            new org.apache.hadoop.fs.Path(s3Sample + "/" + f.getFileName()));
      }
    }

    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    WriterAppender capture =
        WriterAppender.newBuilder()
            .setName("s3-secret-check")
            .setTarget(LOGS)
            .setLayout(PatternLayout.newBuilder().withPattern("%c %m %ex%n").build())
            .build();
    capture.start();
    ctx.getConfiguration().getRootLogger().addAppender(capture, null, null);
    ctx.updateLoggers();
    String[] cli = {
      "run",
      "--until",
      "filter",
      "--set",
      "lake=" + q(s3Lake),
      "--set",
      "ingest.input=[" + q(s3Sample + "/*.jsonl*") + "]",
      "--set",
      "ingest.id_base=" + q(s3Sample)
    };
    try {
      // 1: the server dies as soon as filter's first file lands in the bucket.
      Path filtered = basedir.resolve(BUCKET).resolve("lake").resolve("docs_filtered");
      Thread killer =
          new Thread(
              () -> {
                try {
                  while (!Files.exists(filtered)) {
                    Thread.sleep(5);
                  }
                  server.kill();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "s3proxy-killer");
      killer.setDaemon(true);
      killer.start();
      cliRun(cli);
      killer.interrupt();
      killer.join(10_000);
      // 2: restarted on the same port (the endpoint the configuration names), same command.
      server = S3ProxyServer.start(basedir, work, IDENTITY, SECRET, server.port());
      serverLogs.add(server.log());
      cliRun(cli);
      // 3: once more: nothing to do.
      cliRun(cli);
    } finally {
      ctx.getConfiguration().getRootLogger().removeAppender("s3-secret-check");
      ctx.updateLoggers();
      capture.stop();
    }
    localLake = TestSpark.newDir("s3-local-lake");
    SlimConfig local =
        Stages.config(
            "lake=" + q(localLake),
            "ingest.input=[" + q(sample + "/*.jsonl*") + "]",
            "ingest.id_base=" + q(sample));
    for (String stage : STAGES) {
      JobSummary s = Stages.run(stage, local);
      assertEquals(Status.OK, s.status(), s.toJson());
    }
  }

  private static void cliRun(String[] args) {
    StdoutCapture out = new StdoutCapture();
    try (out) {
      CODES.add(Main.run(args));
    }
    RUNS.add(out);
  }

  @AfterAll
  static void stopAndRestore() throws IOException {
    try {
      if (TestSpark.session() != null && server != null) {
        Configuration hc = TestSpark.session().sparkContext().hadoopConfiguration();
        // Drop the cached S3A client (its pools, its credentials) before the settings go.
        FileSystem.get(URI.create("s3a://" + BUCKET + "/"), hc).close();
        org.apache.spark.sql.delta.DeltaLog.clearCache();
      }
    } finally {
      Configuration hc = TestSpark.session().sparkContext().hadoopConfiguration();
      for (Map.Entry<String, String> e : SAVED.entrySet()) {
        if (e.getValue() == null) {
          hc.unset(e.getKey());
        } else {
          hc.set(e.getKey(), e.getValue());
        }
      }
      if (server != null) {
        server.close();
      }
    }
  }

  static Dataset<Row> table(String lake, String name) {
    return TestSpark.session().read().format("delta").load(lake + "/" + name);
  }

  /** The table with the file column made relative to the corpus root. */
  static Dataset<Row> relative(Dataset<Row> df, String root) {
    if (!List.of(df.columns()).contains("file")) {
      return df;
    }
    return df.withColumn("file", regexp_replace(col("file"), "^" + Pattern.quote(root + "/"), ""));
  }

  @Test
  void tablesOnS3EqualTheLocalRun() {
    // The listing's spelling of local paths: "file:/abs/dir" (no "//", no trailing slash).
    String localRoot = "file:" + sample.toAbsolutePath();
    for (String t : TABLES) {
      Dataset<Row> remote = table(s3Lake, t);
      Dataset<Row> local = table(localLake.toUri().toString(), t);
      assertTrue(remote.count() > 0, t + " is empty");
      if (List.of(remote.columns()).contains("file")) {
        assertEquals(
            0,
            remote.where(col("file").startsWith(s3Sample + "/").unary_$bang()).count(),
            t + ": file not on s3a");
      }
      assertSameRows(relative(remote, s3Sample), relative(local, localRoot), t, "S3");
    }
    assertTrue(table(s3Lake, "docs_raw").count() > 80);
    // The lake really is in the bucket (S3Proxy stores objects as files under basedir/bucket).
    assertTrue(Files.isDirectory(basedir.resolve(BUCKET).resolve("lake/docs_raw/_delta_log")));
  }

  @Test
  void credentialsAppearNowhere() throws IOException {
    List<String> runs =
        table(s3Lake, "runs")
            .select(to_json(struct(col("*"))))
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();
    // ingest (first run), filter (second run): the failed and the up-to-date runs record nothing.
    assertEquals(STAGES.size(), runs.size());
    for (String r : runs) {
      assertFalse(r.contains(SECRET), "secret in runs table: " + r);
      assertFalse(r.contains(IDENTITY), "access key in runs table: " + r);
    }
    for (StdoutCapture run : RUNS) {
      String printed = run.stdout() + run.stderr();
      assertFalse(
          printed.contains(SECRET) || printed.contains(IDENTITY), "credential printed: " + printed);
    }
    String logs = LOGS.toString();
    assertFalse(logs.contains(SECRET), "secret in the logs");
    // Every stored object: Delta logs, checkpoints, Parquet files of every table.
    try (Stream<Path> files = Files.walk(basedir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertFalse(content.contains(SECRET), "secret stored in " + f);
      }
    }
    for (Path log : serverLogs) {
      assertFalse(
          Files.readString(log, StandardCharsets.ISO_8859_1).contains(SECRET),
          "S3Proxy logged the secret");
    }
  }

  @Test
  void aStoppedServerFailsTheRunClearlyAndTheRerunResumes() {
    StdoutCapture failed = RUNS.get(0);
    assertEquals(2, CODES.get(0), "exit code of the run whose server died\n" + failed.stderr());
    List<String> out = failed.lines();
    assertEquals(1, out.size(), "only ingest's summary: " + out);
    assertTrue(
        out.get(0).startsWith("{\"job\":\"ingest\"") && out.get(0).contains("\"status\":\"ok\""),
        out.get(0));
    String err = failed.stderr();
    assertTrue(err.startsWith("error: The job lost its connection to storage"), err);
    assertTrue(err.contains("\n  cause: ") && err.contains("\n  fix:   "), err);
    assertFalse(
        err.contains("\tat ") || failed.stdout().contains("\tat "), "stack trace printed: " + err);

    assertEquals(0, CODES.get(1), RUNS.get(1).stderr());
    assertEquals(List.of("ingest=up to date", "filter=ok", "run=ok"), RUNS.get(1).jobStatuses());
    assertEquals(0, CODES.get(2), RUNS.get(2).stderr());
    assertEquals(
        List.of("ingest=up to date", "filter=up to date", "run=up to date"),
        RUNS.get(2).jobStatuses());
  }

  @Test
  void sparkRedactsTheS3aSecretKeys() {
    String regex = TestSpark.session().conf().get("spark.redaction.regex");
    assertEquals(Sessions.REDACTION_REGEX, regex);
    Pattern p = Pattern.compile(regex);
    for (String k :
        List.of(
            "spark.hadoop.fs.s3a.secret.key",
            "spark.hadoop.fs.s3a.access.key",
            "spark.hadoop.fs.s3a.session.token",
            "spark.hadoop.fs.s3a.encryption.key",
            "spark.hadoop.fs.s3a.bucket.b.encryption.key",
            "spark.hadoop.fs.azure.account.key.acct.dfs.core.windows.net")) {
      assertTrue(p.matcher(k).find(), k);
    }
    assertFalse(p.matcher("spark.hadoop.fs.s3a.endpoint").find());
  }
}
