package dev.slimspark.jobs.label;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test fixture: tiny ONNX language models with known weights, written from Java (a minimal protobuf
 * encoder for the few ONNX messages needed), plus a word-level {@code tokenizer.json}.
 *
 * <ul>
 *   <li>Decoder-only "bigram" LM: {@code logits[b,t,:] = (W[ids[b,t]] + P[pos[b,t]]) * mask[b,t]}
 *       where pos is the {@code position_ids} input when present (else no P term). So the score of
 *       a continuation is computable by hand from W (and P), and a wrong position or padding layout
 *       changes it.
 *   <li>Encoder-decoder: encoder {@code h = E[ids] * mask}; decoder {@code logits[b,t,:] =
 *       W[dec_ids[b,t]] + (sum_s h[b,s] * encmask[b,s]) U}.
 * </ul>
 */
final class TinyLm {
  /** Vocabulary: id = index. 0 = [UNK], 1 = &lt;s&gt; (added at the start of every encoding). */
  static final List<String> VOCAB =
      List.of(
          "[UNK]",
          "<s>",
          "review",
          ":",
          "sentiment",
          "positive",
          "negative",
          "neutral",
          "very",
          "good",
          "bad",
          "ok",
          "movie",
          "n",
          "/",
          "a",
          "ignore",
          "the",
          "instructions",
          "answer",
          "mask",
          "[",
          "]",
          "so",
          "plot",
          "great",
          "awful",
          "fine",
          "film",
          "really");

  static final int V = VOCAB.size();

  private TinyLm() {}

  static int id(String word) {
    int i = VOCAB.indexOf(word);
    if (i < 0) {
      throw new IllegalArgumentException(word);
    }
    return i;
  }

