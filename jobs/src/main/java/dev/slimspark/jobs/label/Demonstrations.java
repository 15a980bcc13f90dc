package dev.slimspark.jobs.label;

import dev.slimspark.errors.UserErrors;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Picks the k demonstrations of one query from a labeled pool (shipped to executors). Every rule is
 * a pure function of (pool, seed, query id, query text, query embedding), so results do not depend
 * on partitioning or task order. A pool item with the query's id or the query's exact text (after
 * trimming) is never chosen: the pool may be the very data being labeled.
 *
 * <ul>
 *   <li>{@code random}: k distinct items, uniformly, from a generator seeded by (seed, query id).
 *   <li>{@code balanced}: floor(k / classes) per class, the k mod classes extra slots going to
 *       randomly chosen classes (counts differ by at most one), then shuffled; same seeding.
 *   <li>{@code knn}: the k pool items most cosine-similar to the query (sentence embeddings), ties
 *       by id; returned least similar first, so the most similar example sits right before the
 *       query.
 * </ul>
 *
 * Lists come back in prompt order. When the query itself is in a pool of exactly k items (or of a
 * class's quota), it gets one demonstration fewer rather than itself.
 */
final class Demonstrations implements Serializable {
  private static final long serialVersionUID = 1L;

  static final List<String> SELECTIONS = List.of("random", "balanced", "knn");

  private final String selection;
  private final int k;
  private final long seed;
  private final String[] ids;
  private final String[] texts;

  /** Label index of each pool item. */
  private final int[] labels;

  private final int classes;

  /** Unit-length embeddings (knn only, else null). */
  private final float[][] vectors;

  /** Pool items per class, in pool order. */
  private final int[][] byClass;

  Demonstrations(
      String selection,
      int k,
      long seed,
      String[] ids,
      String[] texts,
      int[] labels,
      List<String> names,
      float[][] vectors) {
    this.selection = selection;
    this.k = k;
    this.seed = seed;
    this.ids = ids;
    this.texts = texts;
    this.labels = labels;
    this.classes = names.size();
    this.vectors = vectors;
    int[] counts = new int[classes];
    for (int l : labels) {
      counts[l]++;
    }
    byClass = new int[classes][];
    for (int c = 0; c < classes; c++) {
      byClass[c] = new int[counts[c]];
      counts[c] = 0;
    }
    for (int i = 0; i < labels.length; i++) {
      byClass[labels[i]][counts[labels[i]]++] = i;
    }
    if (ids.length < k) {
      throw UserErrors.of(
          "The demonstration pool has "
              + ids.length
              + " usable examples, fewer than k = "
              + k
              + ".",
          "Each prompt needs k labeled examples from the pool (rows with empty text or no label are not usable).",
          "Lower k or use a larger pool.");
    }
    if (selection.equals("balanced") && k > 0) {
      int need = (k + classes - 1) / classes;
      List<String> short_ = new ArrayList<>();
      for (int c = 0; c < classes; c++) {
        if (byClass[c].length < need) {
          short_.add(names.get(c) + " (" + byClass[c].length + ")");
        }
      }
      if (!short_.isEmpty()) {
        throw UserErrors.of(
            "The demonstration pool lacks examples of " + short_ + " for balanced selection.",
            "balanced with k = "
                + k
                + " and "
                + classes
                + " classes needs up to "
                + need
                + " examples of every class.",
            "Add labeled examples of those classes to the pool, lower k, or use selection = \"random\".");
      }
    }
  }

  String id(int i) {
    return ids[i];
  }

  String text(int i) {
    return texts[i];
  }

  int label(int i) {
    return labels[i];
  }

  int size() {
    return ids.length;
  }

  /** The demonstrations of one query, as pool indices in prompt order. */
  List<Integer> select(String queryId, String queryText, float[] query) {
    if (k == 0) {
      return List.of();
    }
    String q = queryText == null ? "" : queryText.strip();
    java.util.function.IntPredicate self =
        i -> ids[i].equals(queryId) || texts[i].strip().equals(q);
    SplittableRandom rnd = new SplittableRandom(seed ^ (mix(queryId) * 0x9E3779B97F4A7C15L));
    switch (selection) {
      case "knn":
        int[] top = Nearest.topK(ids, vectors, query, k, self);
        List<Integer> out = new ArrayList<>(top.length);
        for (int j = top.length - 1; j >= 0; j--) {
          out.add(top[j]);
        }
        return out;
      case "balanced":
        int[] quota = new int[classes];
        int[] order = shuffled(classes, rnd);
        for (int c = 0; c < classes; c++) {
          quota[order[c]] = k / classes + (c < k % classes ? 1 : 0);
        }
        List<Integer> picked = new ArrayList<>(k);
        for (int c = 0; c < classes; c++) {
          picked.addAll(sample(byClass[c], quota[c], self, rnd));
        }
        // Shuffled so that classes are not presented in blocks (a known order bias).
        List<Integer> mixed = new ArrayList<>(picked.size());
        for (int i : shuffled(picked.size(), rnd)) {
          mixed.add(picked.get(i));
        }
        return mixed;
      default:
        int[] all = new int[ids.length];
        for (int i = 0; i < all.length; i++) {
          all[i] = i;
        }
        return sample(all, k, self, rnd);
    }
  }

  /**
   * Up to n items of {@code from}, skipping excluded ones, in random order (partial Fisher-Yates).
   */
  private static List<Integer> sample(
      int[] from, int n, java.util.function.IntPredicate skip, SplittableRandom rnd) {
    int[] a = from.clone();
    List<Integer> out = new ArrayList<>(n);
    for (int i = 0; i < a.length && out.size() < n; i++) {
      int j = i + rnd.nextInt(a.length - i);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
      if (!skip.test(a[i])) {
        out.add(a[i]);
      }
    }
    return out;
  }

  private static int[] shuffled(int n, SplittableRandom rnd) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** 64-bit FNV-1a of the id's UTF-8 bytes: stable across JVMs (unlike identity hashes). */
  private static long mix(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
