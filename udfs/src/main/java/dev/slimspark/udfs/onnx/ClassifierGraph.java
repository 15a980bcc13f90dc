package dev.slimspark.udfs.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a BERT-family encoder ONNX graph (inputs {@code input_ids}, {@code attention_mask}, output
 * hidden states {@code [batch, seq, hidden]}) into a HuggingFace-style sequence classifier with a
 * {@code logits} output {@code [batch, classes]}, without Python or an ONNX library.
 *
 * <p>How: protobuf merge semantics. A serialized {@code ModelProto} holding only {@code graph {node
 * ..., initializer ..., output ...}} appended to the encoder's bytes is parsed as one model whose
 * graph's repeated fields are the concatenation of both. The appended nodes read the encoder's
 * output and inputs and come after its nodes, so the graph stays topologically sorted.
 *
 * <p>The appended head computes, for each text:
 *
 * <pre>
 *   pooled  = mean of hidden over attention_mask   (pooling "mean"; or hidden[:, 0] for "cls")
 *   z       = pooled / max(||pooled||2, 1e-12)
 *   logits  = z · Wemb^T + lex · Wlex^T + b
 * </pre>
 *
 * where {@code lex} (optional) is the L2-normalized sublinear tf-idf vector of the token unigrams
 * and hashed token bigrams of {@code input_ids} defined by {@code
 * dev.slimspark.udfs.text.TokenNgrams}. Per-term counts are computed in the graph by comparing
 * every term with every other term of the text ({@code [batch, T, T]}, T = 2·seq − 1), which is
 * cheap at sentence lengths. Works for opset 10 and later (Unsqueeze/ReduceSum take axes as
 * attributes before opset 13, as inputs from 13).
 */
public final class ClassifierGraph {
  private static final String P = "slimspark_head/";
  private static final int FLOAT = 1;
  private static final int INT64 = 7;

  private final long opset;
  private final List<Proto.Writer> nodes = new ArrayList<>();
  private final List<Proto.Writer> inits = new ArrayList<>();
  private int seq;

  private ClassifierGraph(long opset) {
    if (opset < 10) {
      throw new IllegalArgumentException(
          "encoder opset "
              + opset
              + " is below 10 (Slice/Mod inputs); re-export it with opset >= 10");
    }
    this.opset = opset;
  }

  /** Token n-gram part of the head: term space size, bigram layout, idf and weights per term. */
  public record Lexical(int vocab, int buckets, long prime, float[] idf, float[][] weights) {}

  /**
   * The encoder model with the head appended.
   *
   * @param encoder the encoder's ONNX bytes
   * @param pooling "mean" or "cls"
   * @param wEmb weights [classes][hidden] on the L2-normalized pooled embedding
   * @param bias [classes]
   * @param lex token n-gram part, or null
   */
  public static byte[] append(
      byte[] encoder, String pooling, float[][] wEmb, float[] bias, Lexical lex) {
    OnnxModelInfo info = OnnxModelInfo.of(encoder);
    for (String need : List.of("input_ids", "attention_mask")) {
      if (!info.inputs().contains(need)) {
        throw new IllegalArgumentException(
            "encoder graph has no input " + need + " (inputs: " + info.inputs() + ")");
      }
    }
    if (info.outputs().contains("logits")) {
      throw new IllegalArgumentException("encoder graph already has a logits output");
    }
    String hidden =
        info.outputs().contains("last_hidden_state") ? "last_hidden_state" : info.outputs().get(0);
    ClassifierGraph g = new ClassifierGraph(info.opset());
    int classes = bias.length;
    String logits = g.head(hidden, pooling, wEmb, bias, lex);
    Proto.Writer graph = new Proto.Writer();
    for (Proto.Writer n : g.nodes) {
      graph.msg(1, n);
    }
    for (Proto.Writer t : g.inits) {
      graph.msg(5, t);
    }
    Proto.Writer dimB = new Proto.Writer().str(2, "batch_size");
    Proto.Writer dimC = new Proto.Writer().i64(1, classes);
    Proto.Writer shape = new Proto.Writer().msg(1, dimB).msg(1, dimC);
    Proto.Writer tensorType = new Proto.Writer().i64(1, FLOAT).msg(2, shape);
    Proto.Writer type = new Proto.Writer().msg(1, tensorType);
    graph.msg(12, new Proto.Writer().str(1, logits).msg(2, type));
    byte[] tail = new Proto.Writer().msg(7, graph).toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream(encoder.length + tail.length);
    out.write(encoder, 0, encoder.length);
    out.write(tail, 0, tail.length);
    return out.toByteArray();
  }

  private String head(String hidden, String pooling, float[][] wEmb, float[] bias, Lexical lex) {
    int classes = bias.length;
    int h = wEmb[0].length;
    String maskF = op("Cast", List.of("attention_mask"), intAttr("to", FLOAT));
    String pooled;
    if (pooling.equals("mean")) {
      String mask3 = unsqueeze(maskF, 2);
      String sum = reduceSum(op("Mul", List.of(hidden, mask3)), 1, false);
      String n = reduceSum(mask3, 1, false);
      pooled = op("Div", List.of(sum, n));
    } else if (pooling.equals("cls")) {
      pooled =
          op("Gather", List.of(hidden, constI64(new long[] {0}, new long[0])), intAttr("axis", 1));
    } else {
      throw new IllegalArgumentException("pooling must be mean or cls, got " + pooling);
    }
    String z = l2normalize(pooled, 1);
    float[] wt = new float[h * classes];
    for (int c = 0; c < classes; c++) {
      for (int k = 0; k < h; k++) {
        wt[k * classes + c] = wEmb[c][k];
      }
    }
    String out = op("MatMul", List.of(z, constF(wt, new long[] {h, classes})));
    if (lex != null) {
      out = op("Add", List.of(out, lexical(maskF, lex, classes)));
    }
    return op("Add", List.of(out, constF(bias, new long[] {classes})), "logits");
  }

