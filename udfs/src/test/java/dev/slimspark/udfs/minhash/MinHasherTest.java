package dev.slimspark.udfs.minhash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MinHasherTest {
  private static String words(SplittableRandom rnd, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append('w').append(rnd.nextInt(1_000_000)).append(' ');
    }
    return sb.toString();
  }

  @Test
  void signatureIsMinOverShingleImages() {
    Shingler s = new Shingler(ShingleType.WORD, 1, Normalization.AS_IS, 3);
    MinHasher mh = new MinHasher(4, 99, s);
    long[] sig = mh.signature("x y z");
    long[] manual = new long[4];
    mh.reset(manual);
    s.forEachShingle("z y x", h -> mh.update(manual, h));
    assertArrayEquals(manual, sig); // order-independent: a set function
    // Repeated shingles do not change the signature.
    assertArrayEquals(sig, mh.signature("x y z x x y"));
  }

  @Test
  void deterministicAndSeeded() {
    String t = words(new SplittableRandom(1), 200);
    Shingler s = new Shingler(ShingleType.WORD, 5, Normalization.SLIMPAJAMA, 11);
    assertArrayEquals(new MinHasher(128, 5, s).signature(t), new MinHasher(128, 5, s).signature(t));
    assertFalse(
        Arrays.equals(
            new MinHasher(128, 5, s).signature(t), new MinHasher(128, 6, s).signature(t)));
    assertNull(new MinHasher(128, 5, s).signature("too short"));
    long[] reuse = new long[128];
    assertEquals(0, new MinHasher(128, 5, s).signature("", reuse));
  }

  @Test
  void estimateTracksExactJaccard() {
    SplittableRandom rnd = new SplittableRandom(2);
    Shingler s = new Shingler(ShingleType.WORD, 1, Normalization.AS_IS, 11);
    MinHasher mh = new MinHasher(256, 5, s);
    // 600 shared words, 200 + 200 distinct: Jaccard = 600 / 1000.
    String shared = words(rnd, 600);
    String a = shared + words(rnd, 200);
    String b = shared + words(rnd, 200);
    double exact = Jaccard.exact(Jaccard.shingleSet(a, s), Jaccard.shingleSet(b, s));
    assertEquals(0.6, exact, 0.01); // random ids may repeat a little
    double est = Jaccard.estimate(mh.signature(a), mh.signature(b));
    // 256 permutations: standard error sqrt(.24/256) ~ 0.031; allow ~3 sigma.
    assertTrue(Math.abs(est - exact) < 0.09, "estimate " + est + " vs exact " + exact);
  }

  @Test
  void exactJaccardOnHandSets() {
    assertEquals(2.0 / 4.0, Jaccard.exact(new long[] {1, 2, 3}, new long[] {2, 3, 4}), 1e-12);
    assertEquals(1.0, Jaccard.exact(new long[0], new long[0]), 0);
    assertEquals(0.0, Jaccard.exact(new long[] {1}, new long[] {2}), 0);
    assertEquals(0.5, Jaccard.estimate(new long[] {1, 2, 3, 4}, new long[] {1, 0, 3, 0}), 0);
  }
}
