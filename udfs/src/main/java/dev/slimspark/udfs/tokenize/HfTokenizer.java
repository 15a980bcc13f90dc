package dev.slimspark.udfs.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Hugging Face {@code tokenizer.json} (BPE, WordPiece, Unigram...) run by the Rust tokenizers
 * library through DJL ({@code ai.djl.huggingface:tokenizers}, whose jar ships the native library
 * for linux/macOS/windows: nothing is downloaded; DJL extracts it under {@code ~/.djl.ai}, or
 * {@code $DJL_CACHE_DIR}).
 *
 * <p>Before loading, the JSON is adjusted so that the tokenizer follows {@link TextTokenizer}'s
 * contract:
 *
 * <ul>
 *   <li>added tokens marked {@code special} are removed from {@code added_tokens}, so their text
 *       inside a document is encoded as ordinary text (the Rust library would otherwise match
 *       {@code <|endoftext|>} or {@code <s>} anywhere in the text). They stay in the model
 *       vocabulary, so {@link #tokenId} and {@link #decode} still know them. Risk: a tokenizer
 *       whose special tokens exist <em>only</em> in {@code added_tokens} (not in the model vocab)
 *       cannot decode those ids; {@link #tokenId} still returns them.
 *   <li>truncation and padding are removed; no special tokens are added (no post-processor).
 *   <li>a known defect of the Llama-2 {@code tokenizer.json} copies derived from
 *       hf-internal-testing: vocabulary id 31353 is keyed "" instead of U+2028 LINE SEPARATOR (an
 *       empty token is never valid). With the Llama-2 signature (32000 ids, "▁Hello" = 15043, "" =
 *       31353, no U+2028 key) the key is repaired, which makes ids match SentencePiece's.
 * </ul>
 *
 * <p>Texts longer than {@code chunkChars} characters are encoded in pieces split by {@link
 * WhitespaceChunker}: the Rust BPE slows down superlinearly on very long inputs (measured: 1.4M
 * characters in one call ~4x slower than in 64K pieces) and its per-token encoding structures cost
 * native memory. Which piece owns the space at a split is probed when loading; if neither rule
 * reproduces one-call ids on the probes, chunking is disabled for that tokenizer (logged).
 *
 * <p>Thread-safe: the Rust tokenizer is immutable and encodes with shared references; every call
 * creates and frees its own native encoding.
 */
public final class HfTokenizer implements TextTokenizer {
  private static final Logger LOG = LoggerFactory.getLogger(HfTokenizer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Default piece size for long texts, in UTF-16 chars. */
  public static final int DEFAULT_CHUNK_CHARS = 65536;

  private static final String[][] PROBES = {
    {"Hello", "world"}, {"abc", "xyz"}, {"The", "quick"}, {"2024", "year"}, {"naïve", "café"}
  };

  private final HuggingFaceTokenizer tokenizer;
  private final String name;
  private final Map<String, Integer> vocab;
  private final int vocabSize;
  private final int chunkChars;
  private final WhitespaceChunker.SpaceOwner spaceOwner;
  private volatile boolean closed;

  private HfTokenizer(
      HuggingFaceTokenizer tokenizer,
      String name,
      Map<String, Integer> vocab,
      int vocabSize,
      int chunkChars) {
    this.tokenizer = tokenizer;
    this.name = name;
    this.vocab = vocab;
    this.vocabSize = vocabSize;
    WhitespaceChunker.SpaceOwner owner = chunkChars > 0 ? probeSpaceOwner() : null;
    if (chunkChars > 0 && owner == null) {
      LOG.warn(
          "Tokenizer {}: no token-safe split rule found; long texts are encoded in one call", name);
    }
    this.spaceOwner = owner;
    this.chunkChars = owner == null ? 0 : chunkChars;
  }

  /** Loads a local tokenizer.json; {@code chunkChars <= 0} disables splitting long texts. */
  public static HfTokenizer load(Path tokenizerJson, int chunkChars) throws IOException {
    return fromJson(Files.readAllBytes(tokenizerJson), "hf:" + tokenizerJson, chunkChars);
  }

  /** Loads tokenizer.json contents (e.g. broadcast from the driver). */
  public static HfTokenizer fromJson(byte[] json, String name, int chunkChars) throws IOException {
    JsonNode root = JSON.readTree(json);
    if (!(root instanceof ObjectNode) || !root.has("model")) {
      throw new IOException(name + " is not a Hugging Face tokenizer.json (no \"model\" object)");
    }
    ObjectNode doc = (ObjectNode) root;
    Map<String, Integer> ids = new HashMap<>();
    int max = -1;
    JsonNode v = doc.path("model").path("vocab");
    if (v.isObject()) {
      repairLlama2LineSeparator((ObjectNode) v, name);
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        ids.put(e.getKey(), e.getValue().asInt());
        max = Math.max(max, e.getValue().asInt());
      }
    } else if (v.isArray()) {
      // Unigram: [[piece, score], ...], the id is the position.
      for (int i = 0; i < v.size(); i++) {
        ids.putIfAbsent(v.get(i).get(0).asText(), i);
      }
      max = v.size() - 1;
    }
    int removed = 0;
    if (doc.get("added_tokens") instanceof ArrayNode) {
      ArrayNode kept = JSON.createArrayNode();
      for (JsonNode t : doc.get("added_tokens")) {
        ids.put(t.path("content").asText(), t.path("id").asInt());
        max = Math.max(max, t.path("id").asInt());
        if (t.path("special").asBoolean(false)) {
          removed++;
        } else {
          kept.add(t);
        }
      }
      doc.set("added_tokens", kept);
    }
    doc.set("truncation", NullNode.instance);
    doc.set("padding", NullNode.instance);
    Map<String, String> options = new HashMap<>();
    options.put("addSpecialTokens", "false");
    options.put("truncation", "false");
    options.put("padding", "false");
    HuggingFaceTokenizer t =
        HuggingFaceTokenizer.newInstance(
            new ByteArrayInputStream(JSON.writeValueAsBytes(doc)), options);
    LOG.info(
        "Loaded tokenizer {}: {} ids, {} special tokens encoded as ordinary text in documents",
        name,
        max + 1,
        removed);
    return new HfTokenizer(t, name, ids, max + 1, chunkChars);
  }

  private static void repairLlama2LineSeparator(ObjectNode vocab, String name) {
    JsonNode empty = vocab.get("");
    if (vocab.size() == 32000
        && empty != null
        && empty.asInt() == 31353
        && vocab.path("\u2581Hello").asInt() == 15043
        && !vocab.has("\u2028")) {
      vocab.remove("");
      vocab.put("\u2028", 31353);
      LOG.info(
          "Tokenizer {}: repaired Llama-2 vocabulary id 31353 (keyed \"\" instead of U+2028)",
          name);
    }
  }

  /**
   * Which piece owns the space at a split, such that split ids equal one-call ids; null if none.
   */
  private WhitespaceChunker.SpaceOwner probeSpaceOwner() {
    for (WhitespaceChunker.SpaceOwner owner : WhitespaceChunker.SpaceOwner.values()) {
      boolean ok = true;
      for (String[] p : PROBES) {
        String whole = p[0] + " " + p[1];
        String second = owner == WhitespaceChunker.SpaceOwner.NEXT ? " " + p[1] : p[1];
        ok &= java.util.Arrays.equals(native1(whole), concat(native1(p[0]), native1(second)));
      }
      if (ok) {
        return owner;
      }
    }
    return null;
  }

  private static int[] concat(int[] a, int[] b) {
    int[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /** One native encode call: ids only (DJL's Encoding would also copy tokens, offsets, masks). */
  private int[] native1(String text) {
    long enc = TokenizersLibrary.LIB.encode(tokenizer.getHandle(), text, false);
    long[] ids;
    try {
      ids = TokenizersLibrary.LIB.getTokenIds(enc);
    } finally {
      TokenizersLibrary.LIB.deleteEncoding(enc);
    }
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) ids[i];
    }
    return out;
  }

  @Override
  public Encoded encodeCounted(String text) {
    if (chunkChars <= 0 || text.length() <= chunkChars) {
      return new Encoded(native1(text), 1);
    }
    List<String> pieces = WhitespaceChunker.split(text, chunkChars, spaceOwner);
    if (pieces.size() == 1) {
      return new Encoded(native1(text), 1);
    }
    int[][] parts = new int[pieces.size()][];
    int n = 0;
    for (int i = 0; i < parts.length; i++) {
      parts[i] = native1(pieces.get(i));
      n += parts[i].length;
    }
    int[] out = new int[n];
    int k = 0;
    for (int[] p : parts) {
      System.arraycopy(p, 0, out, k, p.length);
      k += p.length;
    }
    return new Encoded(out, parts.length);
  }

  @Override
  public String decode(int[] ids) {
    long[] l = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      l[i] = ids[i];
    }
    return tokenizer.decode(l, false);
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public OptionalInt tokenId(String token) {
    Integer id = vocab.get(token);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  @Override
  public String name() {
    return name;
  }

  /** Where the space goes at a split (null: splitting disabled). Visible for tests. */
  WhitespaceChunker.SpaceOwner spaceOwner() {
    return spaceOwner;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      tokenizer.close();
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