  /** x / max(||x||2 over axis, 1e-12), keeping dims for broadcasting. */
  private String l2normalize(String x, int axis) {
    String ss = reduceSum(op("Mul", List.of(x, x)), axis, true);
    String norm =
        op("Max", List.of(op("Sqrt", List.of(ss)), constF(new float[] {1e-12f}, new long[0])));
    return op("Div", List.of(x, norm));
  }

  private String lexical(String maskF, Lexical lex, int classes) {
    int dims = lex.vocab() + lex.buckets();
    String ids = "input_ids";
    String cur = slice(ids, 0, -1);
    String nxt = slice(ids, 1, Long.MAX_VALUE);
    String mixed =
        op(
            "Add",
            List.of(op("Mul", List.of(cur, constI64(new long[] {lex.prime()}, new long[0]))), nxt));
    String modded =
        op(
            "Mod",
            List.of(mixed, constI64(new long[] {lex.buckets()}, new long[0])),
            intAttr("fmod", 0));
    String bi = op("Add", List.of(modded, constI64(new long[] {lex.vocab()}, new long[0])));
    String terms = op("Concat", List.of(ids, bi), intAttr("axis", 1));
    String tmask =
        op("Concat", List.of(maskF, slice(maskF, 1, Long.MAX_VALUE)), intAttr("axis", 1));
    String eq =
        op(
            "Cast",
            List.of(op("Equal", List.of(unsqueeze(terms, 2), unsqueeze(terms, 1)))),
            intAttr("to", FLOAT));
    String count = reduceSum(op("Mul", List.of(eq, unsqueeze(tmask, 1))), 2, false);
    String one = constF(new float[] {1f}, new long[0]);
    String cc = op("Max", List.of(count, one));
    float[] idf = lex.idf();
    String idfT = op("Gather", List.of(constF(idf, new long[] {dims}), terms), intAttr("axis", 0));
    // v: the (1 + ln count) * idf value of the token's term, the same for each occurrence.
    String v = op("Mul", List.of(op("Add", List.of(op("Log", List.of(cc)), one)), idfT));
    // ||lex||^2 = sum over tokens of v^2 / count (each term is counted once overall).
    String norm2 =
        reduceSum(
            op("Mul", List.of(op("Div", List.of(op("Mul", List.of(v, v)), cc)), tmask)), 1, true);
    String norm =
        op("Max", List.of(op("Sqrt", List.of(norm2)), constF(new float[] {1e-12f}, new long[0])));
    String g = op("Div", List.of(op("Mul", List.of(op("Div", List.of(v, cc)), tmask)), norm));
    float[] wt = new float[dims * classes];
    for (int c = 0; c < classes; c++) {
      for (int k = 0; k < dims; k++) {
        wt[k * classes + c] = lex.weights()[c][k];
      }
    }
    String wTok =
        op("Gather", List.of(constF(wt, new long[] {dims, classes}), terms), intAttr("axis", 0));
    return reduceSum(op("Mul", List.of(wTok, unsqueeze(g, 2))), 1, false);
  }

  private String slice(String x, long start, long end) {
    return op(
        "Slice",
        List.of(
            x,
            constI64(new long[] {start}, new long[] {1}),
            constI64(new long[] {end}, new long[] {1}),
            constI64(new long[] {1}, new long[] {1})));
  }

  private String unsqueeze(String x, long axis) {
    if (opset >= 13) {
      return op("Unsqueeze", List.of(x, constI64(new long[] {axis}, new long[] {1})));
    }
    return op("Unsqueeze", List.of(x), intsAttr("axes", axis));
  }

  private String reduceSum(String x, long axis, boolean keep) {
    Proto.Writer kd = intAttr("keepdims", keep ? 1 : 0);
    if (opset >= 13) {
      return op("ReduceSum", List.of(x, constI64(new long[] {axis}, new long[] {1})), kd);
    }
    return op("ReduceSum", List.of(x), intsAttr("axes", axis), kd);
  }

  private String op(String type, List<String> inputs, Proto.Writer... attrs) {
    return op(type, inputs, null, attrs);
  }

  private String op(String type, List<String> inputs, String output, Proto.Writer... attrs) {
    String name = P + type + "_" + (seq++);
    String out = output != null ? output : name + ":0";
    Proto.Writer n = new Proto.Writer();
    for (String i : inputs) {
      n.str(1, i);
    }
    n.str(2, out).str(3, name).str(4, type);
    for (Proto.Writer a : attrs) {
      n.msg(5, a);
    }
    nodes.add(n);
    return out;
  }

  private static Proto.Writer intAttr(String name, long v) {
    return new Proto.Writer().str(1, name).i64(3, v).i64(20, 2);
  }

  private static Proto.Writer intsAttr(String name, long... v) {
    Proto.Writer a = new Proto.Writer().str(1, name);
    for (long x : v) {
      a.i64(8, x);
    }
    return a.i64(20, 7);
  }

  private String constF(float[] v, long[] dims) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return init(FLOAT, dims, b.array());
  }

  private String constI64(long[] v, long[] dims) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : v) {
      b.putLong(x);
    }
    return init(INT64, dims, b.array());
  }

  private String init(int type, long[] dims, byte[] raw) {
    String name = P + "const_" + (seq++);
    Proto.Writer t = new Proto.Writer();
    for (long d : dims) {
      t.i64(1, d);
    }
    t.i64(2, type).str(8, name).bytes(9, raw);
    inits.add(t);
    return name;
  }
}
