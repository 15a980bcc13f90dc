package dev.slimspark.jobs.pack;

/** Seeded 64-bit mixing for deterministic row order (SplitMix64's finalizer, public domain). */
final class Hashing {
  private Hashing() {}

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** A well-spread key for (seed, a, b, c); different inputs collide only by chance. */
  static long key(long seed, long a, long b, long c) {
    return mix(mix(mix(seed ^ 0x9e3779b97f4a7c15L) + a) + b) ^ mix(c);
  }
}
