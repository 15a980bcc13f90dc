package dev.slimspark.jobs.pack;

/**
 * One packed row as the packers produce it: exactly seq_len + 1 tokens, the segments in order
 * (length and document of each) and the padding at the end.
 */
public final class PackedRow {
  public final int[] tokens;
  public final int[] segmentLengths;
  public final String[] docIds;
  public final int padCount;

  PackedRow(int[] tokens, int[] segmentLengths, String[] docIds, int padCount) {
    this.tokens = tokens;
    this.segmentLengths = segmentLengths;
    this.docIds = docIds;
    this.padCount = padCount;
  }
}
