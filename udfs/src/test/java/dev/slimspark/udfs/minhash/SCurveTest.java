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
    MinHasher mh =
        new MinHasher(128, 1234, new Shingler(ShingleType.WORD, 5, Normalization.AS_IS, 1));
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
      LOG.info(
          "b={} r={} s={} measured={} expected={}",
          params.bands(),
          params.rows(),
          s,
          measured,
          expected);
      assertTrue(
          Math.abs(measured - expected) <= 0.05,
          "s=" + s + " measured " + measured + " expected " + expected);
    }
  }

  @Test
  void slimPajamaCurve() {
    check(
        LshParams.optimal(0.8, 128, 0.5, 0.5),
        new int[] {100, 120, 140, 150, 160, 170, 180, 190, 200});
  }

  @Test
  void lowThresholdCurve() {
    check(new LshParams(20, 5), new int[] {40, 60, 80, 100, 120, 140, 160});
  }

  /**
   * The same check on real shingled text: pairs of word-5-gram documents with a random fraction of
   * words replaced, bucketed by their exact Jaccard; per bucket the measured collision rate must be
   * within 0.05 of the mean predicted P(s_i) of its pairs.
   */
  @Test
  void realTextCurve() {
    LshParams params = LshParams.optimal(0.8, 128, 0.5, 0.5);
    Shingler sh = new Shingler(ShingleType.WORD, 5, Normalization.SLIMPAJAMA, 3);
    MinHasher mh = new MinHasher(128, 1234, sh);
    BandHasher bh = new BandHasher(params, 77);
    SplittableRandom rnd = new SplittableRandom(9);
    int buckets = 10; // s in [0.5, 1.0) by 0.05
    int[] n = new int[buckets];
    int[] hits = new int[buckets];
    double[] predicted = new double[buckets];
    String[] words = new String[120];
    String[] edited = new String[120];
    long[] x = new long[128];
    long[] y = new long[128];
    for (int p = 0; p < 16_000; p++) {
      for (int i = 0; i < words.length; i++) {
        words[i] = "w" + rnd.nextInt(1_000_000);
      }
      double rate = rnd.nextDouble() * 0.12;
      for (int i = 0; i < words.length; i++) {
        edited[i] = rnd.nextDouble() < rate ? "w" + rnd.nextInt(1_000_000) : words[i];
      }
      String a = String.join(" ", words);
      String b = String.join(" ", edited);
      double s = Jaccard.exact(Jaccard.shingleSet(a, sh), Jaccard.shingleSet(b, sh));
      int k = (int) Math.floor((s - 0.5) / 0.05);
      if (k < 0 || k >= buckets) {
        continue;
      }
      mh.signature(a, x);
      mh.signature(b, y);
      n[k]++;
      hits[k] += bh.collide(x, y) ? 1 : 0;
      predicted[k] += params.probability(s);
    }
    for (int k = 0; k < buckets; k++) {
      if (n[k] < 400) {
        continue; // too few pairs for a 0.05 tolerance
      }
      double measured = (double) hits[k] / n[k];
      double expected = predicted[k] / n[k];
      LOG.info(
          "text s in [{}, {}): n={} measured={} expected={}",
          0.5 + 0.05 * k,
          0.55 + 0.05 * k,
          n[k],
          measured,
          expected);
      assertTrue(
          Math.abs(measured - expected) <= 0.05,
          "bucket " + k + " n=" + n[k] + " measured " + measured + " expected " + expected);
    }
    int checked = 0;
    for (int k = 0; k < buckets; k++) {
      checked += n[k] >= 400 ? 1 : 0;
    }
    assertTrue(
        checked >= 6, "buckets with enough pairs: " + checked + " " + java.util.Arrays.toString(n));
  }
}
