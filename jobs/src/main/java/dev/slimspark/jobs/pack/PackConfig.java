package dev.slimspark.jobs.pack;

import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * The validated {@code pack.*} settings (see slimspark-defaults.conf for each key's meaning and
 * default). Serializable: executors receive it inside the packing function.
 */
public final class PackConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Packing strategy. */
  public enum Mode {
    CONCAT,
    BEST_FIT
  }

  public final int seqLen;
  public final Mode mode;
  public final int padId;
  public final long seed;
  public final double validationFraction;
  /** Source → normalized weight (sums to 1); empty = natural mix. */
  public final Map<String, Double> mix;
  public final long targetFileBytes;
  public final boolean append;
  public final long partitionTokens;
  public final long windowTokens;

  private PackConfig(SlimConfig c) {
    seqLen = c.getInt("pack.seq_len");
    if (seqLen < 1) {
      throw UserErrors.badConfigValue("pack.seq_len", String.valueOf(seqLen), "a positive integer");
    }
    mode = c.getEnum("pack.mode", "concat", "best-fit").equals("concat") ? Mode.CONCAT : Mode.BEST_FIT;
    padId = c.getInt("pack.pad_id");
    if (padId < 0) {
      throw UserErrors.badConfigValue("pack.pad_id", String.valueOf(padId), "a token id >= 0");
    }
    seed = c.raw().getLong("pack.seed");
    validationFraction = c.getDouble("pack.validation_fraction");
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw UserErrors.badConfigValue(
          "pack.validation_fraction", String.valueOf(validationFraction), "a number in [0, 1)");
    }
    mix = readMix(c);
    targetFileBytes = c.getBytes("pack.target_file_bytes");
    append = c.getEnum("pack.mode_write", "overwrite", "append").equals("append");
    partitionTokens = c.getBytes("pack.partition_tokens");
    windowTokens = c.getBytes("pack.window_tokens");
    if (partitionTokens < rowTokens() || windowTokens < rowTokens()) {
      throw UserErrors.badConfigValue(
          partitionTokens < rowTokens() ? "pack.partition_tokens" : "pack.window_tokens",
          String.valueOf(Math.min(partitionTokens, windowTokens)),
          "at least seq_len + 1 = " + rowTokens() + " tokens");
    }
  }

  public static PackConfig from(SlimConfig c) {
    return new PackConfig(c);
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
        w = v.valueType() == ConfigValueType.NUMBER
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
