package dev.slimspark.udfs.minhash;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * MinHash signatures of numPerm values from one 64-bit base hash per shingle.
 *
 * <p>Permutation i is {@code h_i(x) = a_i * x + b_i (mod 2^64)} with odd {@code a_i}: a bijection
 * on 64-bit values, cheap enough (one multiply-add-min per permutation) to reach the throughput
 * target. The base hashes are already avalanched by {@link Hash64#fmix}, which is what makes the
 * affine family behave min-wise in practice (checked against the S-curve in tests). Minima are
 * taken in signed order: any fixed total order is valid for MinHash and signed min vectorizes.
 *
 * <p>Coefficients come from {@link SplittableRandom} seeded with {@code seed}: same seed, same
 * signatures on every JVM. Not thread-safe (the Shingler is reused); one instance per partition.
 */
public final class MinHasher {
  private final int numPerm;
  private final long[] a;
  private final long[] b;
  private final Shingler shingler;

  public MinHasher(int numPerm, long seed, Shingler shingler) {
    if (numPerm < 1) {
      throw new IllegalArgumentException("numPerm must be >= 1: " + numPerm);
    }
    this.numPerm = numPerm;
    this.shingler = shingler;
    this.a = new long[numPerm];
    this.b = new long[numPerm];
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < numPerm; i++) {
      a[i] = rnd.nextLong() | 1L;
      b[i] = rnd.nextLong();
    }
  }

  public int numPerm() {
    return numPerm;
  }

  public Shingler shingler() {
    return shingler;
  }

  /** Resets {@code sig} to the empty-set signature. */
  public void reset(long[] sig) {
    Arrays.fill(sig, 0, numPerm, Long.MAX_VALUE);
  }

  /** Folds one shingle hash into {@code sig}. */
  public void update(long[] sig, long x) {
    final long[] aa = a;
    final long[] bb = b;
    for (int i = 0; i < numPerm; i++) {
      sig[i] = Math.min(sig[i], aa[i] * x + bb[i]);
    }
  }

  /**
   * Computes the signature of {@code text} into {@code sig} (reused by the caller).
   *
   * @return the number of shingles; 0 means the document is shorter than one shingle and {@code
   *     sig} holds the meaningless empty-set signature
   */
  public int signature(CharSequence text, long[] sig) {
    reset(sig);
    return shingler.forEachShingle(text, x -> update(sig, x));
  }

  /** Convenience: a fresh signature array, or null for a document with no shingle. */
  public long[] signature(CharSequence text) {
    long[] sig = new long[numPerm];
    return signature(text, sig) == 0 ? null : sig;
  }
}
