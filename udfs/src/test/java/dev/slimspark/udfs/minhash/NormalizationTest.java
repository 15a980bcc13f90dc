package dev.slimspark.udfs.minhash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NormalizationTest {
  @Test
  void slimPajamaFormLowercasesStripsPunctuationCollapsesWhitespace() {
    assertEquals(
        "hello world its me", DedupNormalizer.slimPajamaForm("  Hello,\t\tWORLD!  It's — me… \n"));
    assertEquals("a b", DedupNormalizer.slimPajamaForm("a\u00A0\u2003b")); // NBSP, em space
    assertEquals("ab", DedupNormalizer.slimPajamaForm("a,b"));
    assertEquals("1 2", DedupNormalizer.slimPajamaForm("1 + 2 = "));
    assertEquals("我爱北京", DedupNormalizer.slimPajamaForm("我爱，北京。"));
    assertEquals("", DedupNormalizer.slimPajamaForm(" ...  "));
    assertEquals("", DedupNormalizer.slimPajamaForm(""));
  }

  @Test
  void streamingEqualsStringForm() {
    String s = "Ünïcode TEXT,  with\u00A0spaces 😀 and «quotes».";
    StringBuilder sb = new StringBuilder();
    Normalization.SLIMPAJAMA.forEachCodePoint(s, sb::appendCodePoint);
    assertEquals(Normalization.SLIMPAJAMA.apply(s), sb.toString());
    assertEquals("ünïcode text with spaces 😀 and quotes", sb.toString());
    assertEquals(s, Normalization.AS_IS.apply(s));
  }

  @Test
  void parseNames() {
    assertEquals(Normalization.AS_IS, Normalization.parse("as-is"));
    assertEquals(Normalization.SLIMPAJAMA, Normalization.parse("SlimPajama"));
    assertEquals(ShingleType.WORD, ShingleType.parse("word"));
  }
}
