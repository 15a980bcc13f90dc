package dev.slimspark.udfs.minhash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShinglerTest {
  private static List<Long> hashes(Shingler s, String text) {
    List<Long> out = new ArrayList<>();
    s.forEachShingle(text, out::add);
    return out;
  }

  @Test
  void charShinglesOverCodePoints() {
    Shingler s = new Shingler(ShingleType.CHAR, 2, Normalization.AS_IS, 7);
    List<Long> h = hashes(s, "abcab");
    assertEquals(4, h.size()); // ab bc ca ab
    assertEquals(h.get(0), h.get(3));
    assertNotEquals(h.get(0), h.get(1));
    // Same shingle content gives the same hash wherever it occurs, in any document.
    assertEquals(h.get(1), hashes(s, "xbc").get(1));
    // A supplementary code point is one token.
    assertEquals(2, s.count("a😀b"));
  }

  @Test
  void cjkCharShinglesWithoutSpaces() {
    Shingler s = new Shingler(ShingleType.CHAR, 3, Normalization.SLIMPAJAMA, 7);
    assertEquals(5, s.count("我爱北京天安门"));
    assertEquals(hashes(s, "我爱北京天安门"), hashes(s, "我爱，北京。天安门！"));
  }

  @Test
  void wordShingles() {
    Shingler s = new Shingler(ShingleType.WORD, 2, Normalization.AS_IS, 7);
    List<Long> h = hashes(s, "a b  c\td a b");
    assertEquals(5, h.size()); // (a b) (b c) (c d) (d a) (a b)
    assertEquals(h.get(0), h.get(4));
    // Word tokens are not character sequences: "ab" as one word differs from "a b".
    Shingler one = new Shingler(ShingleType.WORD, 1, Normalization.AS_IS, 7);
    assertNotEquals(hashes(one, "ab"), hashes(one, "a b").subList(0, 1));
    assertEquals(1, hashes(one, "ab").size());
  }

  @Test
  void slimFormMakesCaseWhitespacePunctuationVariantsEqual() {
    Shingler c = new Shingler(ShingleType.CHAR, 13, Normalization.SLIMPAJAMA, 7);
    String a = "The quick brown fox jumps over the lazy dog.";
    String b = "  the QUICK, brown   fox -- jumps over the lazy dog!!\n";
    assertEquals(hashes(c, a), hashes(c, b));
    assertEquals(hashes(c, a), hashes(c, DedupNormalizer.slimPajamaForm(a)));
    Shingler w = new Shingler(ShingleType.WORD, 5, Normalization.SLIMPAJAMA, 7);
    assertEquals(hashes(w, a), hashes(w, b));
    Shingler raw = new Shingler(ShingleType.CHAR, 13, Normalization.AS_IS, 7);
    assertNotEquals(hashes(raw, a), hashes(raw, b));
  }

  @Test
  void shortDocumentsYieldNoShingle() {
    Shingler c = new Shingler(ShingleType.CHAR, 13, Normalization.SLIMPAJAMA, 7);
    assertEquals(0, c.count(""));
    assertEquals(0, c.count("x"));
    assertEquals(0, c.count("twelve chars"));
    assertEquals(1, c.count("thirteen char"));
    Shingler w = new Shingler(ShingleType.WORD, 5, Normalization.SLIMPAJAMA, 7);
    assertEquals(0, w.count("one two three four"));
    assertEquals(0, w.count(" , . ! "));
    assertEquals(1, w.count("one two three four five"));
  }

  @Test
  void seedChangesHashes() {
    String t = "some text long enough";
    assertNotEquals(
        hashes(new Shingler(ShingleType.CHAR, 5, Normalization.AS_IS, 1), t),
        hashes(new Shingler(ShingleType.CHAR, 5, Normalization.AS_IS, 2), t));
    assertArrayEquals(
        Jaccard.shingleSet(t, new Shingler(ShingleType.CHAR, 5, Normalization.AS_IS, 1)),
        Jaccard.shingleSet(t, new Shingler(ShingleType.CHAR, 5, Normalization.AS_IS, 1)));
  }
}
