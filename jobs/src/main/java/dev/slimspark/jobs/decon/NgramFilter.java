package dev.slimspark.jobs.decon;

import java.io.Serializable;

/**
 * Membership of n-gram hashes in the eval index, shipped to every executor in one broadcast. An
 * exact {@link LongHashSet} answers with no false positives; a {@link LongBloomFilter} may answer
 * yes for a hash not in the index, so its hits are confirmed by a join with the index.
 */
interface NgramFilter extends Serializable {
  boolean mightContain(long hash);

  /** Whether a yes is certain (no confirming join needed for membership). */
  boolean exact();

  /** Bytes of the shipped arrays. */
  long sizeBytes();
}
