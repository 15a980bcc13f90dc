package dev.slimspark.jobs.pack;

/**
 * What one packer saw and did, per (partition, split). Reconciles exactly: {@code tokensIn = rows *
 * rowTokens - padTokens + tailTokensDropped}.
 */
public final class PackStats {
  /** Document copies received (after mixing; an upsampled document counts once per copy). */
  public long docs;

  /** Their tokens. */
  public long tokensIn;

  /** Copies cut into more than one piece (across rows, or across a row and the dropped tail). */
  public long docsSplit;

  /** concat only: tokens of the final partial row, dropped. */
  public long tailTokensDropped;

  /** concat only: copies whose tokens were all in the dropped tail. */
  public long docsInTail;

  public long rows;
  public long padTokens;
}
