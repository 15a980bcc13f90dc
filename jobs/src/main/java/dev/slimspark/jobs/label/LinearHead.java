package dev.slimspark.jobs.label;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimspark.udfs.onnx.ClassifierGraph;
import dev.slimspark.udfs.text.TokenNgrams;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The classification head that {@code finetune} trains, in plain Java: logits = Wemb · z + Wlex ·
 * lex + b, where z is the encoder's L2-normalized pooled embedding and lex the optional token
 * n-gram tf-idf vector ({@link TokenNgrams}). It is the reference the exported ONNX graph ({@link
 * #toOnnx}) must match, and what {@code finetune} scores its holdout with.
 *
 * <p>{@code head.json}: {@code labels}, {@code pooling}, {@code weights[class][hidden]}, {@code
 * bias}, and when lexical features are on {@code lexical {vocab, buckets, prime, terms[], idf[],
 * weights[class][]}}, listing only the terms seen in training (every other term has idf 0 and adds
 * nothing).
 */
public final class LinearHead implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<String> labels;
  private final String pooling;
  private final float[][] wEmb;
  private final float[] bias;
  private final TokenNgrams ngrams;
  private final float[] idf;
  private final float[][] wLex;

  /**
   * @param ngrams null for an embedding-only head (then idf and wLex are null too)
   */
  public LinearHead(
      List<String> labels,
      String pooling,
      float[][] wEmb,
      float[] bias,
      TokenNgrams ngrams,
      float[] idf,
      float[][] wLex) {
    this.labels = List.copyOf(labels);
    this.pooling = pooling;
    this.wEmb = wEmb;
    this.bias = bias;
    this.ngrams = ngrams;
    this.idf = idf;
    this.wLex = wLex;
  }

  public List<String> labels() {
    return labels;
  }

  public String pooling() {
    return pooling;
  }

  public int hidden() {
    return wEmb[0].length;
  }

  public TokenNgrams ngrams() {
    return ngrams;
  }

  /**
   * Raw class scores of one text from its pooled embedding and token ids (ids unused without
   * n-grams).
   */
  public double[] logits(float[] embedding, long[] ids) {
    double[] z = new double[bias.length];
    TokenNgrams.Sparse lex = ngrams == null ? null : ngrams.vector(ids, idf);
    for (int c = 0; c < z.length; c++) {
      double s = bias[c];
      for (int k = 0; k < embedding.length; k++) {
        s += wEmb[c][k] * embedding[k];
      }
      if (lex != null) {
        s += lex.dot(wLex[c]);
      }
      z[c] = s;
    }
    return z;
  }

  /**
   * The encoder graph with this head appended: a HuggingFace-style classifier with a logits output.
   */
  public byte[] toOnnx(byte[] encoderOnnx) {
    ClassifierGraph.Lexical lex =
        ngrams == null
            ? null
            : new ClassifierGraph.Lexical(
                ngrams.vocab(), ngrams.buckets(), TokenNgrams.PRIME, idf, wLex);
    return ClassifierGraph.append(encoderOnnx, pooling, wEmb, bias, lex);
  }

  /** head.json content (see class doc). */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("labels", labels);
    m.put("pooling", pooling);
    m.put("weights", wEmb);
    m.put("bias", bias);
    if (ngrams != null) {
      List<Integer> terms = new ArrayList<>();
      for (int t = 0; t < idf.length; t++) {
        if (idf[t] != 0) {
          terms.add(t);
        }
      }
      float[] tIdf = new float[terms.size()];
      float[][] tW = new float[wLex.length][terms.size()];
      for (int j = 0; j < terms.size(); j++) {
        tIdf[j] = idf[terms.get(j)];
        for (int c = 0; c < wLex.length; c++) {
          tW[c][j] = wLex[c][terms.get(j)];
        }
      }
      Map<String, Object> lx = new LinkedHashMap<>();
      lx.put("vocab", ngrams.vocab());
      lx.put("buckets", ngrams.buckets());
      lx.put("prime", TokenNgrams.PRIME);
      lx.put("terms", terms);
      lx.put("idf", tIdf);
      lx.put("weights", tW);
      m.put("lexical", lx);
    }
    return m;
  }

  /** Reads head.json. */
  public static LinearHead read(Path file, ObjectMapper json) throws IOException {
    JsonNode n = json.readTree(file.toFile());
    List<String> labels = new ArrayList<>();
    n.get("labels").forEach(x -> labels.add(x.asText()));
    float[][] w = json.treeToValue(n.get("weights"), float[][].class);
    float[] b = json.treeToValue(n.get("bias"), float[].class);
    JsonNode lx = n.get("lexical");
    if (lx == null || lx.isNull()) {
      return new LinearHead(labels, n.get("pooling").asText(), w, b, null, null, null);
    }
    if (lx.get("prime").asLong() != TokenNgrams.PRIME) {
      throw new IOException(
          file + ": lexical.prime " + lx.get("prime") + " is not " + TokenNgrams.PRIME);
    }
    TokenNgrams ng = new TokenNgrams(lx.get("vocab").asInt(), lx.get("buckets").asInt());
    int[] terms = json.treeToValue(lx.get("terms"), int[].class);
    float[] tIdf = json.treeToValue(lx.get("idf"), float[].class);
    float[][] tW = json.treeToValue(lx.get("weights"), float[][].class);
    float[] idf = new float[ng.dims()];
    float[][] wLex = new float[tW.length][ng.dims()];
    for (int j = 0; j < terms.length; j++) {
      idf[terms[j]] = tIdf[j];
      for (int c = 0; c < tW.length; c++) {
        wLex[c][terms[j]] = tW[c][j];
      }
    }
    return new LinearHead(labels, n.get("pooling").asText(), w, b, ng, idf, wLex);
  }
}
