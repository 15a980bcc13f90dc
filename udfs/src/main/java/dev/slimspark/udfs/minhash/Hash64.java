package dev.slimspark.udfs.minhash;

/**
 * Small 64-bit hashing primitives (own implementation; the round and finalizer follow the
 * well-known multiply-rotate-multiply pattern of xxHash64-style hashes, with different constants).
 * Not cryptographic: adversarial inputs can force collisions.
 */
public final class Hash64 {
  static final long P1 = 0x9E3779B185EBCA87L;
  static final long P2 = 0xC2B2AE3D27D4EB4FL;
  static final long P3 = 0x165667B19E3779F9L;

  private Hash64() {}

  /** Absorbs one 64-bit input into the accumulator. */
  public static long round(long acc, long input) {
    acc += input * P2;
    acc = Long.rotateLeft(acc, 31);
    return acc * P1;
  }

  /** Final avalanche: every output bit depends on every input bit. */
  public static long fmix(long h) {
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 33;
    return h;
  }

  /** Hash of a long array slice, seeded; used for band keys. */
  public static long hash(long[] values, int from, int to, long seed) {
    long acc = seed + P3;
    for (int i = from; i < to; i++) {
      acc = round(acc, values[i]);
    }
    return fmix(acc ^ (to - from));
  }
}
