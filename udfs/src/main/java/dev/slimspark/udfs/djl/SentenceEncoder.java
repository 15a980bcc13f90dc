package dev.slimspark.udfs.djl;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.djl.util.PairList;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sentence embeddings from a BERT-family ONNX encoder and its {@code tokenizer.json}: mean-pooled
 * over real tokens (or the CLS token's state) and L2-normalized (so cosine similarity is a dot
 * product). Runs on ONNX Runtime through DJL; the {@link EncoderTranslator} does tokenization and
 * pooling.
 *
 * <p>Loading is expensive (tens of MB, a native session), so instances are cached once per JVM per
 * (model directory, device, threads, max length, output, pooling) by {@link #get}, and closed by a
 * shutdown hook; callers never close them. Each {@link #encode} call opens a DJL predictor and
 * closes it in {@code finally}. Thread-safe: concurrent tasks of one executor share the ONNX
 * session.
 */
public final class SentenceEncoder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SentenceEncoder.class);
  private static final ModelCache<Key, SentenceEncoder> CACHE = new ModelCache<>("encoder");

  static {
    // No model hub at run time: DJL must never try the network.
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("offline", "true");
    dev.slimspark.udfs.bert.Torch.pinDefaults();
  }

  /** Cache key: one loaded model per JVM per distinct value. */
  public record Key(
      Path dir, String device, int threads, int maxLength, boolean logits, String pooling) {}

  private final Key key;
  private final ZooModel<NDList, NDList> model;
  private final HuggingFaceTokenizer tokenizer;
  private final EncoderTranslator translator;

  private SentenceEncoder(Key key, Device device) throws IOException {
    this.key = key;
    Path onnx = ModelDir.onnxFile(key.dir());
    Path tok = ModelDir.tokenizerFile(key.dir());
    this.tokenizer =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(tok)
            .optTruncation(true)
            .optPadding(false)
            .optMaxLength(key.maxLength())
            .build();
    try {
      this.model = LanguageModel.load(onnx, device, key.threads());
    } catch (IOException | RuntimeException e) {
      tokenizer.close();
      throw e;
    }
    boolean typeIds = false;
    PairList<String, Shape> in = model.describeInput();
    if (in != null) {
      typeIds = in.keys().contains("token_type_ids");
    }
    this.translator = new EncoderTranslator(tokenizer, typeIds, key.logits(), key.pooling());
    LOG.info(
        "loaded encoder {} on {} ({} intra-op threads, max length {})",
        onnx,
        device,
        key.threads(),
        key.maxLength());
  }

  /**
   * The JVM's encoder for {@code dir} on {@code device}: loaded on first use, reused afterwards.
   *
   * @param threads ONNX Runtime intra-op threads (use {@link Devices#threadsForCurrentTask})
   * @param maxLength tokens per text including special tokens; longer texts are truncated and
   *     flagged (all-MiniLM-L6-v2 was trained at 256, position table 512)
   */
  public static SentenceEncoder get(Path dir, Device device, int threads, int maxLength) {
    return get(dir, device, threads, maxLength, false);
  }

  /**
   * As {@link #get(Path, Device, int, int)}; with {@code logits} the model is a HuggingFace ONNX
   * sequence classifier and each {@link Encoded#vector()} holds its raw logits.
   */
  public static SentenceEncoder get(
      Path dir, Device device, int threads, int maxLength, boolean logits) {
    return get(dir, device, threads, maxLength, logits, "mean");
  }

  /**
   * As {@link #get(Path, Device, int, int, boolean)} with the pooling of embeddings: "mean" or
   * "cls".
   */
  public static SentenceEncoder get(
      Path dir, Device device, int threads, int maxLength, boolean logits, String pooling) {
    Key k =
        new Key(
            dir.toAbsolutePath().normalize(),
            device.toString(),
            threads,
            maxLength,
            logits,
            pooling);
    return CACHE.get(
        k,
        x -> {
          try {
            return new SentenceEncoder(x, device);
          } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
          }
        });
  }

  /**
   * The encoder for the current Spark task's device and {@code spark.task.cpus} (CPU outside
   * tasks).
   */
  public static SentenceEncoder forCurrentTask(Path dir, int maxLength, boolean logits) {
    return forCurrentTask(dir, maxLength, logits, "mean");
  }

  /**
   * As {@link #forCurrentTask(Path, int, boolean)} with the pooling of embeddings: "mean" or "cls".
   */
  public static SentenceEncoder forCurrentTask(
      Path dir, int maxLength, boolean logits, String pooling) {
    return get(
        dir,
        Devices.forCurrentTask(),
        Devices.threadsForCurrentTask(1),
        maxLength,
        logits,
        pooling);
  }

  /** How many encoders this JVM holds (tests check "loaded once"). */
  public static int cachedCount() {
    return CACHE.size();
  }

  public Key key() {
    return key;
  }

  /** One forward pass over {@code texts} (one batch); results in input order. */
  public List<Encoded> encode(List<String> texts) {
    if (texts.isEmpty()) {
      return List.of();
    }
    Predictor<String[], List<Encoded>> p = model.newPredictor(translator);
    try {
      return p.predict(texts.toArray(new String[0]));
    } catch (TranslateException e) {
      throw new IllegalStateException("inference failed: " + e.getMessage(), e);
    } finally {
      p.close();
    }
  }

  /**
   * Encodes any number of texts in batches of {@code batchSize}, sorted by length inside this call
   * to cut padding; results come back in input order.
   */
  public List<Encoded> encodeAll(List<String> texts, int batchSize) {
    return Batching.sortedBatches(texts, batchSize, this::encode);
  }

  /** Token count after truncation (special tokens included), without running the model. */
  public int countTokens(String text) {
    return tokenizer.encode(text).getIds().length;
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
  }

  @Override
  public String toString() {
    return "SentenceEncoder" + Objects.toString(key);
  }
}
