package dev.slimspark.udfs.tokenize.spm;

import java.util.Arrays;

/**
 * The ids of recently encoded parts (words, mostly), keyed by their characters, in flat arrays: a
 * lookup hashes the characters in place and allocates nothing. When an arena fills up the whole
 * cache is cleared (cheap, rare: a part repeats often or is short, and web text has a few hundred
 * thousand distinct words), so memory stays bounded at about 6 MB per thread.
 */
final class PartCache {
  private static final int SLOTS = 1 << 17;
  private static final int MAX_ENTRIES = SLOTS / 2;
  private static final int CHAR_ARENA = 1 << 20;
  private static final int ID_ARENA = 1 << 19;

  private final int[] slots = new int[SLOTS]; // entry index + 1; 0 = empty
  private final int[] entryHash = new int[MAX_ENTRIES];
  private final int[] entryChars = new int[MAX_ENTRIES];
  private final int[] entryIds = new int[MAX_ENTRIES];
  private final short[] entryCharLen = new short[MAX_ENTRIES];
  private final short[] entryIdLen = new short[MAX_ENTRIES];
  private final char[] chars = new char[CHAR_ARENA];
  private final int[] ids = new int[ID_ARENA];
  private int entries;
  private int charsUsed;
  private int idsUsed;

  /** Start value of a part's hash; {@link #mix} each char, then {@link #finish}. */
  static final int SEED = 0x811C9DC5;

  static int mix(int h, char c) {
    return (h ^ c) * 0x01000193;
  }

  static int finish(int h) {
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    return h ^ (h >>> 13);
  }

  /** Appends the cached ids of s[from, to) to {@code out} and returns true, or returns false. */
  boolean appendIfPresent(char[] s, int from, int to, int hash, Scratch out) {
    int len = to - from;
    int i = hash & (SLOTS - 1);
    while (true) {
      int e = slots[i] - 1;
      if (e < 0) {
        return false;
      }
      if (entryHash[e] == hash
          && entryCharLen[e] == len
          && Arrays.equals(chars, entryChars[e], entryChars[e] + len, s, from, to)) {
        out.addAll(ids, entryIds[e], entryIdLen[e]);
        return true;
      }
      i = (i + 1) & (SLOTS - 1);
    }
  }

  /** Remembers the ids {@code src[srcFrom, srcFrom + n)} of s[from, to). */
  void put(char[] s, int from, int to, int hash, int[] src, int srcFrom, int n) {
    int len = to - from;
    if (entries == MAX_ENTRIES || charsUsed + len > CHAR_ARENA || idsUsed + n > ID_ARENA) {
      clear();
    }
    int e = entries++;
    entryHash[e] = hash;
    entryChars[e] = charsUsed;
    entryIds[e] = idsUsed;
    entryCharLen[e] = (short) len;
    entryIdLen[e] = (short) n;
    System.arraycopy(s, from, chars, charsUsed, len);
    System.arraycopy(src, srcFrom, ids, idsUsed, n);
    charsUsed += len;
    idsUsed += n;
    int i = hash & (SLOTS - 1);
    while (slots[i] != 0) {
      i = (i + 1) & (SLOTS - 1);
    }
    slots[i] = e + 1;
  }

  private void clear() {
    Arrays.fill(slots, 0);
    entries = 0;
    charsUsed = 0;
    idsUsed = 0;
  }
}
