package dev.slimspark.cluster;

import static dev.slimspark.Stages.q;
import static dev.slimspark.testing.SameRows.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.cli.Main;
import dev.slimspark.sample.SampleCorpusGenerator;
import dev.slimspark.testing.ChildProcesses;
import dev.slimspark.testing.StdoutCapture;
import io.delta.tables.DeltaTable;
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
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real multi-process Spark standalone cluster on 127.0.0.1: one master and two workers (one core
 * each) started once as separate JVMs from the project's runtime jars; drivers are separate JVMs
 * running the CLI ({@code slimspark run --until dedup}) with {@code spark.master=spark://...}, and
 * executors are JVMs the workers start. That exercises what local mode never does (closures and
 * broadcasts across JVMs, Hadoop configuration shipped to executors, the executors' Java 17 flags)
 * and the faults a cluster has, in the order a user would meet them:
 *
 * <ol>
 *   <li>the driver is killed while dedup writes: every table is either absent or complete, and the
 *       {@code runs} table has no dedup row;
 *   <li>the same command again: ingest and filter are "up to date" (skipped), dedup runs, and one
 *       executor is killed mid-dedup; the run completes and the whole lake equals a local[2] run;
 *   <li>the same command once more: every stage "up to date", nothing written.
 * </ol>
 *
 * Every process is stopped in {@link #stopCluster}; every wait is bounded.
 */
@Tag("cluster") // multi-process; skip with -Dslimspark.test.excludedGroups=bench,cluster
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterTest {
  private static final Logger LOG = LoggerFactory.getLogger(StandaloneClusterTest.class);
  static final List<String> TABLES =
      List.of("docs_raw", "ingest_quarantine", "ingest_files", "docs_filtered", "docs_dedup", "dup_clusters", "dedup_summary", "dedup_signatures");
  static final Set<String> DEDUP_TABLES = Set.of("docs_dedup", "dup_clusters", "dedup_summary", "dedup_signatures");
  /** C1 only and the serial collector: short-lived JVMs on two cores spend less on themselves. */
  static final List<String> SMALL_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData");

  static Path work;
  static Path sample;
  static Path clusterLake;
  static Path localLake;
  static String url;
  static List<String> jvmBase;
  static String classPath;
  static Map<String, String> env;
  static List<String> driverSets;
  static final List<Process> servers = new ArrayList<>();
  static final List<Path> workerLogs = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    work = TestSpark.newDir("standalone");
    sample = work.resolve("sample");
    SampleCorpusGenerator.Options o = new SampleCorpusGenerator.Options();
    o.docs = 120;
    o.shards = 2;
    o.seed = 5;
    SampleCorpusGenerator.generate(o, sample);

    ClassPath cp = ClassPath.ofThisJvm();
    Path sparkHome = fakeSparkHome(work.resolve("spark-home"), cp.jars);
    String opens = System.getProperty("slimspark.java.opens", "");
    jvmBase = new ArrayList<>();
    jvmBase.add(ChildProcesses.java());
    jvmBase.addAll(Arrays.asList(opens.split("\\s+")));
    jvmBase.removeIf(String::isBlank);
    jvmBase.addAll(SMALL_JVM);
    // The test classpath holds log4j2-test.properties (WARN); the waits below read the children's
    // INFO lines (master, workers, the driver's stage steps), so the children log at INFO.
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
    env =
        Map.of(
            "SPARK_HOME", sparkHome.toString(),
            // Without it the worker's executor launcher looks for a Spark source build tree.
            "SPARK_SCALA_VERSION", "2.12",
            "SPARK_LOCAL_IP", "127.0.0.1",
            "SPARK_CONF_DIR", work.resolve("no-conf").toString());
    classPath = String.join(File.pathSeparator, cp.all);

    int masterPort = ChildProcesses.freePort();
    Path masterLog = work.resolve("master.log");
    Process master =
        ChildProcesses.start(
            cmd(jvmBase, "-Xmx192m", "-cp", classPath, "org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", Integer.toString(masterPort), "--webui-port", "0"),
            env, masterLog);
    servers.add(master);
    url = "spark://127.0.0.1:" + masterPort;
    ChildProcesses.await("master", () -> logHas(masterLog, "I have been elected leader"), Duration.ofSeconds(600), master, masterLog);
    for (int i = 0; i < 2; i++) {
      Path wlog = work.resolve("worker-" + i + ".log");
      workerLogs.add(wlog);
      servers.add(
          ChildProcesses.start(
              cmd(jvmBase, "-Xmx192m", "-cp", classPath, "org.apache.spark.deploy.worker.Worker",
                  "--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--webui-port", "0",
                  "--work-dir", work.resolve("worker-" + i).toString(), url),
              env, wlog));
    }

    // The reference: the same stages in this JVM, local[2], while the workers start.
    clusterLake = work.resolve("lake-cluster");
    localLake = work.resolve("lake-local");
    String input = "ingest.input=[" + q(sample + "/*.jsonl*") + "]";
    for (String stage : List.of("ingest", "filter", "dedup")) {
      assertEquals("ok", Stages.run(stage, Stages.config("lake=" + q(localLake), input)).status());
    }
    for (int i = 0; i < 2; i++) {
      Path wlog = workerLogs.get(i);
      ChildProcesses.await("worker " + i, () -> logHas(wlog, "Successfully registered with master"), Duration.ofSeconds(600), servers.get(i + 1), wlog);
    }
    String executorOpts = String.join(" ", opens, String.join(" ", SMALL_JVM));
    driverSets =
        List.of(
            "lake=" + q(clusterLake),
            input,
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
            // Delta's default of 50 partitions for log replay costs seconds per commit here.
            "spark.databricks.delta.snapshotPartitions=2",
            "spark.executor.extraJavaOptions=" + q(executorOpts),
            // Our classes are directories here (target/classes); the jars are in SPARK_HOME/jars.
            "spark.executor.extraClassPath=" + q(String.join(File.pathSeparator, cp.dirs)));
  }

  @AfterAll
  static void stopCluster() {
    // Workers (their executors with them) before the master.
    for (int i = servers.size() - 1; i >= 0; i--) {
      ChildProcesses.stop(servers.get(i));
    }
  }

  /** Starts the CLI as a driver JVM: {@code slimspark run --until dedup --set ...}. */
  static Process startDriver(Path log) {
    List<String> c = cmd(jvmBase, "-Xmx768m", "-cp", classPath, Main.class.getName(), "run", "--until", "dedup");
    for (String s : driverSets) {
      c.add("--set");
      c.add(s);
    }
    return ChildProcesses.start(c, env, log);
  }

  @Test
  @Order(1)
  void driverKilledWhileDedupWritesLeavesOnlyCommittedData() throws Exception {
    Path log = work.resolve("driver-1.log");
    Process driver = startDriver(log);
    try {
      // Mid-write: the first file of docs_dedup exists, its commit does not yet.
      ChildProcesses.await("dedup writing", () -> Files.isDirectory(clusterLake.resolve("docs_dedup")), Duration.ofSeconds(900), driver, log);
      driver.destroyForcibly();
      assertTrue(driver.waitFor(30, TimeUnit.SECONDS));
    } finally {
      ChildProcesses.stop(driver);
    }
    assertNotEquals(0, driver.exitValue(), "the driver was killed");
    assertEquals(List.of("ingest=ok", "filter=ok"), jobStatuses(log), "killed during dedup, after filter's summary");
    assertEquals(Set.of("ingest", "filter"), committedJobs(), "a runs row only for committed stages");
    // Delta commits are atomic: a table is absent (never committed) or complete.
    for (String t : TABLES) {
      if (DeltaTable.isDeltaTable(TestSpark.session(), clusterLake.resolve(t).toString())) {
        assertEquals(table(localLake, t).count(), table(clusterLake, t).count(), t + " holds partial data");
      } else {
        assertTrue(DEDUP_TABLES.contains(t), t + " missing though its stage committed");
      }
    }
  }

  @Test
  @Order(2)
  void rerunResumesSurvivesAnExecutorKillAndEqualsTheLocalRun() throws Exception {
    Path log = work.resolve("driver-2.log");
    Set<Path> leftBefore = files(clusterLake.resolve("_checkpoints")); // by the killed driver
    Process driver = startDriver(log);
    long killed;
    try {
      // After the exact-dedup step: checkpoints and shuffle files exist on the executors.
      ChildProcesses.await("dedup running", () -> logHas(log, "ExactDedupStep: exact dedup:"), Duration.ofSeconds(900), driver, log);
      killed = killOneExecutor();
      assertTrue(driver.waitFor(900, TimeUnit.SECONDS), "driver did not finish\n" + ChildProcesses.tail(log));
    } finally {
      ChildProcesses.stop(driver);
    }
    String out = ChildProcesses.tail(log);
    assertEquals(0, driver.exitValue(), "driver failed\n" + out);
    LOG.info("executor {} was killed mid-dedup; the run completed", killed);
    assertEquals(List.of("ingest=up to date", "filter=up to date", "dedup=ok", "run=ok"), jobStatuses(log), out);
    // The lost executor was replaced: 2 executors per driver plus the replacement.
    long launched = workerLogs.stream().mapToLong(w -> count(w, "Asked to launch executor")).sum();
    assertEquals(5, launched, "executor launches over both drivers");
    for (String t : TABLES) {
      assertSameRows(table(clusterLake, t), table(localLake, t), t, "cluster");
    }
    assertTrue(table(clusterLake, "docs_dedup").count() > 80);
    // Dedup ran with reliable checkpoints (a cluster) and deleted them when done.
    assertTrue(logHas(log, "ReliableRDDCheckpointData"), "reliable checkpoints on a cluster");
    Set<Path> left = files(clusterLake.resolve("_checkpoints"));
    left.removeAll(leftBefore);
    assertEquals(Set.of(), left, "checkpoint files left behind");
  }

  @Test
  @Order(3)
  void rerunOfTheFinishedPipelineIsUpToDate() throws Exception {
    long runsBefore = table(clusterLake, "runs").count();
    // The same config (same hash) checked from this JVM: nothing may need a cluster.
    StdoutCapture out = new StdoutCapture();
    int code;
    try (out) {
      code = Main.runStages(TestSpark.session(), Stages.config(driverSets.toArray(new String[0])), List.of("ingest", "filter", "dedup"), "run", true);
    }
    assertEquals(0, code);
    assertEquals(List.of("ingest=up to date", "filter=up to date", "dedup=up to date", "run=up to date"), out.jobStatuses());
    assertEquals(runsBefore, table(clusterLake, "runs").count(), "an up-to-date run records nothing");
  }

  /** SIGKILLs one executor JVM (a child of a worker); returns its pid. */
  static long killOneExecutor() {
    for (Process w : servers.subList(1, servers.size())) {
      for (ProcessHandle h : w.descendants().toList()) {
        String c = h.info().commandLine().orElse("");
        if (c.contains("CoarseGrainedExecutorBackend")) {
          LOG.info("killing executor pid {}", h.pid());
          h.destroyForcibly();
          return h.pid();
        }
      }
    }
    throw new IllegalStateException("no executor process found under the workers");
  }

  static Set<String> committedJobs() {
    return table(clusterLake, "runs").select("job").as(org.apache.spark.sql.Encoders.STRING()).collectAsList().stream().collect(Collectors.toSet());
  }

  /** "job=status" of the JSON summary lines the driver printed (stdout shares the log file). */
  static List<String> jobStatuses(Path log) throws IOException {
    List<String> out = new ArrayList<>();
    for (String l : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      if (l.startsWith("{\"job\":")) {
        JsonNode n = new ObjectMapper().readTree(l);
        out.add(n.path("job").asText() + "=" + n.path("status").asText());
      }
    }
    return out;
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
    return count(log, text) > 0;
  }

  static long count(Path log, String text) {
    try {
      if (!Files.exists(log)) {
        return 0;
      }
      String s = Files.readString(log, StandardCharsets.ISO_8859_1);
      long n = 0;
      for (int i = s.indexOf(text); i >= 0; i = s.indexOf(text, i + 1)) {
        n++;
      }
      return n;
    } catch (IOException e) {
      return 0;
    }
  }

  static Set<Path> files(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return new java.util.HashSet<>();
    }
    try (var s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).collect(Collectors.toCollection(java.util.HashSet::new));
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

    static ClassPath ofThisJvm() {
      ClassPath cp = new ClassPath();
      for (String e : ChildProcesses.classPath()) {
        cp.all.add(e);
        (new File(e).isDirectory() ? cp.dirs : cp.jars).add(e);
      }
      LOG.info("classpath: {} jars, {} directories", cp.jars.size(), cp.dirs.size());
      return cp;
    }
  }
}
