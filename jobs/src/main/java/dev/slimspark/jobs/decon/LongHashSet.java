package dev.slimspark.jobs.decon;

/**
 * An open-addressing set of longs in one primitive array (linear probing, load at most 1/2): 16
 * bytes per member, no boxing, so a 1 M n-gram index is 16 MiB on every executor. The value 0 marks
 * an empty slot; the hash 0 is kept in a flag of its own.
 */
final class LongHashSet implements NgramFilter {
  private static final long serialVersionUID = 1L;

  private final long[] slots;
  private final int mask;
  private boolean hasZero;
  private long size;

  /** A set sized for {@code expected} members. */
  LongHashSet(long expected) {
    long cap = Long.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    if (cap > (1 << 30)) {
      throw new IllegalArgumentException("too many members for one array: " + expected);
    }
    slots = new long[(int) cap];
    mask = (int) cap - 1;
  }

  void add(long h) {
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
    return slots.length * 8L;
  }
}
