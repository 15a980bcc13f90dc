package dev.slimspark.udfs.minhash;

import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * Text normalization applied before shingling and exact hashing.
 *
 * <ul>
 *   <li>{@link #AS_IS}: the text's code points unchanged (input is already NFC).
 *   <li>{@link #SLIMPAJAMA}: lowercase, strip punctuation, collapse whitespace (see {@link
 *       DedupNormalizer}). Risk: joins tokens separated only by punctuation ("a,b" becomes "ab"),
 *       as SlimPajama does.
 * </ul>
 */
public enum Normalization {
  AS_IS("as-is"),
  SLIMPAJAMA("slimpajama");

  private final String configName;

  Normalization(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  /** Parses "as-is" / "slimpajama" (case-insensitive; "_" accepted for "-"). */
  public static Normalization parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (Normalization v : values()) {
      if (v.configName.equals(n) || v.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(n)) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown normalization: " + name);
  }

  /** Streams the normalized code points of {@code text} without building a copy. */
  public void forEachCodePoint(CharSequence text, IntConsumer sink) {
    if (this == SLIMPAJAMA) {
      DedupNormalizer.forEachSlim(text, sink);
    } else {
      text.codePoints().forEach(sink);
    }
  }

  /** The normalized text as a String. */
  public String apply(CharSequence text) {
    return this == SLIMPAJAMA ? DedupNormalizer.slimPajamaForm(text) : text.toString();
  }
}
