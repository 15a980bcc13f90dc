package dev.slimspark.bench;

import dev.slimspark.jobs.JobSummary;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;

/**
 * One timed run of a pipeline stage in a stage bench: wall time, the process's CPU time, the task
 * threads' CPU time, and what {@link #printBreakdown()} shows (each Spark stage's task CPU, the
 * process threads by kind).
 */
public final class StageRun {
  public final JobSummary summary;
  public final double wallSeconds;
  public final double processCpu;
  public final double taskCpu;
  private final TaskCpu tasks;
  private final Map<String, Long> threadsBefore;
  private final Map<String, Long> threadsAfter;

  private StageRun(
      JobSummary summary,
      double wallSeconds,
      double processCpu,
      TaskCpu tasks,
      Map<String, Long> threadsBefore,
      Map<String, Long> threadsAfter) {
    this.summary = summary;
    this.wallSeconds = wallSeconds;
    this.processCpu = processCpu;
    this.taskCpu = tasks.seconds();
    this.tasks = tasks;
    this.threadsBefore = threadsBefore;
    this.threadsAfter = threadsAfter;
  }

  /** Runs {@code stage} once, timed. */
  public static StageRun time(SparkSession spark, Callable<JobSummary> stage) throws Exception {
    return time(spark, null, stage);
  }

  /** Runs {@code stage} twice and returns the second (warm) run's timing. */
  public static StageRun warm(SparkSession spark, Callable<JobSummary> stage) throws Exception {
    time(spark, stage);
    return time(spark, stage);
  }

  /** Runs {@code stage} once, timed, recording a JFR profile into {@code jfr} unless it is null. */
  public static StageRun time(SparkSession spark, String jfr, Callable<JobSummary> stage)
      throws Exception {
    jdk.jfr.Recording rec = null;
    if (jfr != null) {
      rec = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
      rec.start();
    }
    Map<String, Long> threads0 = TaskCpu.threadSnapshot();
    TaskCpu tasks = new TaskCpu();
    spark.sparkContext().addSparkListener(tasks);
    double c0 = TaskCpu.processSeconds();
    long t0 = System.nanoTime();
    JobSummary s = stage.call();
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = TaskCpu.processSeconds() - c0;
    spark.sparkContext().listenerBus().waitUntilEmpty();
    spark.sparkContext().removeSparkListener(tasks);
    if (rec != null) {
      rec.stop();
      rec.dump(java.nio.file.Path.of(jfr));
      rec.close();
    }
    return new StageRun(s, wall, cpu, tasks, threads0, TaskCpu.threadSnapshot());
  }

  /** {MB per process-CPU-s, MB per task-CPU-s} for {@code bytes} of input. */
  public double[] mbPerCpu(long bytes) {
    return new double[] {bytes / 1e6 / processCpu, bytes / 1e6 / taskCpu};
  }

  /** "stage LABEL: wall, process CPU = MB per CPU-s, task threads = MB per task-CPU-s". */
  public String describe(String label, long bytes) {
    double[] mb = mbPerCpu(bytes);
    return String.format(
        java.util.Locale.ROOT,
        "stage %s: %.1f s wall, %.1f CPU-s (process) = %.2f MB per CPU-s, task threads %.1f CPU-s"
            + " = %.2f MB per task-CPU-s",
        label,
        wallSeconds,
        processCpu,
        mb[0],
        taskCpu,
        mb[1]);
  }

  /** Prints each Spark stage's task CPU and the process threads' CPU by kind. */
  public void printBreakdown() {
    tasks.print();
    TaskCpu.printThreads(threadsBefore, threadsAfter);
  }
}
