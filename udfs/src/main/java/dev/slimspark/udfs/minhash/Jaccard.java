package dev.slimspark.udfs.minhash;

import java.util.Arrays;

/** Jaccard similarity: estimated from signatures, or exact over hashed shingle sets. */
public final class Jaccard {
  private Jaccard() {}

  /** Fraction of positions where the two signatures agree: unbiased estimate of Jaccard. */
  public static double estimate(long[] x, long[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException(
          "signature lengths differ: " + x.length + " vs " + y.length);
    }
    int eq = 0;
    for (int i = 0; i < x.length; i++) {
      if (x[i] == y[i]) {
        eq++;
      }
    }
    return (double) eq / x.length;
  }

  /**
   * Sorted distinct shingle hashes of {@code text}. Memory is 8 bytes per shingle occurrence while
   * building, so callers bound the text length (see the jobs' exactVerifyMaxChars).
   */
  public static long[] shingleSet(CharSequence text, Shingler shingler) {
    LongBuf buf = new LongBuf();
    shingler.forEachShingle(text, buf::add);
    long[] v = Arrays.copyOf(buf.values, buf.size);
    Arrays.sort(v);
    int k = 0;
    for (int i = 0; i < v.length; i++) {
      if (i == 0 || v[i] != v[i - 1]) {
        v[k++] = v[i];
      }
    }
    return Arrays.copyOf(v, k);
  }

  /**
   * Exact Jaccard of two sorted distinct sets (64-bit hash collisions aside). Two empty sets are
   * defined as similarity 1.
   */
  public static double exact(long[] a, long[] b) {
    if (a.length == 0 && b.length == 0) {
      return 1.0;
    }
    int i = 0;
    int j = 0;
    int inter = 0;
    while (i < a.length && j < b.length) {
      if (a[i] == b[j]) {
        inter++;
        i++;
        j++;
      } else if (a[i] < b[j]) {
        i++;
      } else {
        j++;
      }
    }
    return (double) inter / (a.length + b.length - inter);
  }

  private static final class LongBuf {
    long[] values = new long[256];
    int size;

    void add(long v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, values.length * 2);
      }
      values[size++] = v;
    }
  }
}
