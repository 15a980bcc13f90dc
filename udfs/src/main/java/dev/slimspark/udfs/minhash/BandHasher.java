package dev.slimspark.udfs.minhash;

/**
 * Band keys: one 64-bit hash per band of a signature. The band index is part of the hash seed and
 * callers also keep it as a separate column, so equal values in different bands never collide. A
 * 64-bit key collision inside a band only adds a spurious candidate (removed by verification).
 */
public final class BandHasher {
  private final LshParams params;
  private final long seed;

  public BandHasher(LshParams params, long seed) {
    this.params = params;
    this.seed = seed;
  }

  public LshParams params() {
    return params;
  }

  /** Key of band {@code band} (0-based) of {@code sig}. */
  public long bandKey(long[] sig, int band) {
    int from = band * params.rows();
    return Hash64.hash(sig, from, from + params.rows(), seed ^ Hash64.fmix(band + 1L));
  }

  /** All band keys into {@code out} (length >= bands). */
  public void bandKeys(long[] sig, long[] out) {
    for (int band = 0; band < params.bands(); band++) {
      out[band] = bandKey(sig, band);
    }
  }

  /** True when the two signatures share at least one band (become LSH candidates). */
  public boolean collide(long[] x, long[] y) {
    int r = params.rows();
    for (int band = 0; band < params.bands(); band++) {
      boolean same = true;
      for (int i = band * r; i < band * r + r; i++) {
        if (x[i] != y[i]) {
          same = false;
          break;
        }
      }
      if (same) {
        return true;
      }
    }
    return false;
  }
}
