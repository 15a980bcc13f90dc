package dev.slimspark.jobs.pack;

import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The validated {@code pack.*} settings; the only reader of those keys (export reads pack.pad_id
 * through {@link #padId(SlimConfig)}). Each DEFAULT_ constant equals slimspark-defaults.conf
 * (checked by PackOptionsTest), which explains every key. Serializable: executors receive it inside
 * the packing function.
 *
 * @param seqLen tokens per training sequence; rows hold seq_len + 1 (TinyLlama's block size)
 * @param mode concat (cut every row, no padding) or best-fit (whole documents, padded rows)
 * @param padId id written into padding; must not be a real token (the stage checks). Risk: an id
 *     the tokenizer emits would make padding indistinguishable from text
 * @param seed every random choice (split, mix sampling, document and row order)
 * @param validationFraction share of documents (by seeded hash of doc_id) in the validation split
 * @param mix source -> normalized weight (sums to 1); empty = natural mix, nothing resampled
 * @param targetFileBytes approximate bytes of one shard (one exported file)
 * @param append add new shards after the existing ones instead of replacing packed_rows
 * @param partitionTokens tokens per packing partition. Risk: changing it changes the rows
 * @param windowTokens best-fit only: tokens buffered per packing window (task memory ~4 bytes a
 *     token). Risk: changing it changes the rows
 */
public record PackOptions(
    int seqLen,
    Mode mode,
    int padId,
    long seed,
    double validationFraction,
    Map<String, Double> mix,
    long targetFileBytes,
    boolean append,
    long partitionTokens,
    long windowTokens)
    implements Serializable {

  /** TinyLlama's sequence length. */
  public static final int DEFAULT_SEQ_LEN = 2048;

  /** TinyLlama's way: zero padding. */
  public static final Mode DEFAULT_MODE = Mode.CONCAT;

  /** GPT-2's vocabulary size: an id the default tokenizer never emits, still within uint16. */
  public static final int DEFAULT_PAD_ID = 50257;

  public static final long DEFAULT_SEED = 1234L;
  public static final double DEFAULT_VALIDATION_FRACTION = 0.001;

  /** Natural mix. */
  public static final Map<String, Double> DEFAULT_MIX = Map.of();

  /** 256 MiB per exported file. */
  public static final long DEFAULT_TARGET_FILE_BYTES = 268_435_456L;

  public static final boolean DEFAULT_APPEND = false;

  /** 64 Mi tokens per partition. */
  public static final long DEFAULT_PARTITION_TOKENS = 67_108_864L;

  /** 16 Mi tokens per best-fit window: about 64 MB of task memory. */
  public static final long DEFAULT_WINDOW_TOKENS = 16_777_216L;

  /** Packing strategy. */
  public enum Mode {
    CONCAT,
    BEST_FIT;

    /** The name as pack.mode spells it. */
    public String configName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** Write mode as pack.mode_write spells it. */
  static final String OVERWRITE = "overwrite";

  static final String APPEND = "append";

  public PackOptions {
    mix = java.util.Collections.unmodifiableMap(new TreeMap<>(mix));
    if (seqLen < 1) {
      throw UserErrors.badConfigValue("pack.seq_len", String.valueOf(seqLen), "a positive integer");
    }
    checkPadId(padId);
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw UserErrors.badConfigValue(
          "pack.validation_fraction", String.valueOf(validationFraction), "a number in [0, 1)");
    }
    long rowTokens = seqLen + 1L;
    if (partitionTokens < rowTokens || windowTokens < rowTokens) {
      throw UserErrors.badConfigValue(
          partitionTokens < rowTokens ? "pack.partition_tokens" : "pack.window_tokens",
          String.valueOf(Math.min(partitionTokens, windowTokens)),
          "at least seq_len + 1 = " + rowTokens + " tokens");
    }
  }

  public static PackOptions defaults() {
    return new PackOptions(
        DEFAULT_SEQ_LEN,
        DEFAULT_MODE,
        DEFAULT_PAD_ID,
        DEFAULT_SEED,
        DEFAULT_VALIDATION_FRACTION,
        DEFAULT_MIX,
        DEFAULT_TARGET_FILE_BYTES,
        DEFAULT_APPEND,
        DEFAULT_PARTITION_TOKENS,
        DEFAULT_WINDOW_TOKENS);
  }

  /** The pack.* keys of {@code c}; bad values are user errors naming the key. */
  public static PackOptions from(SlimConfig c) {
    int seqLen = c.getInt("pack.seq_len");
    if (seqLen < 1) { // before the other keys, as the message names this one
      throw UserErrors.badConfigValue("pack.seq_len", String.valueOf(seqLen), "a positive integer");
    }
    Mode mode =
        c.getEnum("pack.mode", "concat", "best-fit").equals("concat") ? Mode.CONCAT : Mode.BEST_FIT;
    int padId = padId(c);
    long seed = c.raw().getLong("pack.seed");
    double validationFraction = c.getDouble("pack.validation_fraction");
    Map<String, Double> mix = readMix(c);
    long targetFileBytes = c.getBytes("pack.target_file_bytes");
    boolean append = c.getEnum("pack.mode_write", OVERWRITE, APPEND).equals(APPEND);
    return new PackOptions(
        seqLen,
        mode,
        padId,
        seed,
        validationFraction,
        mix,
        targetFileBytes,
        append,
        c.getBytes("pack.partition_tokens"),
        c.getBytes("pack.window_tokens"));
  }

  /** pack.pad_id, validated: the one place that reads it (pack writes it, export pads with it). */
  public static int padId(SlimConfig c) {
    int padId = c.getInt("pack.pad_id");
    checkPadId(padId);
    return padId;
  }

  private static void checkPadId(int padId) {
    if (padId < 0) {
      throw UserErrors.badConfigValue("pack.pad_id", String.valueOf(padId), "a token id >= 0");
    }
  }

  /** Tokens per packed row: seq_len + 1 (inputs plus the next-token target). */
  public int rowTokens() {
    return seqLen + 1;
  }

  /** Rows per shard so that a shard's tokens take about target_file_bytes; at least 1. */
  public long rowsPerShard(int bytesPerToken) {
    return Math.max(1L, targetFileBytes / ((long) rowTokens() * bytesPerToken));
  }

  private static Map<String, Double> readMix(SlimConfig c) {
    Map<String, Double> raw = new TreeMap<>();
    double sum = 0;
    for (Map.Entry<String, ConfigValue> e : c.raw().getObject("pack.mix").entrySet()) {
      ConfigValue v = e.getValue();
      double w;
      try {
        w =
            v.valueType() == ConfigValueType.NUMBER
                ? ((Number) v.unwrapped()).doubleValue()
                : Double.parseDouble(String.valueOf(v.unwrapped()));
      } catch (NumberFormatException ex) {
        w = Double.NaN;
      }
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw UserErrors.badConfigValue("pack.mix." + e.getKey(), v.render(), "a weight >= 0");
      }
      raw.put(e.getKey(), w);
      sum += w;
    }
    if (!raw.isEmpty() && sum <= 0) {
      throw UserErrors.badConfigValue("pack.mix", "all weights 0", "at least one positive weight");
    }
    Map<String, Double> norm = new TreeMap<>();
    for (Map.Entry<String, Double> e : raw.entrySet()) {
      norm.put(e.getKey(), e.getValue() / sum);
    }
    return norm;
  }
}
