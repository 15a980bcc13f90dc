package dev.slimspark.udfs.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QualityRulesTest {

  private static final QualityRules RULES = QualityRules.defaults();

  /** Signals that pass every default rule; the {@code with*} helpers change one value. */
  private static final class S {
    int words = 100;
    double mean = 5.0;
    double symbol = 0.0;
    double bullet = 0.0;
    double ellipsis = 0.0;
    double alpha = 1.0;
    int stop = 10;
    int spLength = 500;

    QualitySignals build() {
      return new QualitySignals(
          600,
          5,
          words,
          Math.round(words * mean),
          mean,
          0,
          0,
          symbol,
          0,
          bullet,
          0,
          ellipsis,
          (int) Math.round(words * alpha),
          alpha,
          stop,
          spLength);
    }
  }

  private static List<String> fails(S s) {
    return RULES.failures(s.build(), "en", 0.99);
  }

  @Test
  void goodDocumentPasses() {
    assertEquals(List.of(), fails(new S()));
    assertNull(RULES.firstFailure(new S().build(), "en", 0.99));
  }

  @Test
  void shortDocumentBoundary() {
    S s = new S();
    s.spLength = 200;
    assertEquals(List.of(), fails(s));
    s.spLength = 199;
    assertEquals(List.of("short_document"), fails(s));
  }

  @Test
  void languageBoundary() {
    QualitySignals ok = new S().build();
    assertEquals(List.of(), RULES.failures(ok, "en", 0.65));
    assertEquals(List.of("language"), RULES.failures(ok, "en", 0.6499));
    assertEquals(List.of("language"), RULES.failures(ok, "fr", 0.99));
    assertEquals(List.of("language"), RULES.failures(ok, "und", 0.0));
    assertEquals(List.of("language"), RULES.failures(ok, null, 0.99));
    QualityRules frDe = QualityRules.builder().languages(Set.of("FR", "de"), 0.5).build();
    assertEquals(List.of(), frDe.failures(ok, "fr", 0.5));
    assertEquals(List.of("language"), frDe.failures(ok, "en", 0.99));
  }

  @Test
  void wordCountBoundaries() {
    S s = new S();
    s.words = 50;
    assertEquals(List.of(), fails(s));
    s.words = 49;
    assertEquals(List.of("word_count"), fails(s));
    s.words = 100_000;
    assertEquals(List.of(), fails(s));
    s.words = 100_001;
    assertEquals(List.of("word_count"), fails(s));
  }

  @Test
  void meanWordLengthBoundaries() {
    S s = new S();
    s.mean = 3.0;
    assertEquals(List.of(), fails(s));
    s.mean = 2.999;
    assertEquals(List.of("mean_word_length"), fails(s));
    s.mean = 10.0;
    assertEquals(List.of(), fails(s));
    s.mean = 10.001;
    assertEquals(List.of("mean_word_length"), fails(s));
  }

  @Test
  void ratioBoundaries() {
    S s = new S();
    s.symbol = 0.1;
    assertEquals(List.of(), fails(s));
    s.symbol = 0.1001;
    assertEquals(List.of("symbol_ratio"), fails(s));

    s = new S();
    s.bullet = 0.9;
    assertEquals(List.of(), fails(s));
    s.bullet = 0.9001;
    assertEquals(List.of("bullet_lines"), fails(s));

    s = new S();
    s.ellipsis = 0.3;
    assertEquals(List.of(), fails(s));
    s.ellipsis = 0.3001;
    assertEquals(List.of("ellipsis_lines"), fails(s));

    s = new S();
    s.alpha = 0.8;
    assertEquals(List.of(), fails(s));
    s.alpha = 0.7999;
    assertEquals(List.of("alpha_words"), fails(s));
  }

  @Test
  void stopWordBoundary() {
    S s = new S();
    s.stop = 2;
    assertEquals(List.of(), fails(s));
    s.stop = 1;
    assertEquals(List.of("stop_words"), fails(s));
  }

  @Test
  void computedRatiosHitThresholdsExactly() {
    // 50 words with 5 '#' -> 5/50 == 0.1 exactly in double arithmetic, so it passes; 6 fails.
    String rest = "alpha beta gamma delta epsilon the and ".repeat(6);
    QualitySignals five =
        QualitySignals.compute("#alpha #beta #gamma #delta #epsilon the and " + rest + "one");
    assertEquals(50, five.words());
    assertEquals(0.1, five.symbolToWordRatio());
    assertEquals(List.of(), RULES.failures(five, "en", 1.0));
    QualitySignals six =
        QualitySignals.compute("#alpha #beta #gamma #delta #epsilon the and " + rest + "#one");
    assertEquals(50, six.words());
    assertEquals(List.of("symbol_ratio"), RULES.failures(six, "en", 1.0));

    // 3 of 10 lines end with an ellipsis -> 0.3 passes; 4 of 10 fails.
    String lines3 = "a b...\nc d...\ne f...\n" + "g h\n".repeat(7);
    assertEquals(0.3, QualitySignals.compute(lines3).ellipsisLineRatio());
    assertTrue(
        !RULES.failures(QualitySignals.compute(lines3), "en", 1.0).contains("ellipsis_lines"));
    String lines4 = "a b...\nc d...\ne f...\ng h...\n" + "g h\n".repeat(6);
    assertTrue(
        RULES.failures(QualitySignals.compute(lines4), "en", 1.0).contains("ellipsis_lines"));
  }

  @Test
  void allFailuresInFixedOrder() {
    S s = new S();
    s.spLength = 10;
    s.words = 10;
    s.mean = 20;
    s.symbol = 0.5;
    s.bullet = 1.0;
    s.ellipsis = 1.0;
    s.alpha = 0.1;
    s.stop = 0;
    List<String> all =
        List.of(
            "short_document",
            "language",
            "word_count",
            "mean_word_length",
            "symbol_ratio",
            "bullet_lines",
            "ellipsis_lines",
            "alpha_words",
            "stop_words");
    assertEquals(all, RULES.failures(s.build(), "xx", 0.1));
    assertEquals("short_document", RULES.firstFailure(s.build(), "xx", 0.1));
    assertEquals(
        all,
        java.util.Arrays.stream(QualityRules.Rule.values()).map(QualityRules.Rule::code).toList());
  }

  @Test
  void emptyDocumentFailureList() {
    // Empty text: all signals 0, so ratio rules with an upper bound pass; the rest fail.
    assertEquals(
        List.of(
            "short_document",
            "language",
            "word_count",
            "mean_word_length",
            "alpha_words",
            "stop_words"),
        RULES.failures(QualitySignals.EMPTY, "und", 0));
  }

  @Test
  void disabledRulesAreSkipped() {
    S s = new S();
    s.spLength = 10;
    s.stop = 0;
    QualityRules noShort =
        QualityRules.builder()
            .disable(QualityRules.Rule.SHORT_DOCUMENT)
            .disable(QualityRules.Rule.LANGUAGE)
            .build();
    assertEquals(List.of("stop_words"), noShort.failures(s.build(), "fr", 0.0));
    QualityRules none =
        QualityRules.builder()
            .minStopWords(0)
            .disable(QualityRules.Rule.SHORT_DOCUMENT)
            .disable(QualityRules.Rule.LANGUAGE)
            .build();
    assertEquals(List.of(), none.failures(s.build(), "fr", 0.0));
    QualityRules reEnabled =
        QualityRules.builder()
            .disable(QualityRules.Rule.STOP_WORDS)
            .enable(QualityRules.Rule.STOP_WORDS)
            .build();
    assertTrue(reEnabled.isEnabled(QualityRules.Rule.STOP_WORDS));
    assertEquals(
        List.of(),
        QualityRules.builder()
            .wordCount(5, 20)
            .disable(QualityRules.Rule.SHORT_DOCUMENT)
            .build()
            .failures(
                new QualitySignals(0, 1, 10, 50, 5, 0, 0, 0, 0, 0, 0, 0, 10, 1, 2, 0), "en", 1));
  }

  @Test
  void builderValidates() {
    assertThrows(IllegalArgumentException.class, () -> QualityRules.builder().wordCount(10, 5));
    assertThrows(
        IllegalArgumentException.class, () -> QualityRules.builder().languages(Set.of(), 0.5));
    assertThrows(
        IllegalArgumentException.class, () -> QualityRules.builder().minAlphaWordRatio(1.5));
  }

  @Test
  void serializableRoundTrip() throws Exception {
    QualityRules rules =
        QualityRules.builder()
            .disable(QualityRules.Rule.BULLET_LINES)
            .languages(Set.of("en", "de"), 0.7)
            .wordCount(10, 1000)
            .build();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(rules);
    }
    QualityRules copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (QualityRules) in.readObject();
    }
    assertEquals(rules.toString(), copy.toString());
    S s = new S();
    s.bullet = 1.0;
    s.words = 5;
    assertEquals(List.of("language", "word_count"), copy.failures(s.build(), "fr", 0.9));
  }
}
