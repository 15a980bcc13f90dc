package dev.slimspark.udfs.minhash;

/**
 * Per-code-point text normalization used by deduplication. Package-private stand-in for {@code
 * dev.slimspark.udfs.quality.TextNormalization.slimPajamaForm} until the two are unified.
 *
 * <p>SlimPajama form: lowercase (per code point, {@link Character#toLowerCase(int)}, locale
 * independent), drop Unicode punctuation (general categories P*) and the ASCII symbols contained in
 * Python's {@code string.punctuation} ({@code $+<=>^`|~}), collapse every run of whitespace to one
 * U+0020 and trim both ends. Working per code point lets the shingler and the exact hasher stream a
 * 50 MB document without building a normalized copy.
 */
final class DedupNormalizer {
  /** Returned by {@link #map} for a code point that is removed. */
  static final int DROP = -1;

  /** Returned by {@link #map} for a whitespace code point (slim form only). */
  static final int SPACE = -2;

  private DedupNormalizer() {}

  /** Maps one code point under the SlimPajama form: DROP, SPACE or the lowercased code point. */
  static int map(int cp) {
    if (isWhitespace(cp)) {
      return SPACE;
    }
    if (isPunctuation(cp)) {
      return DROP;
    }
    return Character.toLowerCase(cp);
  }

  static boolean isWhitespace(int cp) {
    // Character.isWhitespace misses NBSP and friends; isSpaceChar covers Zs/Zl/Zp.
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
  }

  static boolean isPunctuation(int cp) {
    // One definition of punctuation for filter and dedup (Unicode P* plus Python's ASCII symbols).
    return dev.slimspark.udfs.quality.TextNormalization.isPunctuation(cp);
  }

  /** Feeds the SlimPajama form of {@code text} to {@code sink}, one code point at a time. */
  static void forEachSlim(CharSequence text, java.util.function.IntConsumer sink) {
    boolean pendingSpace = false;
    boolean emitted = false;
    int len = text.length();
    for (int i = 0; i < len; ) {
      int cp = Character.codePointAt(text, i);
      i += Character.charCount(cp);
      int m = map(cp);
      if (m == DROP) {
        continue;
      }
      if (m == SPACE) {
        pendingSpace = emitted;
        continue;
      }
      if (pendingSpace) {
        sink.accept(' ');
        pendingSpace = false;
      }
      sink.accept(m);
      emitted = true;
    }
  }

  /** The SlimPajama form as a String (tests and small texts; streaming callers use forEachSlim). */
  static String slimPajamaForm(CharSequence text) {
    StringBuilder sb = new StringBuilder(text.length());
    forEachSlim(text, sb::appendCodePoint);
    return sb.toString();
  }
}
