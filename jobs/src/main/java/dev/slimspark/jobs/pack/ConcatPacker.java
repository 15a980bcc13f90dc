package dev.slimspark.jobs.pack;

import java.util.ArrayList;
import java.util.List;

/**
 * TinyLlama's packing: concatenate documents (each already carries BOS/EOS) and cut every rowTokens
 * tokens. No padding; a document may start in one row and continue in the next. The final partial
 * row of the stream is dropped and counted (once per partition and split, so at most rowTokens - 1
 * tokens per partition are lost).
 */
final class ConcatPacker extends RowPacker {
  private final int[] buf;
  private int fill;
  private final List<Integer> segLens = new ArrayList<>();
  private final List<String> segDocs = new ArrayList<>();

  /** Whether the buffer's first segment is the rest of a document cut at the last row boundary. */
  private boolean bufferStartsWithContinuation;

  ConcatPacker(int rowTokens, int padId) {
    super(rowTokens, padId);
    buf = new int[rowTokens];
  }

  @Override
  public void add(String docId, int[] tokens) {
    if (tokens.length == 0) {
      return;
    }
    stats.docs++;
    stats.tokensIn += tokens.length;
    int off = 0;
    int pieces = 0;
    while (off < tokens.length) {
      int n = Math.min(rowTokens - fill, tokens.length - off);
      System.arraycopy(tokens, off, buf, fill, n);
      fill += n;
      off += n;
      pieces++;
      segLens.add(n);
      segDocs.add(docId);
      if (fill == rowTokens) {
        flushRow();
        bufferStartsWithContinuation = off < tokens.length;
      }
    }
    // A document whose last piece stays in the buffer is split if it had an earlier piece; if the
    // buffer is dropped at the end that piece counts in tailTokensDropped.
    if (pieces > 1) {
      stats.docsSplit++;
    }
  }

  private void flushRow() {
    int[] segs = new int[segLens.size()];
    for (int i = 0; i < segs.length; i++) {
      segs[i] = segLens.get(i);
    }
    emit(new PackedRow(buf.clone(), segs, segDocs.toArray(new String[0]), 0));
    fill = 0;
    segLens.clear();
    segDocs.clear();
  }

  @Override
  public void finish() {
    if (fill == 0) {
      return;
    }
    stats.tailTokensDropped += fill;
    // Every tail segment is a whole document except a first one that continues a document cut at
    // the previous row boundary (already counted as split).
    stats.docsInTail += segLens.size() - (bufferStartsWithContinuation ? 1 : 0);
    fill = 0;
    segLens.clear();
    segDocs.clear();
  }
}
