package dev.slimspark.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.executor.ShuffleReadMetrics;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * What the tasks of one pipeline stage cost, summed by a {@link SparkListener} over every Spark
 * stage that ran between {@link #reset()} and {@link #snapshot()} ({@code bench scale}). The
 * aggregation ({@link #record}) takes plain numbers, so it is testable without Spark.
 *
 * <p>Skew is judged per Spark stage: a pipeline stage mixes one-task jobs (Delta log reads) with
 * wide ones, so the median over all its tasks says little. {@code worst_spark_stage} is the Spark
 * stage with the largest slowest/median ratio among those with at least 2 tasks that hold at least
 * {@value #HEAVY_SHARE} of the pipeline stage's executor run time.
 */
final class StageMetrics extends SparkListener {
  /** Share of run time a Spark stage must hold for its skew to count. */
  static final double HEAVY_SHARE = 0.10;

  /** Tasks of one Spark stage attempt. */
  static final class SparkStage {
    final String name;
    final List<Long> durationsMs = new ArrayList<>();
    long runMs;

    SparkStage(String name) {
      this.name = name;
    }
  }

  private final Map<String, SparkStage> stages = new LinkedHashMap<>();
  private final Map<Integer, String> names = new java.util.concurrent.ConcurrentHashMap<>();
  private long runMs;
  private long cpuNs;
  private long gcMs;
  private long spillMemory;
  private long spillDisk;
  private long shuffleRead;
  private long shuffleWrite;
  private long execPeakHeap = -1;

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted e) {
    names.put(e.stageInfo().stageId(), e.stageInfo().name());
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    TaskMetrics m = end.taskMetrics();
    if (m == null) {
      return;
    }
    ShuffleReadMetrics r = m.shuffleReadMetrics();
    long heap = -1;
    if (end.taskExecutorMetrics() != null) {
      heap = end.taskExecutorMetrics().getMetricValue("JVMHeapMemory");
    }
    String name = names.getOrDefault(end.stageId(), "stage " + end.stageId());
    record(
        end.stageId() + "." + end.stageAttemptId(),
        name,
        end.taskInfo().duration(),
        m.executorRunTime(),
        m.executorCpuTime(),
        m.jvmGCTime(),
        m.memoryBytesSpilled(),
        m.diskBytesSpilled(),
        r.remoteBytesRead() + r.localBytesRead(),
        m.shuffleWriteMetrics().bytesWritten(),
        heap);
  }

  /**
   * Adds one finished task.
   *
   * @param stageKey Spark stage id and attempt
   * @param execHeap the executor's peak JVM heap seen during the task (Spark's executor metrics,
   *     polled at {@code spark.executor.metrics.pollingInterval}), or -1 when unknown
   */
  synchronized void record(
      String stageKey,
      String stageName,
      long durationMs,
      long taskRunMs,
      long taskCpuNs,
      long taskGcMs,
      long spillMem,
      long spillDsk,
      long shRead,
      long shWrite,
      long execHeap) {
    SparkStage s = stages.computeIfAbsent(stageKey, k -> new SparkStage(stageName));
    s.durationsMs.add(durationMs);
    s.runMs += taskRunMs;
    runMs += taskRunMs;
    cpuNs += taskCpuNs;
    gcMs += taskGcMs;
    spillMemory += spillMem;
    spillDisk += spillDsk;
    shuffleRead += shRead;
    shuffleWrite += shWrite;
    execPeakHeap = Math.max(execPeakHeap, execHeap);
  }

  synchronized void reset() {
    stages.clear();
    runMs = cpuNs = gcMs = spillMemory = spillDisk = shuffleRead = shuffleWrite = 0;
    execPeakHeap = -1;
  }

  /** The sums since {@link #reset()}, as the result JSON's fields (times in s, sizes in bytes). */
  synchronized Map<String, Object> snapshot() {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("run_core_s", round(runMs / 1e3));
    r.put("cpu_core_s", round(cpuNs / 1e9));
    r.put("gc_share", runMs == 0 ? 0.0 : round((double) gcMs / runMs));
    r.put("spill_memory_bytes", spillMemory);
    r.put("spill_disk_bytes", spillDisk);
    r.put("shuffle_read_bytes", shuffleRead);
    r.put("shuffle_write_bytes", shuffleWrite);
    r.put("executor_peak_heap_mb", execPeakHeap < 0 ? null : execPeakHeap >> 20);
    List<Long> all = new ArrayList<>();
    stages.values().forEach(s -> all.addAll(s.durationsMs));
    r.put("spark_stages", stages.size());
    r.put("tasks", all.size());
    r.put("slowest_task_s", round(max(all) / 1e3));
    r.put("median_task_s", round(median(all) / 1e3));
    r.put("worst_spark_stage", worst());
    return r;
  }

  /** The heavy Spark stage with the largest slowest/median task ratio, or null. */
  private Map<String, Object> worst() {
    Map<String, Object> best = null;
    double bestRatio = -1;
    for (SparkStage s : stages.values()) {
      if (s.durationsMs.size() < 2 || s.runMs < HEAVY_SHARE * runMs) {
        continue;
      }
      double med = Math.max(1, median(s.durationsMs));
      double ratio = max(s.durationsMs) / med;
      if (ratio > bestRatio) {
        bestRatio = ratio;
        best = new LinkedHashMap<>();
        best.put("name", s.name);
        best.put("tasks", s.durationsMs.size());
        best.put("run_share", round((double) s.runMs / runMs));
        best.put("slowest_task_s", round(max(s.durationsMs) / 1e3));
        best.put("median_task_s", round(median(s.durationsMs) / 1e3));
        best.put("slowest_over_median", round(ratio));
      }
    }
    return best;
  }

  /** Median (mean of the two middle values for an even count); 0 for none. */
  static double median(List<Long> v) {
    if (v.isEmpty()) {
      return 0;
    }
    long[] a = v.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(a);
    int n = a.length;
    return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2.0;
  }

  static double max(List<Long> v) {
    return v.stream().mapToLong(Long::longValue).max().orElse(0);
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  static double round4(double v) {
    return Math.round(v * 10000) / 10000.0;
  }

  /**
   * Samples the used heap of this JVM every 100 ms on a daemon thread, and the heap left live after
   * each garbage collection (from the collectors' notifications). In local mode driver and executor
   * share this JVM, so "used" includes garbage not yet collected (it tends toward -Xmx on a busy
   * heap); "after GC" is the better measure of what the stage kept alive.
   */
  static final class HeapSampler implements AutoCloseable {
    private final MemoryMXBean bean = ManagementFactory.getMemoryMXBean();
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong peakAfterGc = new AtomicLong();
    private final List<Runnable> unregister = new ArrayList<>();
    private volatile boolean stop;
    private final Thread thread;

    HeapSampler() {
      thread = new Thread(this::loop, "bench-scale-heap-sampler");
      thread.setDaemon(true);
      thread.start();
      for (java.lang.management.GarbageCollectorMXBean gc :
          ManagementFactory.getGarbageCollectorMXBeans()) {
        if (gc instanceof javax.management.NotificationEmitter em) {
          javax.management.NotificationListener l = (n, h) -> afterGc(n);
          em.addNotificationListener(l, null, null);
          unregister.add(
              () -> {
                try {
                  em.removeNotificationListener(l);
                } catch (javax.management.ListenerNotFoundException e) {
                  // already gone
                }
              });
        }
      }
    }

    private void loop() {
      while (!stop) {
        peak.accumulateAndGet(bean.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private void afterGc(javax.management.Notification n) {
      if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
          .equals(n.getType())) {
        return;
      }
      var info =
          com.sun.management.GarbageCollectionNotificationInfo.from(
              (javax.management.openmbean.CompositeData) n.getUserData());
      long live = 0;
      for (java.lang.management.MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        var u = info.getGcInfo().getMemoryUsageAfterGc().get(p.getName());
        if (p.getType() == java.lang.management.MemoryType.HEAP && u != null) {
          live += u.getUsed();
        }
      }
      peakAfterGc.accumulateAndGet(live, Math::max);
    }

    long peakMb() {
      peak.accumulateAndGet(bean.getHeapMemoryUsage().getUsed(), Math::max);
      return peak.get() >> 20;
    }

    /** Largest heap left after a collection; 0 when none ran. */
    long peakAfterGcMb() {
      return peakAfterGc.get() >> 20;
    }

    @Override
    public void close() {
      stop = true;
      thread.interrupt();
      unregister.forEach(Runnable::run);
    }
  }
}
