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

  /**
   * The options of this JVM a child needs too: the {@code --add-opens} flags (Spark needs them on
   * Java 17) and the log configuration.
   */
  static List<String> inheritedJvmOptions() {
    List<String> out = new ArrayList<>();
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens")
          || a.equals("-XX:+IgnoreUnrecognizedVMOptions")
          || a.startsWith("-Djdk.reflect.")
          || a.startsWith("-Dlog4j2.configurationFile=")) {
        out.add(a);
      }
    }
    return out;
  }

  /** {@code java [inherited options] -Xmx<heap>}, to which the caller adds the rest. */
  static List<String> javaCommand(String heap) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(inheritedJvmOptions());
    cmd.add("-Xmx" + heap);
    return cmd;
  }

  /**
   * Runs the child, its stdout and stderr appended to {@code log}; returns its exit code. {@code
   * props} are extra {@code -D} options (a standalone cluster's settings); without a {@code
   * -Dspark.master} among them the child gets this JVM's {@code spark.master}, else local[*].
   */
  static int run(String heap, List<String> props, List<String> args, Path log) throws IOException {
    List<String> cmd = javaCommand(heap);
    if (props.stream().noneMatch(p -> p.startsWith("-Dspark.master="))) {
      cmd.add("-Dspark.master=" + System.getProperty("spark.master", "local[*]"));
    }
    cmd.addAll(props);
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
