package dev.slimspark.udfs.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class QualitySignalsTest {

  private static final Logger LOG = LoggerFactory.getLogger(QualitySignalsTest.class);

  /** All 16 components in declaration order. */
  private static void assertSignals(
      QualitySignals s,
      int chars,
      int lines,
      int words,
      long wordChars,
      double mean,
      int hashes,
      int ellipses,
      double symbolRatio,
      int bulletLines,
      double bulletRatio,
      int ellipsisLines,
      double ellipsisRatio,
      int alphaWords,
      double alphaRatio,
      int stopWords,
      int spLength) {
    assertEquals(
        new QualitySignals(
            chars,
            lines,
            words,
            wordChars,
            mean,
            hashes,
            ellipses,
            symbolRatio,
            bulletLines,
            bulletRatio,
            ellipsisLines,
            ellipsisRatio,
            alphaWords,
            alphaRatio,
            stopWords,
            spLength),
        s);
  }

  @Test
  void emptyAndNull() {
    assertSame(QualitySignals.EMPTY, QualitySignals.compute(""));
    assertSame(QualitySignals.EMPTY, QualitySignals.compute(null));
    assertSignals(QualitySignals.EMPTY, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  @Test
  void whitespaceOnly() {
    assertSignals(
        QualitySignals.compute(" \t\n \r\n "), 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  @Test
  void oneWord() {
    assertSignals(
        QualitySignals.compute("Hello"), 5, 1, 1, 5, 5.0, 0, 0, 0, 0, 0, 0, 0, 1, 1.0, 0, 5);
  }

  @Test
  void sentenceWithStopWordsHashAndEllipsis() {
    // Words: The cat and THE dog sat with tags -> 8 words, 26 chars; stop: The and THE with.
    assertSignals(
        QualitySignals.compute("The cat, and THE dog... sat with #tags!"),
        39,
        1,
        8,
        26,
        3.25,
        1,
        1,
        0.25,
        0,
        0,
        0,
        0,
        8,
        1.0,
        4,
        33);
  }

  @Test
  void bullets() {
    // 6 non-blank lines, 5 start with a bullet (indented '*' counts); '•' '-' '*' alone are not
    // words.
    String text = "\u2022 first item\n- second\n  * third\n\nplain line\n\u2013dash\n\u00b7mid";
    assertSignals(
        QualitySignals.compute(text), 54, 6, 8, 36, 4.5, 0, 0, 0, 5, 5.0 / 6, 0, 0, 8, 1.0, 0, 43);
  }

  @Test
  void otherBulletsAndSymbolWords() {
    // '‣' and '⁃' are punctuation (not words); '◦' (So) and '∙' (Sm) are symbols, so non-alphabetic
    // words.
    String text = "\u2023 a\n\u25e6 b\n\u2043 c\n\u2219 d\nx";
    assertSignals(
        QualitySignals.compute(text), 17, 5, 7, 7, 1.0, 0, 0, 0, 4, 0.8, 0, 0, 5, 5.0 / 7, 0, 13);
  }

  @Test
  void ellipses() {
    String text = "Wait...\nAnd then\u2026  \nno . . .\n....\nend. . ...\n......x";
    // ellipsis lines: "Wait...", "And then…  ", "....", "end. . ..." (4 of 6); ". . ." is not one.
    // occurrences: 1 + 1 + 0 + 1 + 1 + 2 ("......") = 6; words: Wait And then no end x.
    assertSignals(
        QualitySignals.compute(text),
        52,
        6,
        6,
        17,
        17.0 / 6,
        0,
        6,
        1.0,
        0,
        0,
        4,
        4.0 / 6,
        6,
        1.0,
        1,
        22);
  }

  @Test
  void cjkWithoutSpacesIsOneWord() {
    // 我喜欢学习中文。今天天气很好！ : 15 code points; the trailing '！' is stripped, the inner '。' stays.
    String text =
        "\u6211\u559c\u6b22\u5b66\u4e60\u4e2d\u6587\u3002\u4eca\u5929\u5929\u6c14\u5f88\u597d\uff01";
    assertSignals(
        QualitySignals.compute(text), 15, 1, 1, 14, 14.0, 0, 0, 0, 0, 0, 0, 0, 1, 1.0, 0, 13);
  }

  @Test
  void surrogatePairsCountAsOneChar() {
    // I 😀 love 🎉🎉 Java 𝔘 : 𝔘 (U+1D518) is a letter, emoji are not.
    String text = "I \ud83d\ude00 love \ud83c\udf89\ud83c\udf89 Java \ud835\udd18";
    assertEquals(22, text.length());
    assertSignals(
        QualitySignals.compute(text),
        18,
        1,
        6,
        13,
        13.0 / 6,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        4,
        4.0 / 6,
        0,
        18);
  }

  @Test
  void loneSurrogatesAreOneCharEach() {
    assertSignals(
        QualitySignals.compute("a\ud800b \udc00"),
        5,
        1,
        2,
        4,
        2.0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        1,
        0.5,
        0,
        5);
    assertSignals(
        QualitySignals.compute("ab\ud83d"), 3, 1, 1, 3, 3.0, 0, 0, 0, 0, 0, 0, 0, 1, 1.0, 0, 3);
  }

  @Test
  void crlfAndOtherLineTerminators() {
    String text = "Line one\r\nLine two...\r\n\r\n- item\r\n";
    assertSignals(
        QualitySignals.compute(text),
        33,
        3,
        5,
        18,
        3.6,
        0,
        1,
        0.2,
        1,
        1.0 / 3,
        1,
        1.0 / 3,
        5,
        1.0,
        0,
        22);
    assertEquals(2, QualitySignals.compute("a\rb").lines());
    assertEquals(3, QualitySignals.compute("a\u2028b\u2029c").lines());
    assertEquals(2, QualitySignals.compute("a\u0085b").lines());
    assertEquals(1, QualitySignals.compute("a\u00a0b").lines()); // NBSP separates words, not lines
    assertEquals(2, QualitySignals.compute("a\u00a0b").words());
  }

  @Test
  void stopWordsAreWholeWordsCaseInsensitive() {
    QualitySignals s =
        QualitySignals.compute(
            "THE The the, (to) of... And that's HAVE-with wITh bee then \u0131s");
    // the x3, to, of, And, HAVE-with is one word (no), wITh -> 7; "that's", "bee", "then" are not
    // stop words.
    assertEquals(7, s.stopWordCount());
  }

  @Test
  void fiftyMegabyteDocumentInBoundedTimeAndMemory() {
    String para =
        "The quick brown fox jumps over the lazy dog, and then it rests... #fox\n"
            + "- a bullet line with a few words\n\n";
    QualitySignals one = QualitySignals.compute(para);
    int repeats = 50_000_000 / para.length() + 1;
    String doc = para.repeat(repeats);
    assertTrue(doc.length() >= 50_000_000);
    Runtime rt = Runtime.getRuntime();
    long t0 = System.nanoTime();
    QualitySignals s = QualitySignals.compute(doc);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    LOG.info(
        "compute on {} chars: {} ms ({} MB/s)",
        doc.length(),
        ms,
        ms == 0 ? "inf" : doc.length() / 1000 / ms);
    assertEquals((long) one.words() * repeats, s.words());
    assertEquals(one.lines() * repeats, s.lines());
    assertEquals(one.stopWordCount() * repeats, s.stopWordCount());
    assertEquals(one.ellipsisLineRatio(), s.ellipsisLineRatio(), 1e-12);
    assertEquals(one.meanWordLength(), s.meanWordLength(), 1e-9);
    // slimPajamaLength: each repetition adds its own length plus the space joining it to the
    // previous one.
    assertEquals((long) one.slimPajamaLength() * repeats + repeats - 1, s.slimPajamaLength());
    assertTrue(ms < 5000, "took " + ms + " ms");
    assertTrue(rt.totalMemory() - rt.freeMemory() < rt.maxMemory());
  }
}
