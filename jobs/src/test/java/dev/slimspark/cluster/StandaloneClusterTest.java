package dev.slimspark.cluster;

import static dev.slimspark.Stages.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.sample.SampleCorpusGenerator;
import dev.slimspark.testing.ChildProcesses;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real multi-process Spark standalone cluster on 127.0.0.1: one master and two workers (one core
 * each) started as separate JVMs from the project's runtime jars, and a separate driver JVM that
 * runs ingest, filter and dedup on a small sample with {@code spark.master=spark://...}. Executors
 * are separate JVMs too, so this exercises what local mode never does: closure and broadcast
 * serialization across JVMs, Hadoop configuration shipped to executors, and the Java 17 flags the
 * executors need. The lake must equal a local[2] run of the same stages (same input paths, so the
 * same doc ids). Every process is stopped in finally; every wait is bounded.
 */
class StandaloneClusterTest {
  private static final Logger LOG = LoggerFactory.getLogger(StandaloneClusterTest.class);
  static final List<String> TABLES =
      List.of("docs_raw", "ingest_quarantine", "ingest_files", "docs_filtered", "docs_dedup", "dup_clusters", "dedup_summary");

  @Test
  void pipelineOnAStandaloneClusterEqualsLocalRun() throws Exception {
    Path work = TestSpark.newDir("standalone");
    Path sample = work.resolve("sample");
    SampleCorpusGenerator.Options o = new SampleCorpusGenerator.Options();
    o.docs = 150;
    o.shards = 2;
    o.seed = 5;
    SampleCorpusGenerator.generate(o, sample);

    ClassPath cp = ClassPath.ofThisJvm();
    Path sparkHome = fakeSparkHome(work.resolve("spark-home"), cp.jars);
    String opens = System.getProperty("slimspark.java.opens", "");
    List<String> jvmBase = new ArrayList<>();
    jvmBase.add(ChildProcesses.java());
    jvmBase.addAll(Arrays.asList(opens.split("\\s+")));
    jvmBase.removeIf(String::isBlank);
    // The test classpath holds log4j2-test.properties (WARN); the readiness checks below read the
    // master's and workers' INFO lines, so the children log at INFO to their own files.
    Path log4j = work.resolve("log4j2-children.properties");
    Files.writeString(
        log4j,
        String.join(
            "\n",
            "rootLogger.level = info",
            "rootLogger.appenderRef.out.ref = out",
            "appender.out.type = Console",
            "appender.out.name = out",
            "appender.out.layout.type = PatternLayout",
            "appender.out.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n",
            "logger.parquet.name = org.apache.parquet",
            "logger.parquet.level = error",
            ""));
    jvmBase.add("-Dlog4j2.configurationFile=" + log4j);
    Map<String, String> env =
        Map.of(
            "SPARK_HOME", sparkHome.toString(),
            // Without it the worker's executor launcher looks for a Spark source build tree.
            "SPARK_SCALA_VERSION", "2.12",
            "SPARK_LOCAL_IP", "127.0.0.1",
            "SPARK_CONF_DIR", work.resolve("no-conf").toString());
    String classPath = String.join(File.pathSeparator, cp.all);

    List<Process> started = new ArrayList<>();
    try {
      int masterPort = ChildProcesses.freePort();
      Path masterLog = work.resolve("master.log");
      Process master =
          ChildProcesses.start(
              cmd(jvmBase, "-Xmx256m", "-cp", classPath, "org.apache.spark.deploy.master.Master",
                  "--host", "127.0.0.1", "--port", Integer.toString(masterPort), "--webui-port", "0"),
              env, masterLog);
      started.add(master);
      ChildProcesses.await("master", () -> logHas(masterLog, "I have been elected leader"), Duration.ofSeconds(90), master, masterLog);
      String url = "spark://127.0.0.1:" + masterPort;
      List<Path> workerLogs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Path wlog = work.resolve("worker-" + i + ".log");
        workerLogs.add(wlog);
        Process w =
            ChildProcesses.start(
                cmd(jvmBase, "-Xmx256m", "-cp", classPath, "org.apache.spark.deploy.worker.Worker",
                    "--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--webui-port", "0",
                    "--work-dir", work.resolve("worker-" + i).toString(), url),
                env, wlog);
        started.add(w);
      }
      for (int i = 0; i < 2; i++) {
        Path wlog = workerLogs.get(i);
        ChildProcesses.await("worker " + i, () -> logHas(wlog, "Successfully registered with master"), Duration.ofSeconds(90), started.get(i + 1), wlog);
      }

      Path clusterLake = work.resolve("lake-cluster");
      Path driverLog = work.resolve("driver.log");
      String input = "ingest.input=[" + q(sample + "/*.jsonl*") + "]";
      Process driver =
          ChildProcesses.start(
              cmd(jvmBase, "-Xmx1g", "-cp", classPath, ClusterDriver.class.getName(),
                  "lake=" + q(clusterLake), input,
                  "spark.master=" + q(url),
                  "spark.app.name=slimspark-cluster-test",
                  "spark.driver.host=127.0.0.1",
                  "spark.driver.bindAddress=127.0.0.1",
                  "spark.ui.enabled=false",
                  "spark.cores.max=2",
                  "spark.executor.cores=1",
                  "spark.executor.memory=640m",
                  "spark.sql.shuffle.partitions=4",
                  "spark.default.parallelism=4",
                  "spark.sql.session.timeZone=UTC",
                  "spark.executor.extraJavaOptions=" + q(opens),
                  // Our classes are directories here (target/classes); the jars are in SPARK_HOME/jars.
                  "spark.executor.extraClassPath=" + q(String.join(File.pathSeparator, cp.dirs))),
              env, driverLog);
      started.add(driver);
      boolean done = driver.waitFor(240, TimeUnit.SECONDS);
      String out = ChildProcesses.tail(driverLog);
      assertTrue(done, "driver did not finish in 240 s\n" + out);
      assertEquals(0, driver.exitValue(), "driver failed\n" + out);
      String log = Files.readString(driverLog, StandardCharsets.UTF_8);
      // The work really ran on the cluster's executors, not in the driver.
      assertTrue(log.contains("\"job\":\"dedup\""), out);
      long executors = workerLogs.stream().filter(w -> logHas(w, "Asked to launch executor")).count();
      assertEquals(2, executors, "both workers ran an executor");

      Path localLake = work.resolve("lake-local");
      SlimConfig local = Stages.config("lake=" + q(localLake), input);
      for (String stage : List.of("ingest", "filter", "dedup")) {
        assertEquals("ok", Stages.run(stage, local).status());
      }
      for (String t : TABLES) {
        Dataset<Row> a = table(clusterLake, t);
        Dataset<Row> b = table(localLake, t);
        assertEquals(b.count(), a.count(), t);
        assertEquals(0, a.exceptAll(b).count(), t + ": rows only in the cluster run");
        assertEquals(0, b.exceptAll(a).count(), t + ": rows only in the local run");
      }
      assertTrue(table(clusterLake, "docs_raw").count() > 100);
    } finally {
      // Driver first, then workers (their executors with them), then the master.
      for (int i = started.size() - 1; i >= 0; i--) {
        ChildProcesses.stop(started.get(i));
      }
    }
  }

  static Dataset<Row> table(Path lake, String name) {
    return TestSpark.session().read().format("delta").load(lake.resolve(name).toString());
  }

  static List<String> cmd(List<String> base, String... rest) {
    List<String> c = new ArrayList<>(base);
    c.addAll(Arrays.asList(rest));
    return c;
  }

  static boolean logHas(Path log, String text) {
    try {
      return Files.exists(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * What a standalone worker needs of a Spark distribution: {@code jars/} (links to this JVM's jars)
   * and a {@code RELEASE} file, which makes the launcher take {@code jars/} as the classpath.
   */
  static Path fakeSparkHome(Path home, List<String> jars) throws IOException {
    Path dir = Files.createDirectories(home.resolve("jars"));
    Files.writeString(home.resolve("RELEASE"), "");
    Set<String> names = new LinkedHashSet<>();
    int n = 0;
    for (String j : jars) {
      String name = Path.of(j).getFileName().toString();
      if (!names.add(name)) {
        name = (n++) + "-" + name;
      }
      Files.createSymbolicLink(dir.resolve(name), Path.of(j).toAbsolutePath());
    }
    return home;
  }

  /** This JVM's classpath, split into jars and directories (surefire may hide it in a manifest). */
  static final class ClassPath {
    final List<String> all = new ArrayList<>();
    final List<String> jars = new ArrayList<>();
    final List<String> dirs = new ArrayList<>();

    static ClassPath ofThisJvm() throws IOException {
      ClassPath cp = new ClassPath();
      for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
        if (e.contains("surefirebooter")) {
          try (JarFile jf = new JarFile(e)) {
            Manifest m = jf.getManifest();
            for (String u : m.getMainAttributes().getValue("Class-Path").split(" ")) {
              if (!u.isBlank()) {
                cp.add(Path.of(java.net.URI.create(u)).toString());
              }
            }
          }
        } else if (!e.isBlank()) {
          cp.add(e);
        }
      }
      LOG.info("classpath: {} jars, {} directories", cp.jars.size(), cp.dirs.size());
      return cp;
    }

    private void add(String e) {
      if (e.contains("surefire") && !new File(e).isDirectory()) {
        return; // the test runner's own jars: not needed by Spark
      }
      all.add(e);
      (new File(e).isDirectory() ? dirs : jars).add(e);
    }
  }
}
