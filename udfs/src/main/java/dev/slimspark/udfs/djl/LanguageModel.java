package dev.slimspark.udfs.djl;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.EngineException;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.util.PairList;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rank classification with an ONNX language model: for each prompt, the log-likelihood of each
 * continuation (a label's verbalizer tokens), {@code sum_j log p(c_j | prompt, c_<j)}.
 *
 * <p>Decoder-only: one row per (prompt, continuation) holding prompt + continuation; when every
 * continuation is a single token, one row per prompt suffices (all labels are read from the logits
 * at the last prompt position). Rows are <b>right</b>-padded: with causal attention no real token
 * attends to a later position, so pads cannot change real positions' logits even in an export that
 * ignored the mask, and positions start at 0 in every row without shifting {@code position_ids}
 * (which are fed as 0..T-1 when the graph takes them). Scores therefore do not depend on what else
 * is in the batch. Encoder-decoder: the encoder runs once per prompt (right-padded, masked); the
 * decoder gets {@code [decoder_start] + continuation[:-1]} and the prompt's hidden states.
 *
 * <p>Exports "with past" ({@code past_key_values.*} inputs) are fed an empty cache. Cost: the
 * logits of a pass are rows x length x vocabulary floats (e.g. 8 rows x 512 x 32000 = 0.5 GB), so
 * keep batches small for large vocabularies. Cached once per JVM per (directory, device, threads),
 * closed at shutdown, like {@link SentenceEncoder}.
 */
public final class LanguageModel implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LanguageModel.class);
  private static final ModelCache<Key, LanguageModel> CACHE = new ModelCache<>("lm");

  static {
    System.setProperty("ai.djl.offline", "true");
    dev.slimspark.udfs.bert.Torch.pinDefaults();
  }

  /** Cache key: one loaded model per JVM per distinct value. */
  public record Key(Path dir, String device, int threads) {}

  private final LmLayout layout;
  private final HuggingFaceTokenizer tokenizer;
  private final ZooModel<NDList, NDList> decoder;
  private final ZooModel<NDList, NDList> encoder;
  private final PairList<String, Shape> decoderInputs;
  private final String decoderIds;

  private LanguageModel(LmLayout layout, Device device, int threads) throws IOException {
    this.layout = layout;
    this.tokenizer = tokenizer(layout.tokenizer());
    try {
      this.decoder = load(layout.decoder(), device, threads);
      this.encoder = layout.encoderDecoder() ? load(layout.encoder(), device, threads) : null;
    } catch (IOException e) {
      tokenizer.close();
      throw e;
    }
    this.decoderInputs = decoder.describeInput();
    // DJL's ONNX Runtime engine names the inputs but gives no shapes, so the empty cache that a
    // "with past" export needs is sized from config.json (ONNX Runtime rejects a wrong head count
    // or head size).
    if (decoderInputs != null
        && decoderInputs.keys().stream().anyMatch(n -> n.startsWith("past_key_values"))
        && layout.configInt("num_attention_heads", -1) < 1) {
      decoder.close();
      if (encoder != null) {
        encoder.close();
      }
      tokenizer.close();
      throw new IOException(
          "model "
              + layout.decoder()
              + " takes past_key_values inputs, but "
              + layout.dir().resolve("config.json")
              + " has no num_attention_heads (and hidden_size or head_dim) to size their empty cache; use the"
              + " config.json of the export, or export without past (optimum-cli --task text-generation)");
    }
    // optimum names the T5 decoder's ids input_ids; transformers' own export says
    // decoder_input_ids.
    this.decoderIds =
        decoderInputs != null && decoderInputs.keys().contains("decoder_input_ids")
            ? "decoder_input_ids"
            : "input_ids";
    LOG.info(
        "loaded {} language model {} on {} ({} intra-op threads)",
        layout.encoderDecoder() ? "encoder-decoder" : "decoder-only",
        layout.dir(),
        device,
        threads);
  }

  /** A tokenizer for prompts: no truncation or padding (the caller truncates and counts). */
  public static HuggingFaceTokenizer tokenizer(Path file) throws IOException {
    return HuggingFaceTokenizer.builder()
        .optTokenizerPath(file)
        .optTruncation(false)
        .optPadding(false)
        .build();
  }

  /**
   * Loads one ONNX graph through DJL's ONNX Runtime engine, untranslated: {@code threads} intra-op
   * threads, one inter-op thread (one inference call at a time per task; parallelism across tasks
   * comes from Spark). Shared by every ONNX model this package loads.
   */
  /** ONNX Runtime's words when its CUDA provider is missing or cannot load its libraries. */
  private static final java.util.regex.Pattern GPU_RUNTIME_FAILURE =
      java.util.regex.Pattern.compile(
          "(?i)cuda|cudnn|cublas|execution provider|shared provider|EP_FAIL");

  static ZooModel<NDList, NDList> load(Path onnx, Device device, int threads) throws IOException {
    Criteria<NDList, NDList> c =
        Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optModelPath(onnx)
            .optEngine("OnnxRuntime")
            .optDevice(device)
            .optTranslator(new NoopTranslator())
            .optOption("intraOpNumThreads", String.valueOf(threads))
            .optOption("interOpNumThreads", "1")
            .build();
    try {
      return c.loadModel();
    } catch (ModelNotFoundException | MalformedModelException | EngineException e) {
      String root = Devices.rootMessage(e);
      if (device.isGpu() && root != null && GPU_RUNTIME_FAILURE.matcher(root).find()) {
        throw new Devices.GpuUnavailableException(device, root, e);
      }
      throw new IOException("cannot load ONNX model " + onnx + ": " + e.getMessage(), e);
    }
  }

  /** The JVM's model for {@code dir} on {@code device}: loaded on first use, reused afterwards. */
  public static LanguageModel get(Path dir, Device device, int threads) {
    Key k = new Key(dir.toAbsolutePath().normalize(), device.toString(), threads);
    return CACHE.get(
        k,
        x -> {
          try {
            return new LanguageModel(LmLayout.of(x.dir()), device, threads);
          } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
          }
        });
  }

  /**
   * The model for the current Spark task's device and {@code spark.task.cpus} (CPU outside tasks).
   */
  public static LanguageModel forCurrentTask(Path dir) {
    return get(dir, Devices.forCurrentTask(), Devices.threadsForCurrentTask(1));
  }

  public boolean encoderDecoder() {
    return layout.encoderDecoder();
  }

  /**
   * Tokenizes with the model's tokenizer; {@code special} adds BOS/EOS as the tokenizer defines.
   */
  public Encoding encode(String text, boolean special) {
    return tokenizer.encode(text, special, false);
  }

  /**
   * Longest prompt (tokens) that fits {@code maxLength} with these continuations: decoder-only rows
   * hold prompt + continuation; an encoder-decoder's encoder holds the prompt alone.
   */
  public int promptBudget(long[][] conts, int maxLength) {
    if (layout.encoderDecoder()) {
      return maxLength;
    }
    int longest = 0;
    for (long[] c : conts) {
      longest = Math.max(longest, c.length);
    }
    return maxLength - longest;
  }

  /**
   * Tokens the model processes (padding excluded) to score one prompt of {@code promptLen} tokens.
   */
  public int tokensProcessed(int promptLen, long[][] conts) {
    boolean single = singleTokens(conts);
    int t = 0;
    for (long[] c : conts) {
      t += layout.encoderDecoder() ? c.length : (single ? 0 : promptLen + c.length);
    }
    if (layout.encoderDecoder()) {
      return promptLen + (single ? 1 : t);
    }
    return single ? promptLen : t;
  }

  /**
   * Scores every continuation after every prompt: {@code [prompt][continuation]} summed log-probs.
   * Prompts are sorted by length and run {@code batchSize} at a time (all continuations of a prompt
   * in the same forward pass); results come back in input order.
   */
  public List<double[]> scoreAll(List<long[]> prompts, long[][] conts, int batchSize) {
    return Batching.sortedBatches(prompts, p -> p.length, batchSize, b -> score(b, conts));
  }

  /** One forward pass (two for encoder-decoder) over {@code prompts}. */
  public List<double[]> score(List<long[]> prompts, long[][] conts) {
    if (prompts.isEmpty()) {
      return List.of();
    }
    boolean single = singleTokens(conts);
    int n = prompts.size();
    int l = conts.length;
    List<long[]> rows = new ArrayList<>();
    // reads[p][c] = {row, first position}: the logits at position+j predict conts[c][j].
    int[][][] reads = new int[n][l][];
    long start = layout.configInt("decoder_start_token_id", layout.configInt("pad_token_id", 0));
    for (int p = 0; p < n; p++) {
      long[] pr = prompts.get(p);
      for (int c = 0; c < l; c++) {
        if (single && c > 0) {
          reads[p][c] = new int[] {reads[p][0][0], reads[p][0][1]};
          continue;
        }
        long[] row;
        if (layout.encoderDecoder()) {
          row = new long[single ? 1 : conts[c].length];
          row[0] = start;
          if (!single) {
            System.arraycopy(conts[c], 0, row, 1, conts[c].length - 1);
          }
          reads[p][c] = new int[] {rows.size(), 0};
        } else {
          row = new long[pr.length + (single ? 0 : conts[c].length)];
          System.arraycopy(pr, 0, row, 0, pr.length);
          if (!single) {
            System.arraycopy(conts[c], 0, row, pr.length, conts[c].length);
          }
          reads[p][c] = new int[] {rows.size(), pr.length - 1};
        }
        rows.add(row);
      }
    }
    OnnxCall.Output logits;
    if (layout.encoderDecoder()) {
      OnnxCall.Output h =
          run(encoder, "last_hidden_state", padded("input_ids", "attention_mask", prompts, false));
      int rowsPerPrompt = rows.size() / n;
      int s = (int) h.shape()[1];
      int hd = (int) h.shape()[2];
      float[] states = new float[rows.size() * s * hd];
      long[] encMask = new long[rows.size() * s];
      for (int r = 0; r < rows.size(); r++) {
        int p = r / rowsPerPrompt;
        System.arraycopy(h.data(), p * s * hd, states, r * s * hd, s * hd);
        for (int j = 0; j < prompts.get(p).length; j++) {
          encMask[r * s + j] = 1;
        }
      }
      List<OnnxCall.Tensor> in = padded(decoderIds, null, rows, false);
      in.add(OnnxCall.Tensor.of("encoder_hidden_states", states, rows.size(), s, hd));
      in.add(OnnxCall.Tensor.of("encoder_attention_mask", encMask, rows.size(), s));
      logits = run(decoder, "logits", in);
    } else {
      logits = run(decoder, "logits", padded("input_ids", "attention_mask", rows, true));
    }
    int t = (int) logits.shape()[1];
    int v = (int) logits.shape()[2];
    Map<Long, Double> lse = new HashMap<>();
    List<double[]> out = new ArrayList<>(n);
    for (int p = 0; p < n; p++) {
      double[] sc = new double[l];
      for (int c = 0; c < l; c++) {
        int row = reads[p][c][0];
        for (int j = 0; j < conts[c].length; j++) {
          int pos = reads[p][c][1] + j;
          int base = (row * t + pos) * v;
          double z =
              lse.computeIfAbsent((long) row * t + pos, k -> logSumExp(logits.data(), base, v));
          sc[c] += logits.data()[base + (int) conts[c][j]] - z;
        }
      }
      out.add(sc);
    }
    return out;
  }

  private static boolean singleTokens(long[][] conts) {
    for (long[] c : conts) {
      if (c.length != 1) {
        return false;
      }
    }
    return true;
  }

  private static double logSumExp(float[] d, int base, int v) {
    double m = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < v; i++) {
      m = Math.max(m, d[base + i]);
    }
    double s = 0;
    for (int i = 0; i < v; i++) {
      s += Math.exp(d[base + i] - m);
    }
    return m + Math.log(s);
  }

  /**
   * Right-padded ids (pad id 0: masked, and never read), the mask when {@code maskName} is set, and
   * for a decoder-only graph its optional position ids and empty past cache.
   */
  private List<OnnxCall.Tensor> padded(
      String idsName, String maskName, List<long[]> rows, boolean decoderOnly) {
    int b = rows.size();
    int len = 1;
    for (long[] r : rows) {
      len = Math.max(len, r.length);
    }
    long[] ids = new long[b * len];
    long[] mask = new long[b * len];
    for (int i = 0; i < b; i++) {
      long[] r = rows.get(i);
      System.arraycopy(r, 0, ids, i * len, r.length);
      for (int j = 0; j < r.length; j++) {
        mask[i * len + j] = 1;
      }
    }
    List<OnnxCall.Tensor> in = new ArrayList<>();
    in.add(OnnxCall.Tensor.of(idsName, ids, b, len));
    if (maskName != null) {
      in.add(OnnxCall.Tensor.of(maskName, mask, b, len));
    }
    if (!decoderOnly || decoderInputs == null) {
      return in;
    }
    for (int k = 0; k < decoderInputs.size(); k++) {
      String name = decoderInputs.keys().get(k);
      if (name.equals("position_ids")) {
        long[] pos = new long[b * len];
        for (int i = 0; i < pos.length; i++) {
          pos[i] = i % len;
        }
        in.add(OnnxCall.Tensor.of(name, pos, b, len));
      } else if (name.startsWith("past_key_values")) {
        Shape declared = decoderInputs.values().get(k);
        long[] s = declared == null ? new long[0] : declared.getShape();
        int heads =
            layout.configInt("num_key_value_heads", layout.configInt("num_attention_heads", 1));
        int hidden = layout.configInt("hidden_size", 1);
        int headDim =
            layout.configInt(
                "head_dim", hidden / Math.max(1, layout.configInt("num_attention_heads", 1)));
        long h = s.length == 4 && s[1] > 0 ? s[1] : heads;
        long d = s.length == 4 && s[3] > 0 ? s[3] : headDim;
        in.add(OnnxCall.Tensor.of(name, new float[0], b, h, 0, d));
      } else if (name.equals("use_cache_branch")) {
        in.add(OnnxCall.Tensor.of(name, new boolean[] {false}, 1));
      }
    }
    return in;
  }

  private static OnnxCall.Output run(
      ZooModel<NDList, NDList> m, String output, List<OnnxCall.Tensor> in) {
    Predictor<List<OnnxCall.Tensor>, OnnxCall.Output> p = m.newPredictor(new OnnxCall(output));
    try {
      return p.predict(in);
    } catch (TranslateException e) {
      throw new IllegalStateException("inference failed: " + e.getMessage(), e);
    } finally {
      p.close();
    }
  }

  @Override
  public void close() {
    decoder.close();
    if (encoder != null) {
      encoder.close();
    }
    tokenizer.close();
  }
}
