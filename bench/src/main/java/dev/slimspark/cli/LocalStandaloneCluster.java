package dev.slimspark.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Spark standalone cluster on 127.0.0.1 for {@code bench scale --cluster}: one master and {@code
 * workers} worker JVMs, each worker offering {@code cores} cores and {@code executorMemory}, so
 * that the driver (the bench's child JVM) and the executors (JVMs the workers start) are separate
 * processes whose heaps are measured apart.
 *
 * <p>The daemons run this JVM's class path (Spark's classes and ours). The workers need a {@code
 * SPARK_HOME} only to build executor commands: an empty {@code RELEASE} and an empty {@code jars/}
 * make Spark's launcher accept it, and executors get the class path through {@code
 * spark.executor.extraClassPath} ({@link #driverProperties}), which works because every process is
 * on this machine. A real cluster gets our code from the cluster jar instead (StandaloneClusterIT
 * covers that path).
 *
 * <p>Risks: the daemons' logs ({@code master.log}, {@code worker-N.log}) and the executors' work
 * folders ({@code worker-N/}) stay under {@code dir} for inspection; {@link #close} stops workers
 * (and their executors) before the master.
 */
final class LocalStandaloneCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalStandaloneCluster.class);
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  /** Master and worker heaps: they only book-keep. */
  static final String DAEMON_HEAP = "256m";

  private final List<Process> daemons = new ArrayList<>();
  private final String url;
  private final int workers;
  private final int cores;
  private final String executorMemory;
  private final Path daemonLog4j;

  private LocalStandaloneCluster(
      String url, int workers, int cores, String executorMemory, Path daemonLog4j) {
    this.daemonLog4j = daemonLog4j;
    this.url = url;
    this.workers = workers;
    this.cores = cores;
    this.executorMemory = executorMemory;
  }

  /** Starts the master, then the workers, and waits until every worker has registered. */
  static LocalStandaloneCluster start(Path dir, int workers, int cores, String executorMemory)
      throws IOException {
    Path home = Files.createDirectories(dir.resolve("spark-home"));
    Files.createDirectories(home.resolve("jars"));
    Files.writeString(home.resolve("RELEASE"), "");
    // The waits below read the daemons' INFO lines, which the bench's own log configuration hides.
    Path log4j = home.resolve("log4j2-daemons.properties");
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
            ""));
    int port = freePort();
    LocalStandaloneCluster c =
        new LocalStandaloneCluster(
            "spark://127.0.0.1:" + port, workers, cores, executorMemory, log4j);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SPARK_HOME", home.toString());
    env.put("SPARK_SCALA_VERSION", "2.12");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    try {
      Path masterLog = dir.resolve("master.log");
      c.daemons.add(
          c.daemon(
              "org.apache.spark.deploy.master.Master",
              List.of("--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", "0"),
              env,
              masterLog));
      awaitLine(c.daemons.get(0), masterLog, "I have been elected leader");
      for (int i = 0; i < workers; i++) {
        Path log = dir.resolve("worker-" + i + ".log");
        c.daemons.add(
            c.daemon(
                "org.apache.spark.deploy.worker.Worker",
                List.of(
                    "--host",
                    "127.0.0.1",
                    "--cores",
                    Integer.toString(cores),
                    "--memory",
                    executorMemory,
                    "--webui-port",
                    "0",
                    "--work-dir",
                    dir.resolve("worker-" + i).toString(),
                    c.url),
                env,
                log));
        awaitLine(c.daemons.get(i + 1), log, "Successfully registered with master");
      }
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
    LOG.info(
        "bench scale: standalone cluster {} up: {} workers x {} cores, executors -Xmx{}",
        c.url,
        workers,
        cores,
        executorMemory);
    return c;
  }

  /**
   * The driver's Spark settings (system properties of the child JVM): this master, one executor of
   * {@code cores} cores and {@code executorMemory} per worker, the class path and the Java options
   * of this JVM for the executors.
   */
  List<String> driverProperties() {
    String opens = String.join(" ", ChildJvm.inheritedJvmOptions());
    return List.of(
        "-Dspark.master=" + url,
        "-Dspark.driver.host=127.0.0.1",
        "-Dspark.executor.memory=" + executorMemory,
        "-Dspark.executor.cores=" + cores,
        "-Dspark.cores.max=" + (workers * cores),
        "-Dspark.executor.extraClassPath=" + System.getProperty("java.class.path"),
        "-Dspark.executor.defaultJavaOptions=" + opens);
  }

  String url() {
    return url;
  }

  private Process daemon(String main, List<String> args, Map<String, String> env, Path log)
      throws IOException {
    List<String> cmd = ChildJvm.javaCommand(DAEMON_HEAP);
    cmd.add("-Dlog4j2.configurationFile=" + daemonLog4j); // the last -D of a name wins
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main);
    cmd.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    return pb.start();
  }

  /** Waits for {@code line} in {@code log}; fails if the process exits or the wait times out. */
  private static void awaitLine(Process p, Path log, String line) throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(line)) {
        return;
      }
      if (!p.isAlive()) {
        throw new IOException(
            "a standalone daemon exited (code "
                + p.exitValue()
                + ") before '"
                + line
                + "'; see "
                + log);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for '" + line + "' in " + log, e);
      }
    }
    throw new IOException("no '" + line + "' in " + log + " after " + START_TIMEOUT);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Stops workers (their executors with them) before the master. */
  @Override
  public void close() {
    for (int i = daemons.size() - 1; i >= 0; i--) {
      Process p = daemons.get(i);
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      try {
        if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    daemons.clear();
  }
}
