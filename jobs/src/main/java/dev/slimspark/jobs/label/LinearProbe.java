package dev.slimspark.jobs.label;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.slimspark.udfs.bert.Torch;
import java.util.List;

/**
 * The linear probe that starts the encoder mode's head ("linear probe, then fine-tune"): a
 * class-weighted, L2-regularized softmax regression on the frozen encoder's pooled embeddings,
 * fitted full-batch with Adam at a rate decaying linearly to zero (convex: it converges to the
 * regularized optimum whatever the start). A head that already separates the classes lets the first
 * fine-tuning steps move the encoder towards the task instead of pushing noise from a zero head
 * into it.
 */
final class LinearProbe {
  /** Full-batch iterations: each is two small matrix products over the embeddings. */
  static final int ITERATIONS = 500;

  /** L2 strength on the mean loss: keeps the logits moderate for the fine-tuning that follows. */
  static final float L2 = 1e-4f;

  private static final float RATE = 0.05f;

  private LinearProbe() {}

  /**
   * Fits {@code w} {@code [hidden, classes]} and {@code b} {@code [classes]} in place on {@code z}
   * {@code [n, hidden]} with labels {@code y}; returns the final training loss.
   */
  static double fit(NDArray z, int[] y, float[] classWeights, NDArray w, NDArray b) {
    NDManager m = z.getManager();
    int classes = (int) b.getShape().get(0);
    float[] cw = new float[y.length];
    for (int i = 0; i < y.length; i++) {
      cw[i] = classWeights[y[i]];
    }
    NDArray onehot = m.create(y).oneHot(classes, DataType.FLOAT32);
    NDArray weight = m.create(cw).div(sum(cw));
    AdamW adam = new AdamW();
    List<NDArray> ps = List.of(w, b);
    double loss = Double.NaN;
    for (int it = 0; it < ITERATIONS; it++) {
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        try (GradientCollector gc = Engine.getEngine(Torch.ENGINE).newGradientCollector()) {
          NDArray logp = z.matMul(w).add(b).logSoftmax(1);
          NDArray l = onehot.mul(logp).sum(new int[] {1}).neg().mul(weight).sum();
          NDArray total = l.add(w.square().sum().mul(L2 / 2));
          gc.backward(total);
          loss = l.getFloat();
        }
        float rate = RATE * (1 - (float) it / ITERATIONS);
        adam.update(List.of("w", "b"), ps, n -> rate, 0, 1f);
        ps.forEach(Torch::zeroGradient);
      }
    }
    return loss;
  }

  private static float sum(float[] a) {
    float s = 0;
    for (float x : a) {
      s += x;
    }
    return s;
  }
}
