package dev.slimspark.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A stage's plain loop for a stage bench: every partition's work, partitions interleaved over as
 * many threads as the stage has cores, each thread timing only what it measures by its own CPU time
 * (the machine may be shared; input regenerated per partition stays untimed).
 */
public final class PartitionLoop {
  private PartitionLoop() {}

  /** The work on one partition. */
  @FunctionalInterface
  public interface Part {
    /**
     * Does partition {@code p}'s work; {@code cpu} times what counts. Returns numbers to sum over
     * partitions: the bench chooses them (bytes, rows, candidates, ...).
     */
    double[] run(long p, Cpu cpu) throws Exception;
  }

  /** The calling thread's CPU time, for {@link Part}s. */
  public static final class Cpu {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private double seconds;
    private long start;

    /** Starts timing. */
    public void start() {
      start = MX.getCurrentThreadCpuTime();
    }

    /** Stops timing; the time since {@link #start()} counts. */
    public void stop() {
      seconds += (MX.getCurrentThreadCpuTime() - start) / 1e9;
    }
  }

  /**
   * Runs partitions 0 to {@code parts - 1} on {@code threads} threads. Returns the timed CPU
   * seconds of all threads first, then the element-wise sums of what the parts returned.
   */
  public static double[] run(int parts, int threads, Part work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<double[]>> fs = new ArrayList<>();
      for (int k = 0; k < threads; k++) {
        int first = k;
        fs.add(
            pool.submit(
                () -> {
                  Cpu cpu = new Cpu();
                  double[] sums = new double[0];
                  for (long p = first; p < parts; p += threads) {
                    sums = add(sums, work.run(p, cpu));
                  }
                  return add(new double[] {cpu.seconds}, sums, 1);
                }));
      }
      double[] total = new double[0];
      for (Future<double[]> f : fs) {
        total = add(total, f.get());
      }
      return total;
    } finally {
      pool.shutdown();
    }
  }

  private static double[] add(double[] a, double[] b) {
    return add(a, b, 0);
  }

  /** {@code a} plus {@code b} placed at {@code offset}, grown as needed. */
  private static double[] add(double[] a, double[] b, int offset) {
    double[] out = java.util.Arrays.copyOf(a, Math.max(a.length, b.length + offset));
    for (int i = 0; i < b.length; i++) {
      out[i + offset] += b[i];
    }
    return out;
  }
}
