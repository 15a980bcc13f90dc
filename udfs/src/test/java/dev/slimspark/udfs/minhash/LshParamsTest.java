package dev.slimspark.udfs.minhash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LshParamsTest {
  private static final Logger LOG = LoggerFactory.getLogger(LshParamsTest.class);

  /** Independent brute force: midpoint rule on a fine grid, all (b, r) with b*r <= numPerm. */
  private static int[] bruteForce(double t, int numPerm, double wfp, double wfn) {
    int steps = 4000;
    double best = Double.MAX_VALUE;
    int[] arg = null;
    for (int b = 1; b <= numPerm; b++) {
      for (int r = 1; b * r <= numPerm; r++) {
        double fp = 0;
        double fn = 0;
        for (int i = 0; i < steps; i++) {
          double s = (i + 0.5) / steps;
          double p = 1 - Math.pow(1 - Math.pow(s, r), b);
          if (s < t) {
            fp += p / steps;
          } else {
            fn += (1 - p) / steps;
          }
        }
        double err = wfp * fp + wfn * fn;
        if (err < best) {
          best = err;
          arg = new int[] {b, r};
        }
      }
    }
    return arg;
  }

  @Test
  void optimalMatchesBruteForce() {
    double[][] cases = {
      {0.8, 128, 0.5, 0.5}, {0.7, 128, 0.5, 0.5}, {0.8, 256, 0.5, 0.5}, {0.8, 128, 0.2, 0.8}
    };
    for (double[] c : cases) {
      LshParams p = LshParams.optimal(c[0], (int) c[1], c[2], c[3]);
      int[] bf = bruteForce(c[0], (int) c[1], c[2], c[3]);
      LOG.info(
          "t={} perms={} -> b={} r={} P(t)={}",
          c[0],
          c[1],
          p.bands(),
          p.rows(),
          p.probability(c[0]));
      assertEquals(bf[0], p.bands(), "bands for " + java.util.Arrays.toString(c));
      assertEquals(bf[1], p.rows(), "rows for " + java.util.Arrays.toString(c));
      assertTrue(p.bands() * p.rows() <= c[1]);
    }
  }

  @Test
  void slimPajamaSetting() {
    // SlimPajama's published setting for t=0.8 with 128 permutations is 9 bands x 13 rows.
    LshParams p = LshParams.optimal(0.8, 128, 0.5, 0.5);
    assertEquals(9, p.bands());
    assertEquals(13, p.rows());
    double pt = p.probability(0.8);
    assertEquals(1 - Math.pow(1 - Math.pow(0.8, 13), 9), pt, 1e-12);
    assertTrue(
        pt > 0.39 && pt < 0.41,
        "P(detect at 0.8)=" + pt); // 0.399: half-weighted areas put the steep part just above t
    assertTrue(p.probability(0.9) > 0.92);
    assertTrue(p.probability(0.5) < 0.01);
  }

  @Test
  void explicitChecksBudget() {
    assertEquals(new LshParams(16, 8), LshParams.explicit(16, 8, 128));
    assertThrows(IllegalArgumentException.class, () -> LshParams.explicit(16, 9, 128));
    assertThrows(IllegalArgumentException.class, () -> LshParams.optimal(1.0, 128, 0.5, 0.5));
  }
}
