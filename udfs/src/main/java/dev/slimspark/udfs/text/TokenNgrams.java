package dev.slimspark.udfs.text;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lexical features over an encoder's own token ids: every token id is a unigram term, and every
 * adjacent pair (a, b) is a bigram term hashed into {@code buckets} slots after the vocabulary:
 * {@code vocab + floorMod(a * PRIME + b, buckets)}. Cues such as "beats", "downgrade", "cut to" or
 * a cashtag's word pieces are what a frozen sentence encoder blurs on financial headlines; these
 * features give a linear head direct access to them.
 *
 * <p>Value of a term: (1 + ln count) × idf[term] (sublinear tf-idf), and the text's whole vector is
 * L2-normalized (norm floored at 1e-12). Terms with idf 0 (never seen in training) contribute
 * nothing. The idf of a term seen in {@code df} of {@code n} training texts is {@code ln((1 + n) /
 * (1 + df)) + 1}.
 *
 * <p>Everything here is defined on token ids (special tokens included), so the same features can be
 * computed inside an ONNX graph from {@code input_ids} and {@code attention_mask}; {@code
 * dev.slimspark.udfs.onnx.ClassifierGraph} does exactly that, and this class is its reference.
 */
public final class TokenNgrams implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Multiplier of the bigram hash (a prime above any vocabulary size in use). */
  public static final long PRIME = 1_000_003L;

  private final int vocab;
  private final int buckets;

  public TokenNgrams(int vocab, int buckets) {
    if (vocab < 1 || buckets < 1) {
      throw new IllegalArgumentException(
          "vocab and buckets must be >= 1, got " + vocab + ", " + buckets);
    }
    this.vocab = vocab;
    this.buckets = buckets;
  }

  public int vocab() {
    return vocab;
  }

  public int buckets() {
    return buckets;
  }

  /** Number of terms (vocab + bigram buckets): the length of the idf and weight rows. */
  public int dims() {
    return vocab + buckets;
  }

  /**
   * The id space of a HuggingFace {@code tokenizer.json}: 1 + the largest id of its model
   * vocabulary ({@code model.vocab}, an object of token → id or a list of [token, score]) and added
   * tokens.
   */
  public static int vocabSize(java.nio.file.Path tokenizerJson) throws java.io.IOException {
    com.fasterxml.jackson.databind.JsonNode root =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(tokenizerJson.toFile());
    long max = -1;
    com.fasterxml.jackson.databind.JsonNode vocab = root.path("model").path("vocab");
    if (vocab.isObject()) {
      for (com.fasterxml.jackson.databind.JsonNode id : vocab) {
        max = Math.max(max, id.asLong());
      }
    } else if (vocab.isArray()) {
      max = vocab.size() - 1;
    }
    for (com.fasterxml.jackson.databind.JsonNode t : root.path("added_tokens")) {
      max = Math.max(max, t.path("id").asLong(-1));
    }
    if (max < 0) {
      throw new java.io.IOException(tokenizerJson + " has no model.vocab");
    }
    return (int) (max + 1);
  }

  /** Term → count for one text's ids (ids outside the vocabulary are skipped), terms ascending. */
  public TreeMap<Integer, Integer> termCounts(long[] ids) {
    TreeMap<Integer, Integer> c = new TreeMap<>();
    for (int t = 0; t < ids.length; t++) {
      if (ids[t] >= 0 && ids[t] < vocab) {
        c.merge((int) ids[t], 1, Integer::sum);
      }
      if (t + 1 < ids.length) {
        c.merge(
            vocab + (int) Math.floorMod(ids[t] * PRIME + ids[t + 1], (long) buckets),
            1,
            Integer::sum);
      }
    }
    return c;
  }

  /** Smoothed idf of a term seen in {@code df} of {@code n} training texts. */
  public static double idf(long n, long df) {
    return Math.log((1.0 + n) / (1.0 + df)) + 1.0;
  }

  /**
   * The L2-normalized sublinear tf-idf vector of {@code ids}; {@code idf} has {@link #dims}
   * entries.
   */
  public Sparse vector(long[] ids, float[] idf) {
    TreeMap<Integer, Integer> counts = termCounts(ids);
    int[] idx = new int[counts.size()];
    double[] val = new double[counts.size()];
    int k = 0;
    double norm = 0;
    for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
      double v = (1.0 + Math.log(e.getValue())) * idf[e.getKey()];
      if (v != 0) {
        idx[k] = e.getKey();
        val[k] = v;
        norm += v * v;
        k++;
      }
    }
    norm = Math.max(Math.sqrt(norm), 1e-12);
    int[] i2 = java.util.Arrays.copyOf(idx, k);
    double[] v2 = java.util.Arrays.copyOf(val, k);
    for (int j = 0; j < k; j++) {
      v2[j] /= norm;
    }
    return new Sparse(i2, v2);
  }

  /** A sparse vector: ascending indices and their values. */
  public record Sparse(int[] indices, double[] values) implements Serializable {
    /** Dot product with a dense row. */
    public double dot(float[] w) {
      double s = 0;
      for (int j = 0; j < indices.length; j++) {
        s += w[indices[j]] * values[j];
      }
      return s;
    }
  }
}
