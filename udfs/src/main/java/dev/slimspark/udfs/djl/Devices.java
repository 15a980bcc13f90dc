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
   * A task was given a GPU but ONNX Runtime cannot run on it: the jar carries the CPU build of ONNX
   * Runtime, or the executor lacks the CUDA/cuDNN libraries its GPU build needs. Thrown instead of
   * silently falling back to the CPU (a job that asked for GPUs would run many times slower without
   * saying why); the jobs layer turns it into a user error.
   */
  public static final class GpuUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final String device;
    private final String reason;

    public GpuUnavailableException(Device device, String reason, Throwable cause) {
      super(
          "ONNX Runtime cannot use " + device + " (assigned to this task by Spark): " + reason,
          cause);
      this.device = device.toString();
      this.reason = reason;
    }

    /** The device the task was assigned, e.g. "gpu(0)". */
    public String device() {
      return device;
    }

    /** ONNX Runtime's own words. */
    public String reason() {
      return reason;
    }
  }

  /** The innermost message of a cause chain (ONNX Runtime's own words under DJL's wrappers). */
  static String rootMessage(Throwable t) {
    String m = t.getMessage();
    for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c.getMessage() != null) {
        m = c.getMessage();
      }
    }
    return m;
  }

  /**
   * ONNX Runtime intra-op threads: {@code spark.task.cpus} inside a task (so concurrent tasks on
   * one executor do not oversubscribe its cores), else {@code fallback}.
   */
  public static int threadsForCurrentTask(int fallback) {
    TaskContext tc = TaskContext.get();
    return tc == null ? Math.max(1, fallback) : Math.max(1, tc.cpus());
  }
}
