package dev.slimspark.udfs.minhash;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LSH banding: {@code bands} bands of {@code rows} signature values each ({@code bands * rows <=
 * numPerm}; trailing values unused). Two documents with Jaccard s share at least one band with
 * probability {@code P(s) = 1 - (1 - s^rows)^bands} (the S-curve).
 *
 * <p>{@link #optimal} picks (b, r) like datasketch: minimize {@code fpWeight * ∫_0^t P(s) ds +
 * fnWeight * ∫_t^1 (1 - P(s)) ds} over all b, r with b*r <= numPerm, integrals by composite
 * Simpson's rule. Ties keep the first (smallest b, then smallest r).
 */
public record LshParams(int bands, int rows) implements java.io.Serializable {
  private static final Logger LOG = LoggerFactory.getLogger(LshParams.class);
  private static final int SIMPSON_INTERVALS = 512;

  public LshParams {
    if (bands < 1 || rows < 1) {
      throw new IllegalArgumentException("bands and rows must be >= 1: " + bands + "x" + rows);
    }
  }

  /** Explicit (b, r); checks {@code b * r <= numPerm}. */
  public static LshParams explicit(int bands, int rows, int numPerm) {
    if ((long) bands * rows > numPerm) {
      throw new IllegalArgumentException(
          "bands*rows=" + ((long) bands * rows) + " exceeds numPerm=" + numPerm);
    }
    return new LshParams(bands, rows);
  }

  /** Probability that two documents of Jaccard {@code s} become candidates. */
  public double probability(double s) {
    return probability(s, bands, rows);
  }

  public static double probability(double s, int bands, int rows) {
    return 1.0 - Math.pow(1.0 - Math.pow(s, rows), bands);
  }

  /** ∫_0^t P(s) ds: weight of pairs below the threshold that still become candidates. */
  public static double falsePositiveArea(double t, int bands, int rows) {
    return simpson(s -> probability(s, bands, rows), 0.0, t);
  }

  /** ∫_t^1 (1 - P(s)) ds: weight of pairs above the threshold that are missed. */
  public static double falseNegativeArea(double t, int bands, int rows) {
    return simpson(s -> 1.0 - probability(s, bands, rows), t, 1.0);
  }

  /** The weighted-error-minimizing (b, r); logs P(detect) at the threshold. */
  public static LshParams optimal(double threshold, int numPerm, double fpWeight, double fnWeight) {
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException("threshold must be in (0,1): " + threshold);
    }
    if (fpWeight < 0 || fnWeight < 0 || fpWeight + fnWeight == 0) {
      throw new IllegalArgumentException("weights must be >= 0 and not both 0");
    }
    double best = Double.POSITIVE_INFINITY;
    int bestB = 1;
    int bestR = 1;
    for (int b = 1; b <= numPerm; b++) {
      for (int r = 1; r <= numPerm / b; r++) {
        double err =
            fpWeight * falsePositiveArea(threshold, b, r)
                + fnWeight * falseNegativeArea(threshold, b, r);
        if (err < best) {
          best = err;
          bestB = b;
          bestR = r;
        }
      }
    }
    LshParams p = new LshParams(bestB, bestR);
    LOG.info(
        "LSH for t={} numPerm={} weights fp={} fn={}: bands={} rows={} P(detect at t)={}",
        threshold,
        numPerm,
        fpWeight,
        fnWeight,
        bestB,
        bestR,
        p.probability(threshold));
    return p;
  }

  private static double simpson(java.util.function.DoubleUnaryOperator f, double lo, double hi) {
    if (hi <= lo) {
      return 0.0;
    }
    int m = SIMPSON_INTERVALS;
    double h = (hi - lo) / m;
    double sum = f.applyAsDouble(lo) + f.applyAsDouble(hi);
    for (int i = 1; i < m; i++) {
      sum += f.applyAsDouble(lo + i * h) * ((i & 1) == 1 ? 4 : 2);
    }
    return sum * h / 3.0;
  }
}
