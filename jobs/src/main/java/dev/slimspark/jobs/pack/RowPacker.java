package dev.slimspark.jobs.pack;

import java.util.ArrayDeque;

/**
 * Packs a stream of documents (in a fixed, seeded order) into rows of {@code rowTokens} tokens.
 * Single-threaded, one instance per (partition, split). Finished rows queue up in {@link #ready};
 * callers drain it after each {@link #add} so memory stays bounded by one document (concat) or one
 * window (best-fit).
 */
public abstract class RowPacker {
  protected final int rowTokens;
  protected final int padId;
  protected final PackStats stats = new PackStats();

  /** Rows finished and not yet taken by the caller, in output order. */
  public final ArrayDeque<PackedRow> ready = new ArrayDeque<>();

  protected RowPacker(int rowTokens, int padId) {
    this.rowTokens = rowTokens;
    this.padId = padId;
  }

  /** The packer for a mode. */
  public static RowPacker create(
      PackOptions.Mode mode, int rowTokens, int padId, long windowTokens) {
    return mode == PackOptions.Mode.CONCAT
        ? new ConcatPacker(rowTokens, padId)
        : new BestFitPacker(rowTokens, padId, windowTokens);
  }

  /** Adds one document copy; empty documents are ignored. */
  public abstract void add(String docId, int[] tokens);

  /** Flushes what is buffered (concat: drops and counts the tail); call once, at the end. */
  public abstract void finish();

  public PackStats stats() {
    return stats;
  }

  protected void emit(PackedRow row) {
    stats.rows++;
    stats.padTokens += row.padCount;
    ready.addLast(row);
  }
}
