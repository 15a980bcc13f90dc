package dev.slimspark.udfs.quality;

import java.text.Normalizer;

/**
 * Text normalizations shared by the quality filter and deduplication.
 *
 * <p>The character classes defined here ({@link #isPunctuation(int)}, {@link #isWhitespace(int)})
 * are the single source of truth for {@link #slimPajamaForm(String)} and for {@link
 * QualitySignals}, so that the SlimPajama length computed inside {@code QualitySignals} always
 * equals the length of {@code slimPajamaForm(text)}.
 *
 * <p>All methods are static, stateless and thread-safe. {@code null} input returns {@code null} (or
 * 0 for lengths) so the methods can back Spark UDFs directly.
 */
public final class TextNormalization {

  /**
   * ASCII characters that Python's {@code string.punctuation} (used by SlimPajama) contains but
   * that Unicode classifies as symbols (Sc, Sm, Sk), not punctuation: {@code $ + < = > ^ ` | ~}.
   */
  static final String ASCII_SYMBOLS_IN_PYTHON_PUNCTUATION = "$+<=>^`|~";

  /**
   * Bit set over ASCII: which of 0..127 are punctuation in our sense (lookup avoids getType on the
   * hot path).
   */
  private static final boolean[] ASCII_PUNCT = new boolean[128];

  /** Bit set over ASCII: which of 0..127 are whitespace in our sense. */
  private static final boolean[] ASCII_SPACE = new boolean[128];

  static {
    for (int c = 0; c < 128; c++) {
      ASCII_PUNCT[c] = isPunctuationSlow(c);
      ASCII_SPACE[c] = isWhitespaceSlow(c);
    }
  }

  private TextNormalization() {}

  /**
   * Unicode Normalization Form C (canonical composition), e.g. {@code "e\u0301"} becomes {@code
   * "é"}.
   *
   * <p>Most web text is already NFC, so the cheap {@link Normalizer#isNormalized} check runs first
   * and the input instance is returned unchanged when it is already normalized (no copy).
   *
   * @param text any text, may be {@code null}
   * @return the NFC form, the same instance when already NFC, {@code null} for {@code null}
   */
  public static String nfc(String text) {
    if (text == null || Normalizer.isNormalized(text, Normalizer.Form.NFC)) {
      return text;
    }
    return Normalizer.normalize(text, Normalizer.Form.NFC);
  }