  /** Deterministic, irregular weights (no two logits equal). */
  static float[][] weights(int rows, int cols, int salt) {
    float[][] w = new float[rows][cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        w[i][j] = (float) Math.sin(1.3 * i + 0.7 * j + salt * 0.37 + i * j * 0.11) * 2;
      }
    }
    return w;
  }

  static final int MAX_POS = 512;

  static float[][] w() {
    return weights(V, V, 1);
  }

  static float[][] p() {
    return weights(MAX_POS, V, 2);
  }

  /** Writes a decoder-only LM directory (model.onnx, tokenizer.json, config.json). */
  static Path writeDecoder(Path dir, boolean positions) throws IOException {
    return writeDecoder(dir, positions, false);
  }

  /**
   * As {@link #writeDecoder(Path, boolean)}; with {@code past} the graph also takes what Optimum's
   * "with past" exports take: {@code past_key_values.0.key}/{@code .value} [batch, 2, past, 3] and
   * {@code use_cache_branch} [1]. The cache must have those static dims (ONNX Runtime checks them)
   * and enters the logits as sum(key) + sum(value); use_cache_branch adds 1000 × the branch to the
   * logit of "negative". So scores equal the plain model's only when the loader feeds a well-shaped
   * empty cache and {@code false}.
   */
  static Path writeDecoder(Path dir, boolean positions, boolean past) throws IOException {
    Files.createDirectories(dir);
    List<byte[]> nodes = new ArrayList<>();
    List<byte[]> inits = new ArrayList<>();
    List<byte[]> inputs = new ArrayList<>();
    inits.add(tensor("W", w()));
    inits.add(tensorLong("axes2", new long[] {1}, new long[] {2}));
    inputs.add(valueInfo("input_ids", 7, "batch", "seq"));
    inputs.add(valueInfo("attention_mask", 7, "batch", "seq"));
    nodes.add(node("Gather", List.of("W", "input_ids"), "tok", intAttr("axis", 0)));
    String sum = "tok";
    if (positions) {
      inits.add(tensor("P", p()));
      inputs.add(valueInfo("position_ids", 7, "batch", "seq"));
      nodes.add(node("Gather", List.of("P", "position_ids"), "pos", intAttr("axis", 0)));
      nodes.add(node("Add", List.of("tok", "pos"), "sum"));
      sum = "sum";
    }
    nodes.add(node("Cast", List.of("attention_mask"), "maskf", intAttr("to", 1)));
    nodes.add(node("Unsqueeze", List.of("maskf", "axes2"), "mask3"));
    if (past) {
      nodes.add(node("Mul", List.of(sum, "mask3"), "masked"));
      inputs.add(valueInfo("past_key_values.0.key", 1, "batch", "2", "past_sequence_length", "3"));
      inputs.add(
          valueInfo("past_key_values.0.value", 1, "batch", "2", "past_sequence_length", "3"));
      inputs.add(valueInfo("use_cache_branch", 9, "1"));
      // Not a constant over the vocabulary (log-softmax would cancel that): it favours "negative".
      float[] favour = new float[V];
      favour[id("negative")] = 1000f;
      inits.add(tensor("big", new float[][] {favour}));
      nodes.add(node("ReduceSum", List.of("past_key_values.0.key"), "pk", intAttr("keepdims", 0)));
      nodes.add(
          node("ReduceSum", List.of("past_key_values.0.value"), "pv", intAttr("keepdims", 0)));
      nodes.add(node("Cast", List.of("use_cache_branch"), "branchf", intAttr("to", 1)));
      nodes.add(node("Mul", List.of("branchf", "big"), "branchbig"));
      nodes.add(node("Add", List.of("masked", "pk"), "plus_k"));
      nodes.add(node("Add", List.of("plus_k", "pv"), "plus_kv"));
      nodes.add(node("Add", List.of("plus_kv", "branchbig"), "logits"));
    } else {
      nodes.add(node("Mul", List.of(sum, "mask3"), "logits"));
    }
    List<byte[]> outputs = List.of(valueInfo("logits", 1, "batch", "seq", String.valueOf(V)));
    Files.write(dir.resolve("model.onnx"), model(graph("tiny_lm", nodes, inits, inputs, outputs)));
    Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson());
    // With past: 2 heads of size 3 (hidden 6), what the cache inputs declare.
    Files.writeString(
        dir.resolve("config.json"),
        "{\"model_type\": \"tiny-bigram\", \"vocab_size\": "
            + V
            + (past ? ", \"num_attention_heads\": 2, \"hidden_size\": 6" : "")
            + "}");
    return dir;
  }

  static final int H = 4;

  static float[][] e() {
    return weights(V, H, 3);
  }

  static float[][] u() {
    return weights(H, V, 4);
  }

  /**
   * Writes an encoder-decoder LM directory in optimum's layout (encoder_model.onnx +
   * decoder_model.onnx).
   */
  static Path writeEncoderDecoder(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<byte[]> enc =
        List.of(
            node("Gather", List.of("E", "input_ids"), "emb", intAttr("axis", 0)),
            node("Cast", List.of("attention_mask"), "maskf", intAttr("to", 1)),
            node("Unsqueeze", List.of("maskf", "axes2"), "mask3"),
            node("Mul", List.of("emb", "mask3"), "last_hidden_state"));
    Files.write(
        dir.resolve("encoder_model.onnx"),
        model(
            graph(
                "tiny_encoder",
                enc,
                List.of(tensor("E", e()), tensorLong("axes2", new long[] {1}, new long[] {2})),
                List.of(
                    valueInfo("input_ids", 7, "batch", "src"),
                    valueInfo("attention_mask", 7, "batch", "src")),
                List.of(valueInfo("last_hidden_state", 1, "batch", "src", String.valueOf(H))))));
    List<byte[]> dec =
        List.of(
            node("Gather", List.of("W", "input_ids"), "tok", intAttr("axis", 0)),
            node("Cast", List.of("encoder_attention_mask"), "maskf", intAttr("to", 1)),
            node("Unsqueeze", List.of("maskf", "axes2"), "mask3"),
            node("Mul", List.of("encoder_hidden_states", "mask3"), "masked"),
            node("ReduceSum", List.of("masked", "axes1"), "pooled", intAttr("keepdims", 1)),
            node("MatMul", List.of("pooled", "U"), "bias"),
            node("Add", List.of("tok", "bias"), "logits"));
    Files.write(
        dir.resolve("decoder_model.onnx"),
        model(
            graph(
                "tiny_decoder",
                dec,
                List.of(
                    tensor("W", w()),
                    tensor("U", u()),
                    tensorLong("axes2", new long[] {1}, new long[] {2}),
                    tensorLong("axes1", new long[] {1}, new long[] {1})),
                List.of(
                    valueInfo("encoder_attention_mask", 7, "batch", "src"),
                    valueInfo("input_ids", 7, "batch", "tgt"),
                    valueInfo("encoder_hidden_states", 1, "batch", "src", String.valueOf(H))),
                List.of(valueInfo("logits", 1, "batch", "tgt", String.valueOf(V))))));
    Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson());
    Files.writeString(
        dir.resolve("config.json"),
        "{\"model_type\": \"tiny-t5\", \"is_encoder_decoder\": true, \"decoder_start_token_id\": 0}");
    return dir;
  }

  /**
   * HF tokenizers JSON: lowercase, whitespace pre-tokenizer, word-level vocab, &lt;s&gt; prepended.
   */
  static String tokenizerJson() {
    StringBuilder vocab = new StringBuilder();
    for (int i = 0; i < V; i++) {
      vocab.append(i == 0 ? "" : ", ").append('"').append(VOCAB.get(i)).append("\": ").append(i);
    }
    String special =
        "{\"id\": %d, \"content\": \"%s\", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, "
            + "\"normalized\": false, \"special\": true}";
    return "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\": ["
        + String.format(special, 0, "[UNK]")
        + ", "
        + String.format(special, 1, "<s>")
        + "], "
        + "\"normalizer\": {\"type\": \"Lowercase\"}, \"pre_tokenizer\": {\"type\": \"Whitespace\"}, "
        + "\"post_processor\": {\"type\": \"TemplateProcessing\", "
        + "\"single\": [{\"SpecialToken\": {\"id\": \"<s>\", \"type_id\": 0}}, {\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}], "
        + "\"pair\": [{\"SpecialToken\": {\"id\": \"<s>\", \"type_id\": 0}}, {\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}, "
        + "{\"Sequence\": {\"id\": \"B\", \"type_id\": 1}}], "
        + "\"special_tokens\": {\"<s>\": {\"id\": \"<s>\", \"ids\": [1], \"tokens\": [\"<s>\"]}}}, "
        + "\"decoder\": null, \"model\": {\"type\": \"WordLevel\", \"vocab\": {"
        + vocab
        + "}, \"unk_token\": \"[UNK]\"}}";
  }

  // ---- minimal protobuf writer for the ONNX messages used above ----

  private static final class Msg {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Msg varint(int field, long v) {
      tag(field, 0);
      raw(v);
      return this;
    }

    Msg bytes(int field, byte[] b) {
      tag(field, 2);
      raw(b.length);
      out.writeBytes(b);
      return this;
    }

    Msg str(int field, String s) {
      return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    private void tag(int field, int wire) {
      raw(((long) field << 3) | wire);
    }

    private void raw(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }

    byte[] done() {
      return out.toByteArray();
    }
  }

  private static byte[] model(byte[] graph) {
    // ir_version 8 / opset 13: understood by every ONNX Runtime since 1.10.
    return new Msg()
        .varint(1, 8)
        .str(2, "slimspark-test")
        .bytes(7, graph)
        .bytes(8, new Msg().str(1, "").varint(2, 13).done())
        .done();
  }

  private static byte[] graph(
      String name,
      List<byte[]> nodes,
      List<byte[]> inits,
      List<byte[]> inputs,
      List<byte[]> outputs) {
    Msg g = new Msg();
    nodes.forEach(n -> g.bytes(1, n));
    g.str(2, name);
    inits.forEach(t -> g.bytes(5, t));
    inputs.forEach(i -> g.bytes(11, i));
    outputs.forEach(o -> g.bytes(12, o));
    return g.done();
  }

  private static byte[] node(String op, List<String> in, String out, byte[]... attrs) {
    Msg n = new Msg();
    in.forEach(i -> n.str(1, i));
    n.str(2, out).str(3, out + "_node").str(4, op);
    for (byte[] a : attrs) {
      n.bytes(5, a);
    }
    return n.done();
  }

  private static byte[] intAttr(String name, long v) {
    return new Msg().str(1, name).varint(3, v).varint(20, 2).done(); // type INT = 2
  }

  private static byte[] tensor(String name, float[][] w) {
    ByteBuffer b = ByteBuffer.allocate(w.length * w[0].length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] row : w) {
      for (float x : row) {
        b.putFloat(x);
      }
    }
    return new Msg()
        .varint(1, w.length)
        .varint(1, w[0].length)
        .varint(2, 1)
        .str(8, name)
        .bytes(9, b.array())
        .done();
  }

  private static byte[] tensorLong(String name, long[] dims, long[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : values) {
      b.putLong(x);
    }
    Msg m = new Msg();
    for (long d : dims) {
      m.varint(1, d);
    }
    return m.varint(2, 7).str(8, name).bytes(9, b.array()).done();
  }

  /** A tensor value info; dims that parse as numbers are dim_value, others dim_param. */
  private static byte[] valueInfo(String name, int elemType, String... dims) {
    Msg shape = new Msg();
    for (String d : dims) {
      shape.bytes(
          1,
          d.matches("\\d+")
              ? new Msg().varint(1, Long.parseLong(d)).done()
              : new Msg().str(2, d).done());
    }
    byte[] tensorType = new Msg().varint(1, elemType).bytes(2, shape.done()).done();
    return new Msg().str(1, name).bytes(2, new Msg().bytes(1, tensorType).done()).done();
  }
}
