package dev.slimspark.udfs.bert;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A BERT encoder (post-LayerNorm, GELU, absolute positions: BERT, MiniLM, BGE) written with DJL
 * NDArray operations on the PyTorch engine, so its weights can be trained with autograd. It holds
 * the float weights of a {@link BertWeights} under their module names; Linear weights stay {@code
 * [in, out]} as the ONNX graph stores them, so they go back unchanged ({@link #values}).
 *
 * <p>Not thread-safe: one trainer owns it. Risks: the head count is not stored in the graph and is
 * inferred as hidden / 32 for hidden 384 (MiniLM, BGE-small) and hidden / 64 otherwise (BERT-base
 * and -large); the equality test against the ONNX encoder is what proves a graph is read right.
 */
public final class BertEncoder implements AutoCloseable {
  /** BERT's LayerNorm epsilon. */
  static final float EPS = 1e-12f;

  private final NDManager manager;
  private final Map<String, NDArray> params = new LinkedHashMap<>();
  private final int layers;
  private final int hidden;
  private final int heads;

  /** Loads {@code w} into a new PyTorch NDManager on {@code device}. */
  public BertEncoder(BertWeights w, Device device) {
    this.manager = NDManager.newBaseManager(device, Torch.ENGINE);
    this.layers = w.layers();
    for (Map.Entry<String, BertWeights.Tensor> e : w.tensors().entrySet()) {
      String name = e.getKey();
      if (name.startsWith("embeddings.") || name.startsWith("encoder.layer.")) {
        BertWeights.Tensor t = e.getValue();
        params.put(name, manager.create(t.data(), new Shape(t.shape())));
      }
    }
    w.get("embeddings.word_embeddings.weight");
    this.hidden = (int) params.get("embeddings.LayerNorm.weight").getShape().get(0);
    this.heads = hidden == 384 ? hidden / 32 : hidden / 64;
    for (int i = 0; i < layers; i++) {
      w.get(layer(i) + "attention.self.query.weight");
    }
  }

  private static String layer(int i) {
    return "encoder.layer." + i + ".";
  }

  public int layers() {
    return layers;
  }

  public int hidden() {
    return hidden;
  }

  public NDManager manager() {
    return manager;
  }

  /** Every weight by module name (the live arrays: training updates them in place). */
  public Map<String, NDArray> params() {
    return params;
  }

  /** The names of the weights of the top {@code n} layers (all weights when n >= layers). */
  public java.util.List<String> topLayerParams(int n) {
    if (n >= layers) {
      return java.util.List.copyOf(params.keySet());
    }
    java.util.List<String> res = new java.util.ArrayList<>();
    for (String k : params.keySet()) {
      for (int i = layers - n; i < layers; i++) {
        if (k.startsWith(layer(i))) {
          res.add(k);
        }
      }
    }
    return res;
  }

  /** The current weights as float arrays, by module name (for {@link BertWeights#replaced}). */
  public Map<String, float[]> values() {
    Map<String, float[]> res = new LinkedHashMap<>();
    params.forEach((k, v) -> res.put(k, v.toFloatArray()));
    return res;
  }

  /**
   * Last hidden states {@code [batch, seq, hidden]} of {@code ids} {@code [batch, seq]} (int64)
   * with {@code mask} (1 = token, 0 = padding; int64 or float); token types are all 0.
   */
  public NDArray forward(NDArray ids, NDArray mask) {
    long b = ids.getShape().get(0);
    long t = ids.getShape().get(1);
    NDArray x =
        p("embeddings.word_embeddings.weight")
            .get(new NDIndex("{}", ids.flatten()))
            .reshape(b, t, hidden)
            .add(p("embeddings.position_embeddings.weight").get(new NDIndex("0:{}", t)))
            .add(p("embeddings.token_type_embeddings.weight").get(0));
    x = layerNorm(x, "embeddings.LayerNorm");
    // Additive mask: 0 where attended, very negative on padding, broadcast over heads and queries.
    NDArray bias =
        mask.toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
            .neg()
            .add(1)
            .mul(-1e9f)
            .reshape(b, 1, 1, t);
    for (int i = 0; i < layers; i++) {
      x = block(x, bias, layer(i), b, t);
    }
    return x;
  }

  private NDArray block(NDArray x, NDArray bias, String l, long b, long t) {
    int hd = hidden / heads;
    NDArray q = split(linear(x, l + "attention.self.query"), b, t, hd);
    NDArray k = split(linear(x, l + "attention.self.key"), b, t, hd);
    NDArray v = split(linear(x, l + "attention.self.value"), b, t, hd);
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).div((float) Math.sqrt(hd)).add(bias);
    NDArray ctx = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, hidden);
    NDArray a =
        layerNorm(
            linear(ctx, l + "attention.output.dense").add(x), l + "attention.output.LayerNorm");
    NDArray f = gelu(linear(a, l + "intermediate.dense"));
    return layerNorm(linear(f, l + "output.dense").add(a), l + "output.LayerNorm");
  }

  private NDArray split(NDArray x, long b, long t, int hd) {
    return x.reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
  }

  private NDArray linear(NDArray x, String module) {
    return x.matMul(p(module + ".weight")).add(p(module + ".bias"));
  }

  private NDArray layerNorm(NDArray x, String module) {
    return x.getNDArrayInternal()
        .layerNorm(x, new Shape(hidden), p(module + ".weight"), p(module + ".bias"), EPS)
        .singletonOrThrow();
  }

  /** Exact GELU, as BERT's exports compute it (with Erf). */
  private static NDArray gelu(NDArray x) {
    return x.mul(0.5f).mul(x.div((float) Math.sqrt(2)).erf().add(1));
  }

  private NDArray p(String name) {
    NDArray a = params.get(name);
    if (a == null) {
      throw new IllegalArgumentException("the encoder graph has no weight " + name);
    }
    return a;
  }

  /**
   * Pooled, L2-normalized embeddings {@code [batch, hidden]}: the first token ("cls") or the mean
   * over {@code mask} ("mean"), as the encoder path of labeling pools.
   */
  public static NDArray pool(NDArray hidden, NDArray mask, String pooling) {
    NDArray pooled;
    if (pooling.equals("cls")) {
      pooled = hidden.get(new NDIndex(":, 0, :"));
    } else {
      NDArray m = mask.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).expandDims(-1);
      pooled = hidden.mul(m).sum(new int[] {1}).div(m.sum(new int[] {1}).maximum(1e-9f));
    }
    NDArray norm = pooled.square().sum(new int[] {1}, true).sqrt().maximum(1e-12f);
    return pooled.div(norm);
  }

  /**
   * Token id and mask arrays {@code [batch, longest]} of {@code ids} (one array per text, special
   * tokens included), padded with id 0 ([PAD] in BERT vocabularies) under mask 0.
   */
  public static ai.djl.ndarray.NDList batch(NDManager m, java.util.List<long[]> ids) {
    int t = 1;
    for (long[] x : ids) {
      t = Math.max(t, x.length);
    }
    long[] flat = new long[ids.size() * t];
    long[] mask = new long[flat.length];
    for (int i = 0; i < ids.size(); i++) {
      long[] x = ids.get(i);
      System.arraycopy(x, 0, flat, i * t, x.length);
      java.util.Arrays.fill(mask, i * t, i * t + x.length, 1L);
    }
    Shape s = new Shape(ids.size(), t);
    return new ai.djl.ndarray.NDList(m.create(flat, s), m.create(mask, s));
  }

  @Override
  public void close() {
    manager.close();
  }
}