  /**
   * SlimPajama's normalized form, used by its short-document rule and as the dedup key text.
   *
   * <p>Defined as (in one pass over the code points):
   *
   * <ol>
   *   <li>every code point for which {@link #isPunctuation(int)} holds is removed (without leaving
   *       a space: {@code "a.b"} becomes {@code "ab"}, as in SlimPajama which deletes punctuation
   *       before collapsing whitespace);
   *   <li>every other code point is lowercased with {@link Character#toLowerCase(int)} (simple,
   *       locale-independent 1:1 case mapping; unlike {@code String.toLowerCase(Locale.ROOT)} it
   *       maps {@code 'İ'} to {@code 'i'} and never applies the final-sigma rule);
   *   <li>runs of {@link #isWhitespace(int) whitespace} become one {@code ' '}; leading and
   *       trailing whitespace is dropped.
   * </ol>
   *
   * <p>Difference from SlimPajama: SlimPajama removes only ASCII {@code string.punctuation}; this
   * removes all Unicode punctuation as well (e.g. {@code “ ” « » 。 、 — …}), so it is a superset.
   * Unpaired surrogates are kept as they are. Surrogate pairs are handled as one code point.
   *
   * @param text any text, may be {@code null}
   * @return the normalized text, {@code ""} for blank or all-punctuation text, {@code null} for
   *     {@code null}
   */
  public static String slimPajamaForm(String text) {
    if (text == null) {
      return null;
    }
    final int n = text.length();
    StringBuilder sb = new StringBuilder(n);
    boolean pendingSpace = false;
    for (int i = 0; i < n; ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (isPunctuation(cp)) {
        continue;
      }
      if (isWhitespace(cp)) {
        // Only a space between two kept characters survives; this also trims both ends.
        pendingSpace = sb.length() > 0;
        continue;
      }
      if (pendingSpace) {
        sb.append(' ');
        pendingSpace = false;
      }
      if (cp < 128) {
        sb.append((char) (cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
      } else {
        sb.appendCodePoint(Character.toLowerCase(cp));
      }
    }
    return sb.toString();
  }

  /**
   * Length of {@link #slimPajamaForm(String)} in code points (what Python's {@code len()} gives,
   * which is what SlimPajama's {@code < 200} rule compares), computed without building the string.
   * {@link QualitySignals#slimPajamaLength} computes the same value in its own pass.
   *
   * @param text any text; {@code null} gives 0
   * @return {@code slimPajamaForm(text).codePointCount(0, slimPajamaForm(text).length())}
   */
  public static int slimPajamaLength(String text) {
    if (text == null) {
      return 0;
    }
    final int n = text.length();
    int len = 0;
    boolean pendingSpace = false;
    for (int i = 0; i < n; ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (isPunctuation(cp)) {
        continue;
      }
      if (isWhitespace(cp)) {
        pendingSpace = len > 0;
        continue;
      }
      if (pendingSpace) {
        len++;
        pendingSpace = false;
      }
      len++;
    }
    return len;
  }

  /**
   * Punctuation as removed by {@link #slimPajamaForm} and stripped from word edges by {@link QualitySignals}:
   * the Unicode general categories
   * Pc (connector, e.g. {@code _}), Pd (dash, e.g. {@code - – —}), Ps (open, e.g. {@code ( [ {}),
   * Pe (close), Pi (initial quote, e.g. {@code “ «}), Pf (final quote, e.g. {@code ” »}) and
   * Po (other, e.g. {@code ! " # % & ' * , . / : ; ? @ \ … 。 、 •}),
   * plus the nine ASCII symbols of Python's {@code string.punctuation} that Unicode classes as symbols:
   * {@code $ + < = > ^ ` | ~}. Other symbols (math, currency, emoji: Sm, Sc, Sk, So) are not punctuation.
   *
   * @param cp a code point
   * @return whether it is punctuation in the above sense
   */
  public static boolean isPunctuation(int cp) {
    return cp < 128 ? ASCII_PUNCT[cp] : isPunctuationSlow(cp);
  }

  /**
   * Whitespace as Python's {@code str.isspace()} (and so SlimPajama's {@code \s+}) defines it: the
   * union of {@link Character#isWhitespace(int)} (which includes {@code \t \n \u000B \f \r} and
   * U+001C..U+001F), {@link Character#isSpaceChar(int)} (Zs, Zl, Zp, including the no-break spaces
   * U+00A0, U+2007, U+202F) and U+0085 (NEL). Zero-width space U+200B is not whitespace (it is a
   * format character).
   *
   * @param cp a code point
   * @return whether it is whitespace in the above sense
   */
  public static boolean isWhitespace(int cp) {
    return cp < 128 ? ASCII_SPACE[cp] : isWhitespaceSlow(cp);
  }

  private static boolean isPunctuationSlow(int cp) {
    switch (Character.getType(cp)) {
      case Character.CONNECTOR_PUNCTUATION:
      case Character.DASH_PUNCTUATION:
      case Character.START_PUNCTUATION:
      case Character.END_PUNCTUATION:
      case Character.INITIAL_QUOTE_PUNCTUATION:
      case Character.FINAL_QUOTE_PUNCTUATION:
      case Character.OTHER_PUNCTUATION:
        return true;
      default:
        return cp < 128 && ASCII_SYMBOLS_IN_PYTHON_PUNCTUATION.indexOf(cp) >= 0;
    }
  }

  private static boolean isWhitespaceSlow(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
  }
}
