package dev.slimspark.jobs.label;

import java.util.function.IntPredicate;

/**
 * Exact brute-force nearest neighbours by dot product (cosine for unit vectors), shared by knn
 * labelers.
 */
final class Nearest {
  private Nearest() {}

  /**
   * Indices of the (at most) k items most similar to {@code q}, most similar first; ties broken by
   * the smaller id so the result never depends on pool order. Items where {@code skip} holds are
   * never returned. O(n * dim).
   */
  static int[] topK(String[] ids, float[][] vectors, float[] q, int k, IntPredicate skip) {
    int n = ids.length;
    int[] top = new int[Math.min(k, n)];
    double[] sim = new double[top.length];
    int size = 0;
    for (int i = 0; i < n && top.length > 0; i++) {
      if (skip.test(i)) {
        continue;
      }
      double s = dot(vectors[i], q);
      if (size < top.length || better(s, ids[i], sim[size - 1], ids[top[size - 1]])) {
        int j = size < top.length ? size++ : size - 1;
        // Insertion into the sorted top list (k is small).
        while (j > 0 && better(s, ids[i], sim[j - 1], ids[top[j - 1]])) {
          top[j] = top[j - 1];
          sim[j] = sim[j - 1];
          j--;
        }
        top[j] = i;
        sim[j] = s;
      }
    }
    return java.util.Arrays.copyOf(top, size);
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int d = 0; d < a.length; d++) {
      s += a[d] * b[d];
    }
    return s;
  }

  private static boolean better(double s, String id, double s2, String id2) {
    return s > s2 || (s == s2 && id.compareTo(id2) < 0);
  }
}
