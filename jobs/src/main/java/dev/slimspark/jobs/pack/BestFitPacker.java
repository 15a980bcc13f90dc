package dev.slimspark.jobs.pack;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Best-fit-decreasing packing after Ding et al. 2024 ("Fewer Truncations Improve Language
 * Modeling"): a document longer than a row is cut into row-sized chunks (each a full row) plus a
 * remainder; every other document stays whole. Pieces are buffered in a window of about
 * windowTokens tokens; at the window's end they are sorted by length (longest first) and each goes
 * into the open row with the least room that still fits it, else a new row. Rows are padded at the
 * end with pad_id.
 *
 * <p>Cost of bounding: rows are closed at every window end (and the packer runs per partition), so
 * the last rows of each window may be under-full. With windows of many thousands of pieces the
 * added padding is a small fraction of a percent (see PackBench); a window of one row's worth of
 * tokens degrades to one-document-per-row.
 */
final class BestFitPacker extends RowPacker {
  private final long windowTokens;
  private final List<Piece> window = new ArrayList<>();
  private long windowFill;

  private static final class Piece {
    final String docId;
    final int[] tokens;
    final int seq;

    Piece(String docId, int[] tokens, int seq) {
      this.docId = docId;
      this.tokens = tokens;
      this.seq = seq;
    }
  }

  /** An open row: its pieces in placement order and the room left. */
  private static final class Bin {
    final List<Piece> pieces = new ArrayList<>(4);
    int room;

    Bin(int room) {
      this.room = room;
    }
  }

  BestFitPacker(int rowTokens, int padId, long windowTokens) {
    super(rowTokens, padId);
    this.windowTokens = windowTokens;
  }

  @Override
  public void add(String docId, int[] tokens) {
    int len = tokens.length;
    if (len == 0) {
      return;
    }
    stats.docs++;
    stats.tokensIn += len;
    int full = len / rowTokens;
    int rest = len % rowTokens;
    if (full > 0 && (full > 1 || rest > 0)) {
      stats.docsSplit++;
    }
    for (int i = 0; i < full; i++) {
      int[] row = Arrays.copyOfRange(tokens, i * rowTokens, (i + 1) * rowTokens);
      emit(new PackedRow(row, new int[] {rowTokens}, new String[] {docId}, 0));
    }
    if (rest > 0) {
      int[] piece = full == 0 ? tokens : Arrays.copyOfRange(tokens, len - rest, len);
      window.add(new Piece(docId, piece, window.size()));
      windowFill += rest;
      if (windowFill >= windowTokens) {
        packWindow();
      }
    }
  }

  @Override
  public void finish() {
    packWindow();
  }

  private void packWindow() {
    if (window.isEmpty()) {
      return;
    }
    // Longest first; ties keep arrival order so the result depends only on the input order.
    window.sort(
        (a, b) ->
            a.tokens.length != b.tokens.length
                ? Integer.compare(b.tokens.length, a.tokens.length)
                : Integer.compare(a.seq, b.seq));
    List<Bin> bins = new ArrayList<>();
    // Open bins by room left; among equal room the oldest bin is used first (deterministic).
    TreeMap<Integer, ArrayDeque<Bin>> byRoom = new TreeMap<>();
    for (Piece p : window) {
      int need = p.tokens.length;
      Map.Entry<Integer, ArrayDeque<Bin>> fit = byRoom.ceilingEntry(need);
      Bin bin;
      if (fit == null) {
        bin = new Bin(rowTokens);
        bins.add(bin);
      } else {
        bin = fit.getValue().pollFirst();
        if (fit.getValue().isEmpty()) {
          byRoom.remove(fit.getKey());
        }
      }
      bin.pieces.add(p);
      bin.room -= need;
      if (bin.room > 0) {
        byRoom.computeIfAbsent(bin.room, r -> new ArrayDeque<>()).addLast(bin);
      }
    }
    for (Bin b : bins) {
      emit(toRow(b));
    }
    window.clear();
    windowFill = 0;
  }

  private PackedRow toRow(Bin b) {
    int[] row = new int[rowTokens];
    int[] segs = new int[b.pieces.size()];
    String[] docs = new String[b.pieces.size()];
    int off = 0;
    for (int i = 0; i < segs.length; i++) {
      Piece p = b.pieces.get(i);
      System.arraycopy(p.tokens, 0, row, off, p.tokens.length);
      off += p.tokens.length;
      segs[i] = p.tokens.length;
      docs[i] = p.docId;
    }
    Arrays.fill(row, off, rowTokens, padId);
    return new PackedRow(row, segs, docs, rowTokens - off);
  }
}
