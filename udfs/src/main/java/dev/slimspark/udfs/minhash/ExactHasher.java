package dev.slimspark.udfs.minhash;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * 128-bit content hash (first 16 bytes of SHA-256 over the UTF-8 of the normalized text) for exact
 * dedup. Streams the normalized code points through a small buffer: no normalized copy of the
 * document is built. SHA-256 rather than a fast hash so that exact dedup is exact up to a
 * negligible, non-adversarial collision probability. Not thread-safe; one per partition.
 */
public final class ExactHasher {
  private final Normalization normalization;
  private final MessageDigest sha;
  private final byte[] buf = new byte[8192];
  private int pos;

  public ExactHasher(Normalization normalization) {
    this.normalization = normalization;
    try {
      this.sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** 16-byte digest of the normalized form of {@code text}. */
  public byte[] digest(CharSequence text) {
    sha.reset();
    pos = 0;
    normalization.forEachCodePoint(text, this::utf8);
    sha.update(buf, 0, pos);
    return Arrays.copyOf(sha.digest(), 16);
  }

  private void utf8(int cp) {
    if (pos > buf.length - 4) {
      sha.update(buf, 0, pos);
      pos = 0;
    }
    if (cp < 0x80) {
      buf[pos++] = (byte) cp;
    } else if (cp < 0x800) {
      buf[pos++] = (byte) (0xC0 | (cp >> 6));
      buf[pos++] = (byte) (0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      buf[pos++] = (byte) (0xE0 | (cp >> 12));
      buf[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
      buf[pos++] = (byte) (0x80 | (cp & 0x3F));
    } else {
      buf[pos++] = (byte) (0xF0 | (cp >> 18));
      buf[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
      buf[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
      buf[pos++] = (byte) (0x80 | (cp & 0x3F));
    }
  }
}
