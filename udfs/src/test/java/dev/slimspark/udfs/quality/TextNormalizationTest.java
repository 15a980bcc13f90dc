package dev.slimspark.udfs.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TextNormalizationTest {

  @Test
  void nfcComposes() {
    assertEquals("\u00e9", TextNormalization.nfc("e\u0301"));
    assertEquals(
        "caf\u00e9 \uac00",
        TextNormalization.nfc("cafe\u0301 \u1100\u1161")); // Hangul jamo compose
    assertNull(TextNormalization.nfc(null));
  }

  @Test
  void nfcReturnsSameInstanceWhenAlreadyNormalized() {
    String s = "d\u00e9j\u00e0 vu";
    assertSame(s, TextNormalization.nfc(s));
    String empty = "";
    assertSame(empty, TextNormalization.nfc(empty));
  }

  @Test
  void slimPajamaFormExamples() {
    assertEquals(
        "hello world how are you",
        TextNormalization.slimPajamaForm("  Hello,   World!\n\tHow ARE you?  "));
    assertEquals("ab", TextNormalization.slimPajamaForm("a.b")); // removed without a space
    assertEquals("a b", TextNormalization.slimPajamaForm("a . b"));
    assertEquals(
        "quoted text", TextNormalization.slimPajamaForm("\u201cQuoted\u201d \u2014 text\u2026"));
    assertEquals(
        "5 3 8",
        TextNormalization.slimPajamaForm("$5 + 3 = 8")); // ASCII symbols of string.punctuation
    assertEquals(
        "\u20ac100 \u00bd",
        TextNormalization.slimPajamaForm("\u20ac100 \u00bd")); // other symbols kept
    assertEquals("snakecase", TextNormalization.slimPajamaForm("snake_case"));
    assertEquals("x y z", TextNormalization.slimPajamaForm("\u00a0x\u2003y\u0085z\u3000"));
    assertEquals(
        "\u03c3\u03bf\u03c6\u03bf\u03c3",
        TextNormalization.slimPajamaForm("\u03a3\u039f\u03a6\u039f\u03a3"));
    assertEquals("i", TextNormalization.slimPajamaForm("\u0130")); // simple case mapping
    assertEquals(
        "\u4f60\u597d\u4e16\u754c",
        TextNormalization.slimPajamaForm("\u4f60\u597d\uff0c\u4e16\u754c\u3002"));
    assertEquals("", TextNormalization.slimPajamaForm(""));
    assertEquals("", TextNormalization.slimPajamaForm(" ...!!! \n -- "));
    assertNull(TextNormalization.slimPajamaForm(null));
  }

  @Test
  void slimPajamaFormHandlesSurrogatePairs() {
    // U+1F600 (emoji, So) is kept; U+10400 DESERET CAPITAL LONG I lowercases to U+10428 (both
    // supplementary).
    assertEquals(
        "hi\ud83d\ude00 \ud801\udc28",
        TextNormalization.slimPajamaForm("Hi\ud83d\ude00! \ud801\udc00"));
    // U+1D7D8 (math digit) kept, U+1F4A9 kept, lone surrogates kept as they are.
    assertEquals("a\ud800b", TextNormalization.slimPajamaForm("A\ud800B"));
    assertEquals("x\udc00", TextNormalization.slimPajamaForm("X\udc00."));
  }

  @Test
  void slimPajamaLengthMatchesForm() {
    String[] samples = {
      "",
      "   ",
      "Hello, World!",
      "a . b",
      "\ud83d\ude00 \ud83d\ude00!!",
      "\n\n- item\r\n* two...",
      "\u4f60\u597d\uff0c\u4e16\u754c",
    };
    for (String s : samples) {
      String f = TextNormalization.slimPajamaForm(s);
      int cps = f.codePointCount(0, f.length());
      assertEquals(cps, TextNormalization.slimPajamaLength(s), s);
      assertEquals(cps, QualitySignals.compute(s).slimPajamaLength(), s);
    }
    assertEquals(0, TextNormalization.slimPajamaLength(null));
  }

  @Test
  void characterClasses() {
    for (char c : "!\"#%&'()*,-./:;?@[\\]_{}$+<=>^`|~".toCharArray()) {
      assertTrue(TextNormalization.isPunctuation(c), "punct " + c);
    }
    for (int cp : new int[] {0x2014, 0x2026, 0x3002, 0x00ab, 0x2022, 0x00b7}) {
      assertTrue(TextNormalization.isPunctuation(cp), Integer.toHexString(cp));
    }
    for (int cp : new int[] {'a', '0', ' ', 0x20ac, 0x2219, 0x25e6, 0x1f600, 0x00a9}) {
      assertFalse(TextNormalization.isPunctuation(cp), Integer.toHexString(cp));
    }
    for (int cp :
        new int[] {
          ' ', '\t', '\n', 0x0b, '\f', '\r', 0x1c, 0x1f, 0x85, 0xa0, 0x1680, 0x2007, 0x2028, 0x2029,
          0x202f, 0x205f, 0x3000
        }) {
      assertTrue(TextNormalization.isWhitespace(cp), Integer.toHexString(cp));
    }
    for (int cp : new int[] {'a', 0x200b, 0xfeff, 0}) {
      assertFalse(TextNormalization.isWhitespace(cp), Integer.toHexString(cp));
    }
  }
}
