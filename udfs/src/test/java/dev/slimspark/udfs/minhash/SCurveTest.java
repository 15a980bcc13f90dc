package dev.slimspark.udfs.minhash;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measured band-collision rate per Jaccard level against 1 - (1 - s^r)^b. Pairs of shingle-hash
 * sets are built with an exact Jaccard (k shared + u own elements each, k + 2u = 200), so the only
 * randomness is MinHash's. 2000 pairs per level: binomial sd <= 0.011, tolerance 0.05 (~4.5 sd).
 */
class SCurveTest {
  private static final Logger LOG = LoggerFactory.getLogger(SCurveTest.class);

  private static void check(LshParams params, int[] shared) {
    int union = 200;
    int pairs = 2000;
    MinHasher mh = new MinHasher(128, 1234, new Shingler(ShingleType.WORD, 5, Normalization.AS_IS, 1));
    BandHasher bh = new BandHasher(params, 77);
    SplittableRandom rnd = new SplittableRandom(42);
    long[] x = new long[128];
    long[] y = new long[128];
    for (int k : shared) {
      int u = (union - k) / 2;
      double s = (double) k / (k + 2 * u);
      int hits = 0;
      for (int p = 0; p < pairs; p++) {
        mh.reset(x);
        mh.reset(y);
        for (int i = 0; i < k; i++) {
          long h = Hash64.fmix(rnd.nextLong());
          mh.update(x, h);
          mh.update(y, h);
        }
        for (int i = 0; i < u; i++) {
          mh.update(x, Hash64.fmix(rnd.nextLong()));
          mh.update(y, Hash64.fmix(rnd.nextLong()));
        }
        if (bh.collide(x, y)) {
          hits++;
        }
      }
      double measured = (double) hits / pairs;
      double expected = params.probability(s);
      LOG.info("b={} r={} s={} measured={} expected={}", params.bands(), params.rows(), s, measured, expected);
      assertTrue(Math.abs(measured - expected) <= 0.05,
          "s=" + s + " measured " + measured + " expected " + expected);
    }
  }

  @Test
  void slimPajamaCurve() {
    check(LshParams.optimal(0.8, 128, 0.5, 0.5), new int[] {100, 120, 140, 150, 160, 170, 180, 190, 200});
  }

  @Test
  void lowThresholdCurve() {
    check(new LshParams(20, 5), new int[] {40, 60, 80, 100, 120, 140, 160});
  }
}
