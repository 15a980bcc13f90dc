package dev.slimspark.udfs.quality;

import java.io.Serializable;

/**
 * Per-document quality signals for the Gopher (Rae et al. 2021, as implemented by DataTrove's
 * {@code GopherQualityFilter}) and SlimPajama rules, computed by {@link #compute(String)} in one
 * pass over the UTF-16 chars with O(1) extra memory and no allocation per word or line.
 *
 * <h2>Definitions</h2>
 *
 * Counts are in Unicode code points, not UTF-16 chars (so they agree with Python {@code len()} and
 * Spark SQL {@code length()}); they differ from {@link String#length()} only for supplementary
 * characters such as emoji. Whitespace and punctuation are {@link
 * TextNormalization#isWhitespace(int)} and {@link TextNormalization#isPunctuation(int)}.
 *
 * <ul>
 *   <li><b>chars</b>: code points in the text.
 *   <li><b>lines</b>: non-blank lines, i.e. lines containing at least one non-whitespace code
 *       point. Line terminators are those of Python {@code str.splitlines()}: {@code \n}, {@code
 *       \r} ({@code \r\n} is one break; the empty "line" between {@code \r} and {@code \n} is blank
 *       anyway), U+000B, U+000C, U+001C..U+001E, U+0085, U+2028, U+2029.
 *   <li><b>words</b>: maximal runs of non-whitespace code points (tokens), each with its leading
 *       and trailing punctuation stripped; a token made only of punctuation (e.g. {@code "--"},
 *       {@code "..."}, {@code "###"}) is not a word. So {@code "(Hello,"} is the word {@code
 *       Hello}, {@code "don't"} and {@code "e-mail"} are one word each, {@code "😀"} is a
 *       (non-alphabetic) word, and a run of CJK text without spaces is one long word (Gopher rules
 *       are meaningless for such languages).
 *   <li><b>wordChars</b>: code points in all words (after stripping); <b>meanWordLength</b> =
 *       wordChars / words, 0 when there are no words.
 *   <li><b>hashCount</b>: occurrences of {@code '#'} anywhere in the text; <b>ellipsisCount</b>:
 *       non-overlapping occurrences of {@code "..."} (a run of n dots counts n/3, rounded down, as
 *       Python {@code str.count}) plus occurrences of {@code '…'} (U+2026);
 *       <b>symbolToWordRatio</b> = (hashCount + ellipsisCount) / words, 0 when there are no words.
 *       Note: DataTrove checks the hash ratio and the ellipsis ratio separately; the sum is
 *       stricter.
 *   <li><b>bulletLines</b>: non-blank lines whose first non-whitespace code point is one of {@code
 *       • ‣ ◦ ⁃ ∙ · - * –} (U+2022, U+2023, U+25E6, U+2043, U+2219, U+00B7, U+002D, U+002A,
 *       U+2013); <b>bulletLineRatio</b> = bulletLines / lines, 0 when there are no lines.
 *   <li><b>ellipsisLines</b>: non-blank lines that end, ignoring trailing whitespace, with {@code
 *       "..."} (three contiguous dots) or {@code '…'}; <b>ellipsisLineRatio</b> = ellipsisLines /
 *       lines, 0 when there are no lines.
 *   <li><b>alphaWords</b>: words containing at least one code point with {@link
 *       Character#isLetter(int)} (CJK ideographs are letters, digits and emoji are not);
 *       <b>alphaWordRatio</b> = alphaWords / words, 0 when there are no words.
 *   <li><b>stopWordCount</b>: words equal, ASCII-case-insensitively, to one of Gopher's stop words
 *       {@link #STOP_WORDS} (each occurrence counts).
 *   <li><b>slimPajamaLength</b>: code points of {@link TextNormalization#slimPajamaForm(String)}.
 * </ul>
 *
 * Empty, blank and {@code null} text give {@link #EMPTY}-like values: every count and ratio 0
 * (except {@code chars}, which counts the whitespace of a blank text).
 *
 * <p>The canonical constructor is public so that rules can be tested on hand-made values; it does
 * not check consistency between counts and ratios.
 */
