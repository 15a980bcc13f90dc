package dev.slimspark.jobs.decon;

/**
 * A Bloom filter over 64-bit hashes for an eval index too large to ship exactly: about 10 bits per
 * member at a 1 % false-positive rate (125 MB for 100 M n-grams, against 1.6 GB for the exact set).
 * Its false positives only cost a join: {@link DeconPipeline} confirms every candidate against the
 * index. Probes come from the hash's two halves (double hashing), so no rehashing of text.
 */
final class LongBloomFilter implements NgramFilter {
  private static final long serialVersionUID = 1L;

  private final long[] bits;
  private final long numBits;
  private final int probes;

  /** A filter for {@code expected} members at false-positive rate {@code fpp}. */
  LongBloomFilter(long expected, double fpp) {
    long n = Math.max(1, expected);
    long m = (long) Math.ceil(-n * Math.log(fpp) / (Math.log(2) * Math.log(2)));
    m = Math.max(64, (m + 63) / 64 * 64);
    bits = new long[Math.toIntExact(m / 64)];
    numBits = m;
    probes = Math.max(1, (int) Math.round((double) m / n * Math.log(2)));
  }

  void add(long h) {
    int a = (int) h;
    int b = (int) (h >>> 32);
    for (int i = 1; i <= probes; i++) {
      long bit = Math.floorMod(a + (long) i * b, numBits);
      bits[(int) (bit >>> 6)] |= 1L << bit;
    }
  }

  @Override
  public boolean mightContain(long h) {
    int a = (int) h;
    int b = (int) (h >>> 32);
    for (int i = 1; i <= probes; i++) {
      long bit = Math.floorMod(a + (long) i * b, numBits);
      if ((bits[(int) (bit >>> 6)] & (1L << bit)) == 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean exact() {
    return false;
  }

  @Override
  public long sizeBytes() {
    return bits.length * 8L;
  }
}
