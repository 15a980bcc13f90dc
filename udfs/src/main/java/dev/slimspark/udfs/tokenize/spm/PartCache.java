package dev.slimspark.udfs.tokenize.spm;

import java.util.Arrays;

/**
 * The ids of recently encoded parts (words, mostly), keyed by their characters: a lookup hashes the
 * characters in place and allocates nothing. When the cache fills up it is cleared whole (cheap,
 * rare: a part repeats often or is short, and web text has a few hundred thousand distinct words),
 * so memory stays bounded at 3 MB per thread.
 *
 * <p>Layout, chosen for the memory system rather than for the instruction count: a hit touches one
 * slot (the part's full hash and where its entry starts) and one run of the arena (a header, the
 * characters two per int, then the ids), so usually two or three cache lines. Inside a Spark task
 * the core's caches are shared with Parquet decoding and encoding, and an entry spread over
 * parallel arrays (hash, lengths, offsets, characters, ids: seven lines) cost the encoder twice its
 * standalone time.
 */
final class PartCache {
  private static final int SLOTS = 1 << 17;
  private static final int MAX_ENTRIES = SLOTS / 2;
  private static final int ARENA = 1 << 19;

  /** (full hash << 32) | (arena offset + 1); 0 = empty. Linear probing. */
  private final long[] slots = new long[SLOTS];

  /** Entries: header (chars << 16 | ids), ceil(chars / 2) ints of characters, the ids. */
  private final int[] arena = new int[ARENA];

  private int entries;
  private int used;

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
      long v = slots[i];
      if (v == 0) {
        return false;
      }
      if ((int) (v >>> 32) == hash) {
        int o = (int) v - 1;
        int header = arena[o];
        if (header >>> 16 == len && sameChars(o + 1, s, from, len)) {
          out.addAll(arena, o + 1 + ((len + 1) >>> 1), header & 0xFFFF);
          return true;
        }
      }
      i = (i + 1) & (SLOTS - 1);
    }
  }

  private boolean sameChars(int at, char[] s, int from, int len) {
    int[] a = arena;
    int k = 0;
    for (; k + 1 < len; k += 2) {
      if (a[at++] != (s[from + k] | (s[from + k + 1] << 16))) {
        return false;
      }
    }
    return k == len || a[at] == s[from + k];
  }

  /**
   * Remembers the ids {@code src[srcFrom, srcFrom + n)} of s[from, to). Parts over {@link
   * SentencePieceBpe#MAX_CACHED_CHARS} characters are never offered, so both lengths fit 16 bits.
   */
  void put(char[] s, int from, int to, int hash, int[] src, int srcFrom, int n) {
    int len = to - from;
    int size = 1 + ((len + 1) >>> 1) + n;
    if (entries == MAX_ENTRIES || used + size > ARENA) {
      clear();
    }
    int o = used;
    int[] a = arena;
    a[o] = (len << 16) | n;
    int at = o + 1;
    int k = 0;
    for (; k + 1 < len; k += 2) {
      a[at++] = s[from + k] | (s[from + k + 1] << 16);
    }
    if (k < len) {
      a[at++] = s[from + k];
    }
    System.arraycopy(src, srcFrom, a, at, n);
    used += size;
    entries++;
    int i = hash & (SLOTS - 1);
    while (slots[i] != 0) {
      i = (i + 1) & (SLOTS - 1);
    }
    slots[i] = ((long) hash << 32) | (o + 1);
  }

  private void clear() {
    Arrays.fill(slots, 0L);
    entries = 0;
    used = 0;
  }
}
