package dev.slimspark.udfs.minhash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ExactHasherTest {
  @Test
  void digestIsSha256PrefixOfNormalizedUtf8() throws Exception {
    String text = "Hello, Wörld 😀 — 你好!";
    byte[] expected =
        Arrays.copyOf(
            MessageDigest.getInstance("SHA-256")
                .digest(DedupNormalizer.slimPajamaForm(text).getBytes(StandardCharsets.UTF_8)),
            16);
    assertArrayEquals(expected, new ExactHasher(Normalization.SLIMPAJAMA).digest(text));
    // Long input crosses the internal buffer boundary.
    String longText = "ab😀你".repeat(10_000);
    byte[] expectedLong =
        Arrays.copyOf(
            MessageDigest.getInstance("SHA-256").digest(longText.getBytes(StandardCharsets.UTF_8)),
            16);
    assertArrayEquals(expectedLong, new ExactHasher(Normalization.AS_IS).digest(longText));
  }

  @Test
  void variantsCollideOnlyUnderSlimForm() {
    ExactHasher slim = new ExactHasher(Normalization.SLIMPAJAMA);
    ExactHasher raw = new ExactHasher(Normalization.AS_IS);
    assertArrayEquals(slim.digest("A b, c."), slim.digest("a  B c"));
    assertFalse(Arrays.equals(raw.digest("A b, c."), raw.digest("a  B c")));
    assertEquals(16, raw.digest("").length);
  }
}
