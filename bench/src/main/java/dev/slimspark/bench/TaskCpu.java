package dev.slimspark.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * CPU time of the task threads (Spark's executorCpuTime), in all and per Spark stage. Like a loop's
 * thread CPU time, it leaves out the JIT compiler and GC threads and the driver's planning, which
 * are fixed or amortized costs of a long-running executor; {@link #processSeconds()} counts them
 * all.
 */
public final class TaskCpu extends SparkListener {
  private final AtomicLong nanos = new AtomicLong();
  private final Map<Integer, String> names = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicLong> byStage = new ConcurrentHashMap<>();

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted s) {
    names.put(s.stageInfo().stageId(), s.stageInfo().name());
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (end.taskMetrics() != null) {
      long c = end.taskMetrics().executorCpuTime();
      nanos.addAndGet(c);
      byStage.computeIfAbsent(end.stageId(), k -> new AtomicLong()).addAndGet(c);
    }
  }

  /** Task threads' CPU seconds so far. */
  public double seconds() {
    return nanos.get() / 1e9;
  }

  /** Prints the Spark stages that took over 2 % of the task CPU, largest first. */
  public void print() {
    byStage.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue().get(), a.getValue().get()))
        .filter(e -> e.getValue().get() > 0.02 * nanos.get())
        .forEach(
            e ->
                System.out.printf(
                    Locale.ROOT,
                    "  spark stage %d %-40s %.1f CPU-s%n",
                    e.getKey(),
                    names.getOrDefault(e.getKey(), "?"),
                    e.getValue().get() / 1e9));
  }

  /**
   * CPU nanoseconds of the process's live threads by kind: the name with digits dropped ("Executor
   * task launch worker for task #.# in stage #.# (TID #)", "C# CompilerThre", "GC Thread##", "G#
   * Conc##", ...). Read from /proc/self/task, so the JVM's own GC and JIT threads, which the
   * ThreadMXBean does not see, are counted; empty where /proc is not there. Diff two snapshots to
   * see where the process's CPU beyond the task threads went; threads that ended in between are
   * missing from the later one. Linux truncates names to 15 characters.
   */
  public static Map<String, Long> threadSnapshot() {
    Map<String, Long> out = new java.util.TreeMap<>();
    java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
    if (tasks == null) {
      return out;
    }
    for (java.io.File t : tasks) {
      try {
        String name =
            java.nio.file.Files.readString(t.toPath().resolve("comm"))
                .trim()
                .replaceAll("[0-9]+", "#");
        String stat = java.nio.file.Files.readString(t.toPath().resolve("stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
        out.merge(name, ticks * 10_000_000L, Long::sum); // USER_HZ = 100
      } catch (java.io.IOException | RuntimeException e) {
        // the thread ended while being read
      }
    }
    return out;
  }

  /** Prints the thread kinds that used over 0.5 CPU-s between two {@link #threadSnapshot}s. */
  public static void printThreads(Map<String, Long> before, Map<String, Long> after) {
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 500_000_000L)
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .forEach(
            e ->
                System.out.printf(
                    Locale.ROOT, "  threads %-50s %.1f CPU-s%n", e.getKey(), e.getValue() / 1e9));
  }

  /**
   * Prints the cold and warm stage runs' throughput ({process, task threads} MB per CPU-s each)
   * against the loop's, and their ratios.
   */
  public static void printRatios(String loopName, double[] cold, double[] warm, double loop) {
    for (double[] s : new double[][] {cold, warm}) {
      System.out.printf(
          Locale.ROOT,
          "RATIO %s: stage %.2f MB per CPU-s (process), %.2f per task-CPU-s; %s %.2f;"
              + " stage / loop %.3f (process), %.3f (task threads)%n",
          s == cold ? "cold" : "warm",
          s[0],
          s[1],
          loopName,
          loop,
          s[0] / loop,
          s[1] / loop);
    }
  }

  /** CPU seconds of the whole JVM so far. */
  public static double processSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }
}
