package dev.slimspark.udfs.bert;

/**
 * The PyTorch engine's JVM-wide settings, applied before DJL starts it: no download ever (the
 * native comes from the {@code pytorch-native-cpu} jar on the class path), the thread count, and
 * ONNX Runtime kept as DJL's default engine, so that every other model of the project runs exactly
 * as it did before PyTorch was on the class path.
 */
public final class Torch {
  /** DJL's name of the engine. */
  public static final String ENGINE = "PyTorch";

  private Torch() {}

  /**
   * Call before the first use of the engine; {@code threads} intra-op threads (0 = one per core the
   * JVM may use: PyTorch's own choice counts the host's cores, not a container's or a cgroup's
   * share). Later calls change nothing.
   */
  public static synchronized void configure(int threads) {
    pinDefaults();
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
      System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(n));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
  }

  /**
   * Sets {@code a}'s gradient to zero in place (PyTorch's zero_): unlike {@code g - g}, which DJL's
   * own zeroGradients does, this also clears NaN and infinite entries.
   */
  public static void zeroGradient(ai.djl.ndarray.NDArray a) {
    ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) a);
  }

  /**
   * Keeps ONNX Runtime DJL's default engine and stops it from handing NDArray work to PyTorch;
   * called wherever the project starts an engine.
   */
  public static void pinDefaults() {
    System.setProperty("ai.djl.offline", "true");
    if (System.getProperty("ai.djl.default_engine") == null) {
      System.setProperty("ai.djl.default_engine", "OnnxRuntime");
    }
    if (System.getProperty("ai.djl.onnx.disable_alternative") == null) {
      System.setProperty("ai.djl.onnx.disable_alternative", "true");
    }
  }
}