public record QualitySignals(
    int chars,
    int lines,
    int words,
    long wordChars,
    double meanWordLength,
    int hashCount,
    int ellipsisCount,
    double symbolToWordRatio,
    int bulletLines,
    double bulletLineRatio,
    int ellipsisLines,
    double ellipsisLineRatio,
    int alphaWords,
    double alphaWordRatio,
    int stopWordCount,
    int slimPajamaLength)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Gopher's stop words (Rae et al. 2021, DataTrove default); matched case-insensitively. */
  public static final java.util.List<String> STOP_WORDS =
      java.util.List.of("the", "be", "to", "of", "and", "that", "have", "with");

  /** Signals of the empty text: all zero. */
  public static final QualitySignals EMPTY =
      new QualitySignals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  /**
   * Computes all signals in one pass.
   *
   * @param text the document; {@code null} is treated as empty
   * @return the signals, never {@code null}
   */
  public static QualitySignals compute(String text) {
    if (text == null || text.isEmpty()) {
      return EMPTY;
    }
    return new Scanner().scan(text);
  }

  /** Whether a code point ends a line (Python {@code str.splitlines} set). */
  static boolean isLineTerminator(int cp) {
    switch (cp) {
      case '\n':
      case '\r':
      case 0x0B:
      case 0x0C:
      case 0x1C:
      case 0x1D:
      case 0x1E:
      case 0x85:
      case 0x2028:
      case 0x2029:
        return true;
      default:
        return false;
    }
  }

  /** Bullet characters that may start a list line. */
  static boolean isBullet(int cp) {
    switch (cp) {
      case 0x2022:
      case 0x2023:
      case 0x25E6:
      case 0x2043:
      case 0x2219:
      case 0x00B7:
      case '-':
      case '*':
      case 0x2013:
        return true;
      default:
        return false;
    }
  }

  /**
   * The mutable state of one pass. A separate object (rather than locals in one huge method) keeps
   * the per-token and per-line bookkeeping readable; it is allocated once per document, not per
   * word.
   */
  private static final class Scanner {
    private String text;

    private int chars;
    // lines
    private int lines;
    private int bulletLines;
    private int ellipsisLines;
    private boolean lineHasContent;
    private boolean lastNonSpaceEndsEllipsis;
    // symbols
    private int hashCount;
    private int ellipsisCount;
    private int dotRun;
    // words
    private int words;
    private long wordChars;
    private int alphaWords;
    private int stopWords;
    private boolean inToken;
    private int tokNonPunct; // non-punctuation code points seen in the current token
    private int tokCpsFromFirst; // code points since (incl.) the first non-punctuation one
    private int tokCpsAtLastNonPunct; // tokCpsFromFirst at the last non-punctuation code point
    private boolean tokHasLetter;
    private int strippedStart; // char index of the first non-punctuation code point
    private int strippedEnd; // char index after the last non-punctuation code point
    // SlimPajama form length
    private int spLength;
    private boolean spPendingSpace;

    QualitySignals scan(String s) {
      this.text = s;
      final int n = s.length();
      int i = 0;
      while (i < n) {
        final int start = i;
        char c = s.charAt(i++);
        int cp = c;
        if (Character.isHighSurrogate(c) && i < n) {
          char d = s.charAt(i);
          if (Character.isLowSurrogate(d)) {
            cp = Character.toCodePoint(c, d);
            i++;
          }
        }
        chars++;

        // "..." runs may be split across tokens/lines only by other code points, so track them
        // globally.
        if (cp == '.') {
          dotRun++;
        } else if (dotRun > 0) {
          ellipsisCount += dotRun / 3;
          dotRun = 0;
        }

        if (TextNormalization.isWhitespace(cp)) {
          endToken();
          if (isLineTerminator(cp)) {
            endLine();
          }
          spPendingSpace = spLength > 0;
          continue;
        }

        // Non-whitespace code point.
        if (!lineHasContent) {
          lineHasContent = true;
          if (isBullet(cp)) {
            bulletLines++;
          }
        }
        if (cp == '#') {
          hashCount++;
        } else if (cp == 0x2026) {
          ellipsisCount++;
        }
        lastNonSpaceEndsEllipsis = cp == 0x2026 || (cp == '.' && dotRun >= 3);

        inToken = true;
        if (TextNormalization.isPunctuation(cp)) {
          if (tokNonPunct > 0) {
            tokCpsFromFirst++;
          }
          continue; // punctuation never reaches the SlimPajama form
        }
        if (tokNonPunct == 0) {
          strippedStart = start;
        }
        tokNonPunct++;
        tokCpsFromFirst++;
        tokCpsAtLastNonPunct = tokCpsFromFirst;
        strippedEnd = i;
        if (!tokHasLetter && (cp < 128 ? isAsciiLetter(cp) : Character.isLetter(cp))) {
          tokHasLetter = true;
        }

        if (spPendingSpace) {
          spLength++;
          spPendingSpace = false;
        }
        spLength++;
      }
      if (dotRun > 0) {
        ellipsisCount += dotRun / 3;
      }
      endToken();
      endLine();
      return new QualitySignals(
          chars,
          lines,
          words,
          wordChars,
          ratio(wordChars, words),
          hashCount,
          ellipsisCount,
          ratio((long) hashCount + ellipsisCount, words),
          bulletLines,
          ratio(bulletLines, lines),
          ellipsisLines,
          ratio(ellipsisLines, lines),
          alphaWords,
          ratio(alphaWords, words),
          stopWords,
          spLength);
    }

    private void endToken() {
      if (!inToken) {
        return;
      }
      if (tokNonPunct > 0) {
        words++;
        wordChars += tokCpsAtLastNonPunct;
        if (tokHasLetter) {
          alphaWords++;
        }
        if (isStopWord(text, strippedStart, strippedEnd)) {
          stopWords++;
        }
      }
      inToken = false;
      tokNonPunct = 0;
      tokCpsFromFirst = 0;
      tokCpsAtLastNonPunct = 0;
      tokHasLetter = false;
    }

    private void endLine() {
      if (lineHasContent) {
        lines++;
        if (lastNonSpaceEndsEllipsis) {
          ellipsisLines++;
        }
      }
      lineHasContent = false;
      lastNonSpaceEndsEllipsis = false;
    }
  }

  private static boolean isAsciiLetter(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static double ratio(long num, long den) {
    return den == 0 ? 0.0 : (double) num / den;
  }

  /**
   * ASCII-case-insensitive match of {@code s[from, to)} against {@link #STOP_WORDS}, without
   * allocating.
   */
  static boolean isStopWord(String s, int from, int to) {
    switch (to - from) {
      case 2:
        return eq(s, from, "be") || eq(s, from, "to") || eq(s, from, "of");
      case 3:
        return eq(s, from, "the") || eq(s, from, "and");
      case 4:
        return eq(s, from, "that") || eq(s, from, "have") || eq(s, from, "with");
      default:
        return false;
    }
  }

  /** {@code lower} is lowercase ASCII; only ASCII letters of {@code s} can match it. */
  private static boolean eq(String s, int from, String lower) {
    for (int k = 0; k < lower.length(); k++) {
      char c = s.charAt(from + k);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + 32);
      }
      if (c != lower.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
