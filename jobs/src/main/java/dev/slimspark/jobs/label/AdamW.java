package dev.slimspark.jobs.label;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW over named weights whose gradients autograd filled: decoupled weight decay (matrices only),
 * bias-corrected moments, and global gradient-norm clipping. The moments live in the weights'
 * native memory (x2 the trained weights).
 */
final class AdamW {
  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPS = 1e-8f;

  private final Map<String, NDArray[]> moments = new HashMap<>();
  private long step;

  /**
   * The global L2 norm of every gradient of {@code ps} (NaN or infinite when any entry is: the
   * caller then skips the step).
   */
  static double gradNorm(List<NDArray> ps) {
    double sq = 0;
    for (NDArray p : ps) {
      double n = p.getGradient().norm().getFloat();
      sq += n * n;
    }
    return Math.sqrt(sq);
  }

  /**
   * One step at rate {@code lr(name)}: every gradient is first scaled by {@code scale} (the clip
   * factor, min(1, max_norm / norm)).
   */
  void update(
      List<String> names,
      List<NDArray> ps,
      java.util.function.ToDoubleFunction<String> lr,
      double weightDecay,
      float scale) {
    step++;
    float bc1 = (float) (1 - Math.pow(BETA1, step));
    float bc2 = (float) (1 - Math.pow(BETA2, step));
    for (int i = 0; i < ps.size(); i++) {
      NDArray p = ps.get(i);
      float rate = (float) lr.applyAsDouble(names.get(i));
      NDArray g = p.getGradient();
      NDArray[] mv =
          moments.computeIfAbsent(names.get(i), k -> new NDArray[] {zerosLike(p), zerosLike(p)});
      mv[0].muli(BETA1).addi(g.mul(scale * (1 - BETA1)));
      mv[1].muli(BETA2).addi(g.square().muli(scale * scale * (1 - BETA2)));
      NDArray denom = mv[1].sqrt().muli((float) (1 / Math.sqrt(bc2))).addi(EPS);
      if (weightDecay > 0 && p.getShape().dimension() > 1) {
        p.muli((float) (1 - rate * weightDecay));
      }
      p.subi(mv[0].div(denom).muli(rate / bc1));
    }
  }

  private static NDArray zerosLike(NDArray p) {
    NDArray z = p.getManager().zeros(p.getShape());
    NDScope.unregister(z);
    return z;
  }
}
