package dev.slimspark.jobs.decon;

/**
 * An open-addressing set of longs in one primitive array (linear probing, load at most 1/2): 16
 * bytes per member, no boxing, so a 1 M n-gram index is 16 MiB on every executor. The value 0 marks
 * an empty slot; the hash 0 is kept in a flag of its own. A bit array of 8 bits per member (1 MiB
 * for 1 M, so it stays in cache) answers most misses before the table is touched: nearly every
 * document window is a miss, and a table miss is a cache miss.
 */
final class LongHashSet implements NgramFilter {
  private static final long serialVersionUID = 1L;

  private final long[] slots;
  private final int mask;
  private final long[] pre;
  private final int preMask;
  private boolean hasZero;
  private long size;

  /** A set sized for {@code expected} members. */
  LongHashSet(long expected) {
    long cap = Long.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    if (cap > (1 << 28)) {
      throw new IllegalArgumentException("too many members for one array: " + expected);
    }
    slots = new long[(int) cap];
    mask = (int) cap - 1;
    long preBits = Math.max(64, cap * 4); // 8 bits per member at full load
    pre = new long[(int) (preBits >>> 6)];
    preMask = (int) (preBits - 1);
  }

  void add(long h) {
    int b = (int) (h >>> 32) & preMask;
    pre[b >>> 6] |= 1L << b;
    if (h == 0) {
      size += hasZero ? 0 : 1;
      hasZero = true;
      return;
    }
    int i = (int) h & mask;
    while (slots[i] != 0) {
      if (slots[i] == h) {
        return;
      }
      i = (i + 1) & mask;
    }
    slots[i] = h;
    size++;
  }

  @Override
  public boolean mightContain(long h) {
    int b = (int) (h >>> 32) & preMask;
    if ((pre[b >>> 6] & (1L << b)) == 0) {
      return false;
    }
    if (h == 0) {
      return hasZero;
    }
    int i = (int) h & mask;
    long s;
    while ((s = slots[i]) != 0) {
      if (s == h) {
        return true;
      }
      i = (i + 1) & mask;
    }
    return false;
  }

  long size() {
    return size;
  }

  @Override
  public boolean exact() {
    return true;
  }

  @Override
  public long sizeBytes() {
    return slots.length * 8L + pre.length * 8L;
  }
}
