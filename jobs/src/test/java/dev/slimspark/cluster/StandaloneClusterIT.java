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
import dev.slimspark.jobs.Pipeline;
import dev.slimspark.jobs.StageRunner;
import dev.slimspark.jobs.Status;
import dev.slimspark.sample.SampleCorpusGenerator;
import dev.slimspark.testing.ChildProcesses;
import dev.slimspark.testing.StdoutCapture;
import io.delta.tables.DeltaTable;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * A real multi-process Spark standalone cluster on 127.0.0.1, used the way a user uses one: a
 * master and two workers (one core each) started by a Spark "distribution" ({@code SPARK_HOME}:
 * Spark's jars, an empty {@code RELEASE}, {@code bin/spark-class} and {@code bin/spark-submit},
 * {@code conf/}), and the whole pipeline submitted with {@code bin/slimspark run --submit}:
 * spark-submit, client mode, the shaded cluster jar ({@code slimspark-jobs-VERSION-cluster.jar}).
 * The distribution holds the project's runtime jars minus everything the cluster jar must bring
 * itself (our code, Delta, Spark NLP, DJL, JTokkit, ...), so a library missing from the shade
 * include list fails here, not on a user's cluster. Executors load our code only from the jar
 * spark-submit ships.
 *
 * <p>That exercises what local mode never does (closures and broadcasts across JVMs, Hadoop
 * configuration shipped to executors, the executors' Java 17 flags, the shaded jar's contents) and
 * the faults a cluster has, in the order a user would meet them:
 *
 * <ol>
 *   <li>the driver is killed while dedup writes: every table is either absent or complete, and the
 *       {@code runs} table has no dedup row;
 *   <li>the same command again: ingest and filter are "up to date" (skipped), dedup to stats run,
 *       and one executor is killed mid-dedup; the run completes, and every table of the lake equals
 *       a local[2] run of the same config, and the exported trainer files are byte for byte the
 *       same;
 *   <li>the same command once more: every stage "up to date", nothing written;
 *   <li>finetune and label (the bundled BGE encoder, ONNX Runtime, the fine-tuned head) run on the
 *       executors from the cluster jar alone;
 *   <li>finetune asking for a GPU per task (each worker offers one through a discovery script):
 *       tasks load the encoder on their assigned {@code gpu(0)}, and this CPU build of ONNX Runtime
 *       gives a user error that names the device and the GPU build, not a silent CPU run.
 * </ol>
 *
 * An integration test (failsafe, after {@code package}): the cluster jar must exist. Every process
 * is stopped in {@link #stopCluster}; every wait is bounded, generously (a machine shared with
 * other jobs ran the cluster's ingest 10x slower than an idle one).
 */
@Tag("cluster") // multi-process; skip with -Dslimspark.test.excludedGroups=bench,cluster
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
  private static final Logger LOG = LoggerFactory.getLogger(StandaloneClusterIT.class);
  static final List<String> STAGES = Pipeline.stageNames();

  /** No eval sets are configured here: decontaminate reports itself skipped, the others ok. */
  static Status expectedStatus(String stage) {
    return stage.equals("decontaminate") ? Status.SKIPPED : Status.OK;
  }

  /** Tables that ingest and filter write: complete after the driver is killed in dedup. */
  static final Set<String> BEFORE_DEDUP =
      Set.of("docs_raw", "ingest_quarantine", "ingest_files", "docs_filtered");

  /** C1 only and the serial collector: short-lived JVMs on two cores spend less on themselves. */
  static final String SMALL_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData";

  /**
   * Maven repository folders of what the cluster jar bundles (see the shade include list in
   * jobs/pom.xml) or only the tests use: not part of a Spark distribution.
   */
  static final List<String> NOT_IN_SPARK =
      List.of(
          "/dev/slimspark/",
          "/io/delta/",
          "/com/typesafe/config/",
          "/com/optimaize/",
          "/net/arnx/",
          "/com/knuddels/",
          "/ai/djl/",
          "/net/java/dev/jna/",
          "/com/johnsnowlabs/",
          "/dev/langchain4j/",
          "/com/microsoft/onnxruntime/",
          "/com/intellij/",
          "/org/junit/",
          "/org/opentest4j/",
          "/org/apiguardian/");

  static Path work;
  static Path sample;
  static Path sparkHome;
  static Path clusterLake;
  static Path localLake;
  static String url;
  static Map<String, String> env;
  static List<String> driverSets;
  static final List<Process> servers = new ArrayList<>();
  static final List<Path> workerLogs = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    work = TestSpark.newDir("standalone");
    sample = work.resolve("sample");
    SampleCorpusGenerator.generate(SampleCorpusGenerator.Options.of(120, 2, 5), sample);

    sparkHome = fakeSparkHome(work.resolve("spark-home"), sparkJars());
    int masterPort = ChildProcesses.freePort();
    url = "spark://127.0.0.1:" + masterPort;
    Map<String, String> e = new HashMap<>();
    e.put("JAVA_HOME", System.getProperty("java.home"));
    e.put("SPARK_HOME", sparkHome.toString());
    e.put("SPARK_CONF_DIR", sparkHome.resolve("conf").toString());
    // Without it the launcher looks for a Spark source build tree ("Cannot find any build
    // directories").
    e.put("SPARK_SCALA_VERSION", "2.12");
    e.put("SPARK_LOCAL_IP", "127.0.0.1");
    // Master and worker JVMs, as sbin/start-master.sh and start-worker.sh would start them.
    e.put("SPARK_DAEMON_MEMORY", "192m");
    e.put("SPARK_DAEMON_JAVA_OPTS", SMALL_JVM);
    // spark-submit's own flags, as a user gives them (conf/cluster-standalone.conf).
    e.put(
        "SLIMSPARK_SUBMIT_ARGS",
        "--master "
            + url
            + " --deploy-mode client --name slimspark-cluster-test"
            + " --driver-memory 768m --executor-memory 640m --executor-cores 1 --total-executor-cores 2");
    e.put("SLIMSPARK_CLUSTER_JAR", clusterJar().toString());
    env = Map.copyOf(e);

    Path masterLog = work.resolve("master.log");
    Process master =
        ChildProcesses.start(
            sparkClass(
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(masterPort),
                "--webui-port",
                "0"),
            env,
            masterLog);
    servers.add(master);
    ChildProcesses.await(
        "master",
        () -> logHas(masterLog, "I have been elected leader"),
        Duration.ofSeconds(600),
        master,
        masterLog);
    // Each worker offers one "GPU" (a discovery script that prints address 0), as a GPU node's
    // worker would; only an application that asks for GPUs gets one (test 4).
    Path discovery = work.resolve("gpu-discovery.sh");
    Files.writeString(
        discovery, "#!/usr/bin/env bash\necho '{\"name\": \"gpu\", \"addresses\": [\"0\"]}'\n");
    discovery.toFile().setExecutable(true);
    Map<String, String> workerEnv = new HashMap<>(env);
    workerEnv.put(
        "SPARK_WORKER_OPTS",
        "-Dspark.worker.resource.gpu.amount=1 -Dspark.worker.resource.gpu.discoveryScript="
            + discovery);
    for (int i = 0; i < 2; i++) {
      Path wlog = work.resolve("worker-" + i + ".log");
      workerLogs.add(wlog);
      servers.add(
          ChildProcesses.start(
              sparkClass(
                  "org.apache.spark.deploy.worker.Worker",
                  "--host",
                  "127.0.0.1",
                  "--cores",
                  "1",
                  "--memory",
                  "1g",
                  "--webui-port",
                  "0",
                  "--work-dir",
                  work.resolve("worker-" + i).toString(),
                  url),
              workerEnv,
              wlog));
    }

    // The reference: the whole pipeline in this JVM, local[2], while the workers start.
    clusterLake = work.resolve("lake-cluster");
    localLake = work.resolve("lake-local");
    String input = "ingest.input=[" + q(sample + "/*.jsonl*") + "]";
    for (String stage : STAGES) {
      assertEquals(
          expectedStatus(stage),
          Stages.run(stage, Stages.config("lake=" + q(localLake), input)).status(),
          stage);
    }
    for (int i = 0; i < 2; i++) {
      Path wlog = workerLogs.get(i);
      ChildProcesses.await(
          "worker " + i,
          () -> logHas(wlog, "Successfully registered with master"),
          Duration.ofSeconds(600),
          servers.get(i + 1),
          wlog);
    }
    driverSets =
        List.of(
            "lake=" + q(clusterLake),
            input,
            "spark.ui.enabled=false",
            "spark.sql.shuffle.partitions=4",
            "spark.default.parallelism=4",
            "spark.sql.session.timeZone=UTC",
            // Delta's default of 50 partitions for log replay costs seconds per commit here.
            "spark.databricks.delta.snapshotPartitions=2");
  }

  @AfterAll
  static void stopCluster() {
    // Workers (their executors with them) before the master.
    for (int i = servers.size() - 1; i >= 0; i--) {
      ChildProcesses.stop(servers.get(i));
    }
  }

  /** The cluster jar {@code mvn package} built (failsafe passes its path). */
  static Path clusterJar() {
    Path jar =
        Path.of(
            System.getProperty(
                "slimspark.cluster.jar", "target/slimspark-jobs-0.1.0-SNAPSHOT-cluster.jar"));
    assertTrue(
        Files.isRegularFile(jar),
        "no cluster jar at " + jar + ": run through mvn verify (it runs after package)");
    return jar;
  }

  /** {@code SPARK_HOME/bin/spark-class CLASS ARGS}: how Spark's sbin scripts start its daemons. */
  static List<String> sparkClass(String main, String... args) {
    List<String> c =
        new ArrayList<>(List.of(sparkHome.resolve("bin/spark-class").toString(), main));
    c.addAll(Arrays.asList(args));
    return c;
  }

  /** Starts the user's command: {@code bin/slimspark run --submit --set ...}. */
  static Process startDriver(Path log) {
    return submit(log, "run", driverSets);
  }

  /**
   * Starts {@code bin/slimspark JOB --submit --set S ...} in the scratch folder, as a user's shell
   * would be somewhere: nothing lands in the source tree.
   */
  static Process submit(Path log, String job, List<String> sets) {
    Path root = Path.of(System.getProperty("slimspark.repo.root", ".."));
    List<String> c =
        new ArrayList<>(List.of("bash", root.resolve("bin/slimspark").toString(), job, "--submit"));
    for (String s : sets) {
      c.add("--set");
      c.add(s);
    }
    return ChildProcesses.start(c, env, log, work);
  }

  @Test
  @Order(1)
  void driverKilledWhileDedupWritesLeavesOnlyCommittedData() throws Exception {
    Path log = work.resolve("driver-1.log");
    Process driver = startDriver(log);
    try {
      // Mid-write: the first file of docs_dedup exists, its commit does not yet.
      ChildProcesses.await(
          "dedup writing",
          () -> Files.isDirectory(clusterLake.resolve("docs_dedup")),
          Duration.ofSeconds(1800),
          driver,
          log);
      driver.destroyForcibly();
      assertTrue(driver.waitFor(30, TimeUnit.SECONDS));
    } finally {
      ChildProcesses.stop(driver);
    }
    assertNotEquals(0, driver.exitValue(), "the driver was killed");
    assertEquals(
        List.of("ingest=ok", "filter=ok"),
        jobStatuses(log),
        "killed during dedup, after filter's summary");
    assertEquals(
        Set.of("ingest", "filter"), committedJobs(), "a runs row only for committed stages");
    // Delta commits are atomic: a table is absent (never committed) or complete.
    for (String t : deltaTables(localLake)) {
      if (DeltaTable.isDeltaTable(TestSpark.session(), clusterLake.resolve(t).toString())) {
        assertEquals(
            table(localLake, t).count(), table(clusterLake, t).count(), t + " holds partial data");
      } else {
        assertTrue(!BEFORE_DEDUP.contains(t), t + " missing though its stage committed");
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
      ChildProcesses.await(
          "dedup running",
          () -> logHas(log, "ExactDedupStep: exact dedup:"),
          Duration.ofSeconds(1800),
          driver,
          log);
      killed = killOneExecutor();
      assertTrue(
          driver.waitFor(2400, TimeUnit.SECONDS),
          "driver did not finish\n" + ChildProcesses.tail(log));
    } finally {
      ChildProcesses.stop(driver);
    }
    String out = ChildProcesses.tail(log);
    assertEquals(0, driver.exitValue(), "driver failed\n" + out);
    LOG.info("executor {} was killed mid-dedup; the run completed", killed);
    List<String> expected = new ArrayList<>(List.of("ingest=up to date", "filter=up to date"));
    STAGES.subList(2, STAGES.size()).forEach(s -> expected.add(s + "=" + expectedStatus(s).json()));
    expected.add("run=ok");
    assertEquals(expected, jobStatuses(log), out);
    assertTrue(
        logHas(log, "slimspark-jobs-0.1.0-SNAPSHOT-cluster.jar"), "the driver ran the cluster jar");
    // The lost executor was replaced: 2 executors per driver plus the replacement.
    long launched = workerLogs.stream().mapToLong(w -> count(w, "Asked to launch executor")).sum();
    assertEquals(5, launched, "executor launches over both drivers");

    Set<String> tables = deltaTables(localLake);
    assertTrue(
        tables.containsAll(
            List.of(
                "docs_dedup", "docs_tokens", "packed_rows", "stats_funnel", "stats_linguistic")),
        tables.toString());
    assertEquals(tables, deltaTables(clusterLake), "the same tables");
    for (String t : tables) {
      assertSameRows(table(clusterLake, t), table(localLake, t), t, "cluster");
    }
    assertTrue(table(clusterLake, "docs_dedup").count() > 80);
    assertSameFiles(localLake.resolve("_export"), clusterLake.resolve("_export"));
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
      code =
          new StageRunner(System.out, System.err)
              .run(
                  TestSpark.session(),
                  Stages.config(driverSets.toArray(new String[0])),
                  STAGES,
                  "run",
                  true);
    }
    assertEquals(0, code);
    List<String> expected = new ArrayList<>();
    STAGES.forEach(s -> expected.add(s + "=up to date"));
    expected.add("run=up to date");
    assertEquals(expected, out.jobStatuses());
    assertEquals(
        runsBefore, table(clusterLake, "runs").count(), "an up-to-date run records nothing");
  }

  @Test
  @Order(4)
  void finetuneAndLabelRunOnTheExecutors() throws Exception {
    // The ONNX encoders, ONNX Runtime and DJL's engine come from the cluster jar alone.
    Path model = work.resolve("model-cpu");
    Path log = work.resolve("driver-finetune.log");
    int code =
        submitAndWait(
            log, "finetune", "finetune.input=" + q(financeCsv()), "finetune.output=" + q(model));
    assertEquals(0, code, ChildProcesses.tail(log));
    assertEquals(List.of("finetune=ok"), jobStatuses(log));
    assertTrue(Files.isRegularFile(model.resolve("model.onnx")), "model written");
    Path labelLog = work.resolve("driver-label.log");
    code =
        submitAndWait(
            labelLog,
            "label",
            "label.input=" + q(financeCsv()),
            "label.labelers=[{type = fine-tuned, model = " + q(model) + "}]");
    assertEquals(0, code, ChildProcesses.tail(labelLog));
    assertEquals(List.of("label=ok"), jobStatuses(labelLog));
    assertEquals(
        90,
        table(work.resolve("lake-ml"), "labels").filter("error is null").count(),
        "every sentence labeled");
  }

  @Test
  @Order(5)
  void tasksGivenAGpuLoadTheirModelOnItAndACpuOnlyRuntimeSaysSo() throws Exception {
    // finetune asks for one GPU per executor and per task: Spark's scheduler hands each task the
    // worker's address 0 (TaskContext.resources()), the encoder is loaded on gpu(0), and this
    // build's ONNX Runtime (the CPU library) cannot: a user error naming the device and the fix,
    // not a stack trace and not a silent CPU run. (With -Pgpu on a CUDA node the same path loads
    // the model on the GPU; no machine here has one.)
    Path model = work.resolve("model-gpu");
    Path log = work.resolve("driver-gpu.log");
    int code =
        submitAndWait(
            log,
            "finetune",
            "finetune.input=" + q(financeCsv()),
            "finetune.output=" + q(model),
            "spark.executor.resource.gpu.amount=1",
            "spark.task.resource.gpu.amount=1",
            "spark.task.maxFailures=1");
    String out = Files.readString(log);
    assertNotEquals(0, code, ChildProcesses.tail(log));
    assertTrue(
        out.contains("error: Spark assigned gpu(0) to a task, but ONNX Runtime cannot run on it."),
        ChildProcesses.tail(log));
    assertTrue(out.contains("-Pgpu"), "the fix names the GPU build");
    // Spark's scheduler log: the task was given the worker's GPU (what Devices reads back).
    assertTrue(
        out.contains("taskResourceAssignments Map(gpu -> [name: gpu, addresses: 0])"),
        "no GPU assigned to tasks");
    assertTrue(!Files.exists(model.resolve("model.onnx")), "no model written");
  }

  /** The team-written labeled finance sentences (90 rows) as a CSV file the executors can read. */
  static Path financeCsv() throws IOException {
    Path csv = work.resolve("finance.csv");
    if (!Files.exists(csv)) {
      try (var in = StandaloneClusterIT.class.getResourceAsStream("/label/finance_sentences.csv")) {
        Files.copy(in, csv);
      }
    }
    return csv;
  }

  /**
   * {@code bin/slimspark JOB --submit --set ...} on the cluster (lake {@code lake-ml}); its exit
   * code.
   */
  static int submitAndWait(Path log, String job, String... sets) throws Exception {
    List<String> all =
        new ArrayList<>(List.of("lake=" + q(work.resolve("lake-ml")), "spark.ui.enabled=false"));
    all.addAll(Arrays.asList(sets));
    Process driver = submit(log, job, all);
    try {
      assertTrue(
          driver.waitFor(1200, TimeUnit.SECONDS),
          "driver did not finish\n" + ChildProcesses.tail(log));
    } finally {
      ChildProcesses.stop(driver);
    }
    return driver.exitValue();
  }

  /**
   * The lake's Delta tables (folders with a {@code _delta_log}) except the run log, which differs
   * per run.
   */
  static Set<String> deltaTables(Path lake) throws IOException {
    try (var s = Files.list(lake)) {
      return s.filter(d -> Files.isDirectory(d.resolve("_delta_log")))
          .map(d -> d.getFileName().toString())
          .filter(n -> !n.equals("runs"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /** Both folders hold the same files (relative paths), byte for byte. */
  static void assertSameFiles(Path expected, Path actual) throws IOException {
    Map<Path, Path> want = relative(expected);
    Map<Path, Path> got = relative(actual);
    assertTrue(!want.isEmpty(), "no files in " + expected);
    assertEquals(want.keySet(), got.keySet(), "the same files");
    for (Map.Entry<Path, Path> f : want.entrySet()) {
      assertEquals(-1L, Files.mismatch(f.getValue(), got.get(f.getKey())), f.getKey() + " differs");
    }
  }

  private static Map<Path, Path> relative(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          // Hadoop's checksum side files are not part of the output.
          .filter(f -> !f.getFileName().toString().endsWith(".crc"))
          .collect(Collectors.toMap(dir::relativize, f -> f, (a, b) -> a, TreeMap::new));
    }
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
    return table(clusterLake, "runs")
        .select("job")
        .as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList()
        .stream()
        .collect(Collectors.toSet());
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
      return s.filter(Files::isRegularFile)
          .collect(Collectors.toCollection(java.util.HashSet::new));
    }
  }

  /**
   * A Spark distribution as far as master, worker and spark-submit need one: {@code jars/} (links
   * to {@code jars}), an empty {@code RELEASE} (which makes the launcher take {@code jars/} as the
   * classpath), {@code bin/spark-class} and {@code bin/spark-submit} (test resources: they run
   * Spark's launcher library as the real scripts do) and {@code conf/} with the logging and
   * defaults a cluster admin would set.
   */
  static Path fakeSparkHome(Path home, List<Path> jars) throws IOException {
    Path dir = Files.createDirectories(home.resolve("jars"));
    Files.writeString(home.resolve("RELEASE"), "");
    Set<String> names = new LinkedHashSet<>();
    int n = 0;
    for (Path j : jars) {
      String name = j.getFileName().toString();
      if (!names.add(name)) {
        name = (n++) + "-" + name;
      }
      Files.createSymbolicLink(dir.resolve(name), j.toAbsolutePath());
    }
    Path bin = Files.createDirectories(home.resolve("bin"));
    for (String script : List.of("spark-class", "spark-submit")) {
      try (InputStream in =
          StandaloneClusterIT.class.getResourceAsStream("/fake-spark-home/bin/" + script)) {
        Files.copy(in, bin.resolve(script));
      }
      Files.setPosixFilePermissions(
          bin.resolve(script), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Path conf = Files.createDirectories(home.resolve("conf"));
    // The waits below read INFO lines (master, workers, the driver's stage steps).
    Files.writeString(
        conf.resolve("log4j2.properties"),
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
    // Added to the Java options bin/slimspark gives (spark.*.defaultJavaOptions), not replacing
    // them.
    Files.writeString(
        conf.resolve("spark-defaults.conf"),
        "spark.driver.extraJavaOptions "
            + SMALL_JVM
            + "\nspark.executor.extraJavaOptions "
            + SMALL_JVM
            + "\n");
    return home;
  }

  /**
   * The jars of a Spark distribution, taken from this JVM's classpath (the project's runtime jars;
   * failsafe may list them in a manifest-only jar): all but {@link #NOT_IN_SPARK} and the test
   * runner's own.
   */
  static List<Path> sparkJars() throws IOException {
    List<Path> entries = new ArrayList<>();
    for (String e : ChildProcesses.classPath()) {
      entries.add(Path.of(e));
    }
    List<Path> jars = new ArrayList<>();
    for (Path p : entries) {
      String s = p.toString().replace(File.separatorChar, '/');
      boolean app =
          NOT_IN_SPARK.stream().anyMatch(s::contains)
              || p.getFileName().toString().startsWith("slimspark-");
      if (!Files.isDirectory(p) && !app && !s.contains("surefire") && !s.contains("failsafe")) {
        jars.add(p);
      }
    }
    LOG.info("Spark distribution: {} of {} classpath entries", jars.size(), entries.size());
    return jars;
  }
}
