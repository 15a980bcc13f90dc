package dev.slimspark.udfs.tokenize.spm;

import java.util.Arrays;

/**
 * Which two adjacent symbols may merge, into what, and how urgently: (left id, right id) to (rank,
 * merged id), in flat arrays with linear probing, so a lookup allocates nothing.
 *
 * <p>Lower rank merges first. Where two keys are put, the lower rank is kept.
 */
final class MergeTable {
  static final long ABSENT = -1L;
  private static final long EMPTY = -1L;

  private final long[] keys;
  private final long[] values;
  private final int mask;
  private int size;

  MergeTable(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    keys = new long[cap];
    values = new long[cap];
    mask = cap - 1;
    Arrays.fill(keys, EMPTY);
  }

  private static long key(int left, int right) {
    return ((long) left << 32) | (right & 0xFFFFFFFFL);
  }

  private static int slot(long key, int mask) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29)) & mask;
  }

  /** Adds a merge; an existing key keeps the lower rank. Ids and ranks must be non-negative. */
  void put(int left, int right, int rank, int merged) {
    long k = key(left, right);
    long v = ((long) rank << 32) | merged;
    int i = slot(k, mask);
    while (keys[i] != EMPTY) {
      if (keys[i] == k) {
        if (rank < (int) (values[i] >>> 32)) {
          values[i] = v;
        }
        return;
      }
      i = (i + 1) & mask;
    }
    if (size + 1 > keys.length / 2) {
      throw new IllegalStateException("merge table sized for fewer entries");
    }
    keys[i] = k;
    values[i] = v;
    size++;
  }

  /** {@code (rank << 32) | merged}, or {@link #ABSENT}. */
  long get(int left, int right) {
    long k = key(left, right);
    int i = slot(k, mask);
    long[] ks = keys;
    while (true) {
      long x = ks[i];
      if (x == k) {
        return values[i];
      }
      if (x == EMPTY) {
        return ABSENT;
      }
      i = (i + 1) & mask;
    }
  }

  int size() {
    return size;
  }
}
