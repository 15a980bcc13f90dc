package dev.slimspark.udfs.djl;

import ai.djl.Device;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * Which device and how many threads a task's inference uses. On a cluster with GPU scheduling
 * ({@code spark.task.resource.gpu.amount}) Spark assigns each task a GPU address; we use the first
 * one. Everywhere else (driver, local mode, CPU executors) it is the CPU.
 */
public final class Devices {
  private Devices() {}

  /** The current task's GPU, else the CPU. */
  public static Device forCurrentTask() {
    TaskContext tc = TaskContext.get();
    if (tc == null) {
      return Device.cpu();
    }
    scala.Option<ResourceInformation> gpu = tc.resources().get("gpu");
    if (gpu.isEmpty() || gpu.get().addresses().length == 0) {
      return Device.cpu();
    }
    return Device.gpu(Integer.parseInt(gpu.get().addresses()[0].trim()));
  }

  /**
   * ONNX Runtime intra-op threads: {@code spark.task.cpus} inside a task (so concurrent tasks on one
   * executor do not oversubscribe its cores), else {@code fallback}.
   */
  public static int threadsForCurrentTask(int fallback) {
    TaskContext tc = TaskContext.get();
    return tc == null ? Math.max(1, fallback) : Math.max(1, tc.cpus());
  }
}
