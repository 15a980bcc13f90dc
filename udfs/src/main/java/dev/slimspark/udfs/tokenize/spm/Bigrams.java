package dev.slimspark.udfs.tokenize.spm;

import java.util.Arrays;

/**
 * Every pair of adjacent code points that occurs inside some vocabulary piece. Where two
 * neighbouring characters of a text form no such pair, no token can ever span them: BPE only builds
 * vocabulary pieces, and a piece spanning the two would contain the pair. The text can be cut there
 * and each part encoded alone with exactly the ids of the whole (merges on one side never depend on
 * the other, and the order of merges within a side is kept). This is what lets the encoder cache
 * words instead of running BPE over a whole document.
 *
 * <p>ASCII and U+2581 (the SentencePiece space) pairs are answered from a bitmap; other pairs from
 * a hash set of longs.
 */
final class Bigrams {
  private static final int SMALL = 129; // 0..127 ASCII, 128 = U+2581
  private static final long EMPTY = -1L;

  private final long[] smallBits = new long[(SMALL * SMALL + 63) / 64];
  private long[] set = new long[1024];
  private int size;

  private static int small(int cp) {
    if (cp < 128) {
      return cp;
    }
    return cp == '\u2581' ? 128 : -1;
  }

  Bigrams() {
    Arrays.fill(set, EMPTY);
  }

  /** Records every adjacent pair of code points of {@code piece}. */
  void addPiece(String piece) {
    int prev = -1;
    for (int i = 0; i < piece.length(); ) {
      int cp = piece.codePointAt(i);
      if (prev >= 0) {
        add(prev, cp);
      }
      prev = cp;
      i += Character.charCount(cp);
    }
  }

  private void add(int a, int b) {
    int sa = small(a);
    int sb = small(b);
    if (sa >= 0 && sb >= 0) {
      int bit = sa * SMALL + sb;
      smallBits[bit >>> 6] |= 1L << bit;
      return;
    }
    long k = ((long) a << 21) | b;
    if (size + 1 > set.length / 2) {
      grow();
    }
    int i = slot(k, set.length - 1);
    while (set[i] != EMPTY) {
      if (set[i] == k) {
        return;
      }
      i = (i + 1) & (set.length - 1);
    }
    set[i] = k;
    size++;
  }

  private void grow() {
    long[] old = set;
    set = new long[old.length * 2];
    Arrays.fill(set, EMPTY);
    for (long k : old) {
      if (k != EMPTY) {
        int i = slot(k, set.length - 1);
        while (set[i] != EMPTY) {
          i = (i + 1) & (set.length - 1);
        }
        set[i] = k;
      }
    }
  }

  private static int slot(long k, int mask) {
    long h = k * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 31)) & mask;
  }

  /** True when some piece holds code point {@code a} directly followed by {@code b}. */
  boolean contains(int a, int b) {
    if ((a | b) < 128) {
      int bit = a * SMALL + b;
      return (smallBits[bit >>> 6] & (1L << bit)) != 0;
    }
    int sa = small(a);
    int sb = small(b);
    if (sa >= 0 && sb >= 0) {
      int bit = sa * SMALL + sb;
      return (smallBits[bit >>> 6] & (1L << bit)) != 0;
    }
    long k = ((long) a << 21) | b;
    long[] s = set;
    int mask = s.length - 1;
    int i = slot(k, mask);
    while (true) {
      long x = s[i];
      if (x == k) {
        return true;
      }
      if (x == EMPTY) {
        return false;
      }
      i = (i + 1) & mask;
    }
  }
}
