package dev.slimspark.udfs.minhash;

import java.util.Locale;

/**
 * What a shingle is made of: n consecutive code points, or n consecutive whitespace-separated
 * words.
 */
public enum ShingleType {
  /**
   * Character (code point) n-grams; works for scripts without spaces (CJK). SlimPajama default
   * n=13.
   */
  CHAR(13),
  /** Word n-grams, words split on Unicode whitespace. Default n=5. */
  WORD(5);

  private final int defaultN;

  ShingleType(int defaultN) {
    this.defaultN = defaultN;
  }

  public int defaultN() {
    return defaultN;
  }

  public static ShingleType parse(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT));
  }
}
