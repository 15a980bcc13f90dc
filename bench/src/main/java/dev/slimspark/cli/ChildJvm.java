package dev.slimspark.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts {@link ScaleBenchChild} in a JVM of its own with a fixed heap, the same class path, the
 * same {@code --add-opens} flags (Spark needs them on Java 17) and log configuration as this JVM,
 * and waits for it. The child is killed if this JVM is (Ctrl-C), so no orphan keeps the cores.
 */
final class ChildJvm {
  private ChildJvm() {}

  /** Runs the child, its stdout and stderr appended to {@code log}; returns its exit code. */
  static int run(String heap, List<String> args, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens")
          || a.equals("-XX:+IgnoreUnrecognizedVMOptions")
          || a.startsWith("-Djdk.reflect.")
          || a.startsWith("-Dlog4j2.configurationFile=")) {
        cmd.add(a);
      }
    }
    cmd.add("-Xmx" + heap);
    cmd.add("-Dspark.master=" + System.getProperty("spark.master", "local[*]"));
    cmd.add("-Dspark.ui.enabled=false");
    // Executor heap peaks per task (Spark's executor metrics) are polled only at heartbeats
    // otherwise.
    cmd.add("-Dspark.executor.metrics.pollingInterval=100ms");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ScaleBenchChild.class.getName());
    cmd.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Process p = pb.start();
    Thread kill = new Thread(p::destroyForcibly, "bench-scale-child-killer");
    Runtime.getRuntime().addShutdownHook(kill);
    try {
      return p.waitFor();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      return 130;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(kill);
      } catch (IllegalStateException e) {
        // shutting down already: the hook runs
      }
    }
  }
}
