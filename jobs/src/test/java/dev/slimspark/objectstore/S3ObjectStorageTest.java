package dev.slimspark.objectstore;

import static dev.slimspark.Stages.q;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.sample.SampleCorpusGenerator;
import dev.slimspark.spark.Sessions;
import dev.slimspark.testing.S3ProxyServer;
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
import org.junit.jupiter.api.Test;

/**
 * The pipeline (ingest, filter, dedup) against object storage: S3Proxy on 127.0.0.1 (its own
 * process, filesystem backend) reached through S3A with path-style access, the lake and the input
 * both on s3a://. The same sample is also run from a local copy into a local lake; with {@code
 * ingest.id_base} set to each copy's root the doc ids agree, so every table must be equal once the
 * file column's prefix is removed. Credentials go into the session's Hadoop configuration only
 * (restored afterwards) and must appear nowhere: runs table, summaries, logs, stored objects.
 */
class S3ObjectStorageTest {
  static final String BUCKET = "slimspark-test";
  static final String IDENTITY = "slimspark-test-identity";
  // Distinctive so that a leak is found by a plain substring search.
  static final String SECRET = "s3cr3t-7f3a9c-do-not-log";
  static final List<String> STAGES = List.of("ingest", "filter", "dedup");
  static final List<String> TABLES =
      List.of("docs_raw", "ingest_quarantine", "ingest_files", "docs_filtered", "docs_dedup", "dup_clusters", "dedup_summary");
  static final String[] S3A_KEYS = {
    "fs.s3a.endpoint", "fs.s3a.endpoint.region", "fs.s3a.path.style.access", "fs.s3a.connection.ssl.enabled",
    "fs.s3a.access.key", "fs.s3a.secret.key", "fs.s3a.aws.credentials.provider", "fs.s3a.attempts.maximum",
    "fs.s3a.retry.limit", "fs.s3a.directory.marker.retention"
  };

  static S3ProxyServer server;
  static Path basedir;
  static Path sample;
  static Path localLake;
  static final Map<String, String> SAVED = new HashMap<>();
  static final List<String> SUMMARY_LINES = new ArrayList<>();
  static final StringWriter LOGS = new StringWriter();
  static String s3Sample;
  static String s3Lake;

  @BeforeAll
  static void runOnS3AndLocally() throws IOException {
    SparkSession spark = TestSpark.session();
    Path work = TestSpark.newDir("s3");
    basedir = Files.createDirectories(work.resolve("store"));
    // The filesystem backend maps a bucket to a directory under basedir.
    Files.createDirectories(basedir.resolve(BUCKET));
    server = S3ProxyServer.start(basedir, work, IDENTITY, SECRET);

    Configuration hc = spark.sparkContext().hadoopConfiguration();
    for (String k : S3A_KEYS) {
      SAVED.put(k, hc.getRaw(k));
    }
    hc.set("fs.s3a.endpoint", server.endpoint());
    hc.set("fs.s3a.endpoint.region", "us-east-1");
    hc.set("fs.s3a.path.style.access", "true");
    hc.set("fs.s3a.connection.ssl.enabled", "false");
    // Only the keys below: no environment or instance-metadata lookups from a test.
    hc.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    hc.set("fs.s3a.access.key", IDENTITY);
    hc.set("fs.s3a.secret.key", SECRET);
    // A dead server should fail the test quickly, not after minutes of retries.
    hc.set("fs.s3a.attempts.maximum", "2");
    hc.set("fs.s3a.retry.limit", "2");
    // Fewer requests per write (no parent-marker cleanup); safe with Hadoop 3.3+ readers.
    hc.set("fs.s3a.directory.marker.retention", "keep");

    sample = TestSpark.newDir("s3-sample");
    SampleCorpusGenerator.Options o = new SampleCorpusGenerator.Options();
    o.docs = 200;
    o.shards = 2;
    o.seed = 11;
    SampleCorpusGenerator.generate(o, sample);
    s3Sample = "s3a://" + BUCKET + "/sample";
    s3Lake = "s3a://" + BUCKET + "/lake";
    FileSystem s3 = FileSystem.get(URI.create(s3Sample), hc);
    try (Stream<Path> files = Files.list(sample)) {
      for (Path f : files.toList()) {
        s3.copyFromLocalFile(new org.apache.hadoop.fs.Path(f.toUri()), new org.apache.hadoop.fs.Path(s3Sample + "/" + f.getFileName()));
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
    try {
      run(
          Stages.config(
              "lake=" + q(s3Lake),
              "ingest.input=[" + q(s3Sample + "/*.jsonl*") + "]",
              "ingest.id_base=" + q(s3Sample)));
    } finally {
      ctx.getConfiguration().getRootLogger().removeAppender("s3-secret-check");
      ctx.updateLoggers();
      capture.stop();
    }
    localLake = TestSpark.newDir("s3-local-lake");
    run(
        Stages.config(
            "lake=" + q(localLake),
            "ingest.input=[" + q(sample + "/*.jsonl*") + "]",
            "ingest.id_base=" + q(sample)));
  }

  private static void run(SlimConfig c) {
    for (String stage : STAGES) {
      JobSummary s = Stages.run(stage, c);
      SUMMARY_LINES.add(s.toJson());
      assertEquals("ok", s.status(), s.toJson());
    }
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
      assertTrue(remote.count() > 0 || t.equals("dup_clusters"), t + " is empty");
      if (List.of(remote.columns()).contains("file")) {
        assertEquals(0, remote.where(col("file").startsWith(s3Sample + "/").unary_$bang()).count(), t + ": file not on s3a");
      }
      Dataset<Row> a = relative(remote, s3Sample);
      Dataset<Row> b = relative(local, localRoot);
      assertEquals(b.count(), a.count(), t);
      assertEquals(0, a.exceptAll(b).count(), t + ": rows only in the S3 run");
      assertEquals(0, b.exceptAll(a).count(), t + ": rows only in the local run");
    }
    assertTrue(table(s3Lake, "docs_raw").count() > 200);
    // The lake really is in the bucket (S3Proxy stores objects as files under basedir/bucket).
    assertTrue(Files.isDirectory(basedir.resolve(BUCKET).resolve("lake/docs_raw/_delta_log")));
  }

  @Test
  void credentialsAppearNowhere() throws IOException {
    List<String> runs =
        table(s3Lake, "runs").select(to_json(struct(col("*")))).as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertEquals(STAGES.size(), runs.size());
    for (String r : runs) {
      assertFalse(r.contains(SECRET), "secret in runs table: " + r);
      assertFalse(r.contains(IDENTITY), "access key in runs table: " + r);
    }
    for (String s : SUMMARY_LINES) {
      assertFalse(s.contains(SECRET) || s.contains(IDENTITY), "credential in summary: " + s);
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
    assertFalse(Files.readString(server.log(), StandardCharsets.ISO_8859_1).contains(SECRET), "S3Proxy logged the secret");
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
