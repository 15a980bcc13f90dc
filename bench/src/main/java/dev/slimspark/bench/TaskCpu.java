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

  /** CPU seconds of the whole JVM so far. */
  public static double processSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }
}
