package dev.slimspark.udfs.bert;

import dev.slimspark.udfs.onnx.Proto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The float32 weights of a BERT-family encoder ONNX graph (HuggingFace export: initializers named
 * after the PyTorch modules, except the Linear weights, which the exporter stores transposed as
 * {@code [in, out]} under generated names such as {@code onnx::MatMul_1525}); each of those is
 * named here after the MatMul node that reads it ({@code /encoder/layer.0/attention/self/query/
 * MatMul} gives {@code encoder.layer.0.attention.self.query.weight}), still {@code [in, out]}.
 * {@link #replaced} writes trained values back into the same graph, so the exported encoder is the
 * original graph with new numbers: whatever runs the original runs it.
 */
public final class BertWeights {
  private static final int FLOAT = 1;

  /** One weight: its values (row-major), shape and the initializer name in the graph. */
  public record Tensor(float[] data, long[] shape, String onnxName) {}

  private final Map<String, Tensor> byName;

  private BertWeights(Map<String, Tensor> byName) {
    this.byName = byName;
  }

  /** Module name (e.g. {@code encoder.layer.3.output.dense.bias}) to tensor, in graph order. */
  public Map<String, Tensor> tensors() {
    return byName;
  }

  /** The tensor named {@code name}; an absent one is an error naming it. */
  public Tensor get(String name) {
    Tensor t = byName.get(name);
    if (t == null) {
      throw new IllegalArgumentException(
          "the encoder graph has no float weight " + name + " (a BERT-family float32 export?)");
    }
    return t;
  }

  /** Encoder layers: the highest {@code encoder.layer.N} + 1. */
  public int layers() {
    int n = 0;
    while (byName.containsKey("encoder.layer." + n + ".output.dense.bias")) {
      n++;
    }
    return n;
  }

  /**
   * Reads the float initializers of {@code model}; an int8-quantized graph has no float Linear
   * weights and is refused by {@link #get} when a weight is asked for.
   */
  public static BertWeights read(byte[] model) {
    int[] graph = graphSpan(model);
    Map<String, String> matmulNames = matmulWeightNames(model, graph);
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (int[] s : Proto.spans(model, graph[0], graph[1], 5)) {
      Tensor t = tensor(model, s);
      if (t != null) {
        out.put(matmulNames.getOrDefault(t.onnxName(), t.onnxName()), t);
      }
    }
    return new BertWeights(out);
  }

  private static int[] graphSpan(byte[] model) {
    List<int[]> g = Proto.spans(model, 0, model.length, 7);
    if (g.size() != 1) {
      throw new IllegalArgumentException("not an ONNX model with one graph");
    }
    return g.get(0);
  }

  /** Initializer name of each MatMul weight to the module name of its node. */
  private static Map<String, String> matmulWeightNames(byte[] b, int[] graph) {
    Map<String, String> res = new HashMap<>();
    for (int[] s : Proto.spans(b, graph[0], graph[1], 1)) {
      List<Proto.Field> f = Proto.fields(b, s[0], s[1], -1);
      String op = null;
      String out = null;
      List<String> in = new ArrayList<>();
      for (Proto.Field x : f) {
        switch (x.number()) {
          case 1 -> in.add(x.string());
          case 2 -> out = out == null ? x.string() : out;
          case 4 -> op = x.string();
          default -> {}
        }
      }
      String suffix = "/MatMul_output_0";
      if ("MatMul".equals(op) && in.size() == 2 && out != null && out.endsWith(suffix)) {
        String module = out.substring(1, out.length() - suffix.length()).replace('/', '.');
        res.put(in.get(1), module + ".weight");
      }
    }
    return res;
  }

  /** A float initializer (raw_data or float_data), or null for other types. */
  private static Tensor tensor(byte[] b, int[] span) {
    List<Long> dims = new ArrayList<>();
    int type = 0;
    String name = null;
    byte[] raw = null;
    List<Proto.Field> fields = Proto.fields(b, span[0], span[1], -1);
    List<Float> floats = new ArrayList<>();
    for (Proto.Field x : fields) {
      switch (x.number()) {
        case 1 -> dims.add(x.varint());
        case 2 -> type = (int) x.varint();
        case 8 -> name = x.string();
        case 9 -> raw = x.bytes();
        case 4 -> {
          ByteBuffer bb = ByteBuffer.wrap(x.bytes()).order(ByteOrder.LITTLE_ENDIAN);
          while (bb.remaining() >= 4) {
            floats.add(bb.getFloat());
          }
        }
        default -> {}
      }
    }
    if (type != FLOAT || name == null) {
      return null;
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    float[] data;
    if (raw != null) {
      data = new float[raw.length / 4];
      ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
    } else {
      data = new float[floats.size()];
      for (int i = 0; i < data.length; i++) {
        data[i] = floats.get(i);
      }
    }
    return new Tensor(data, shape, name);
  }

  /**
   * {@code model} with the initializers of {@code values} (module name to values, same shapes)
   * replaced; every other byte of the graph is kept.
   */
  public byte[] replaced(byte[] model, Map<String, float[]> values) {
    Map<String, Tensor> byOnnx = new HashMap<>();
    Map<String, float[]> newByOnnx = new HashMap<>();
    values.forEach(
        (k, v) -> {
          Tensor t = get(k);
          if (v.length != t.data().length) {
            throw new IllegalArgumentException("size of " + k + " changed");
          }
          byOnnx.put(t.onnxName(), t);
          newByOnnx.put(t.onnxName(), v);
        });
    int[] graph = graphSpan(model);
    Proto.Writer g = new Proto.Writer();
    for (Proto.Raw f : Proto.raw(model, graph[0], graph[1])) {
      String name = f.number() == 5 ? initName(model, f) : null;
      if (name != null && newByOnnx.containsKey(name)) {
        g.msg(5, initializer(byOnnx.get(name), newByOnnx.get(name)));
      } else {
        g.rawField(model, f);
      }
    }
    Proto.Writer m = new Proto.Writer();
    for (Proto.Raw f : Proto.raw(model, 0, model.length)) {
      if (f.number() == 7) {
        m.msg(7, g);
      } else {
        m.rawField(model, f);
      }
    }
    return m.toByteArray();
  }

  private static String initName(byte[] b, Proto.Raw f) {
    List<Proto.Field> n = Proto.fields(b, f.payloadStart(), f.end(), 8);
    return n.isEmpty() ? null : n.get(0).string();
  }

  private static Proto.Writer initializer(Tensor t, float[] v) {
    Proto.Writer w = new Proto.Writer();
    for (long d : t.shape()) {
      w.i64(1, d);
    }
    w.i64(2, FLOAT);
    w.str(8, t.onnxName());
    ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bb.asFloatBuffer().put(v);
    w.bytes(9, bb.array());
    return w;
  }
}
