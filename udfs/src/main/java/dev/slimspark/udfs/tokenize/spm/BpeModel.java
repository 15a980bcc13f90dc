package dev.slimspark.udfs.tokenize.spm;

import java.util.HashMap;
import java.util.Map;

/**
 * A SentencePiece-style BPE model with byte fallback, reduced to what encoding needs: pieces by id,
 * the merge table, each character's initial symbol, the byte pieces, and the {@link Bigrams} that
 * tell where a text may be cut. Built by {@link SpmModelReader} or {@link HfBpeReader}; immutable
 * once built, shared by every thread.
 *
 * <p>Symbol ids: a vocabulary id for a piece that text can produce (SentencePiece's NORMAL pieces;
 * for tokenizer.json every vocabulary entry but special and byte tokens); an id at or above {@link
 * #vocabSize} for a single character that is no piece but can still merge (SentencePiece merges by
 * string, so "ab" can form from an "a" that is no piece of its own); -1 for a character that is no
 * piece and never merges (byte fallback).
 */
final class BpeModel {
  final String name;
  final String[] pieces;
  final Map<String, Integer> ids;
  final int vocabSize;
  final int[] byteIds;

  /** Byte value of each byte piece's id, -1 for other ids. */
  final int[] byteValue;

  final MergeTable merges;
  final Bigrams bigrams;
  private final int[] bmpSymbols;
  private final Map<Integer, Integer> otherSymbols;

  private BpeModel(Builder b) {
    this.name = b.name;
    this.pieces = b.pieces;
    this.ids = b.ids;
    this.vocabSize = b.pieces.length;
    this.byteIds = b.byteIds;
    this.byteValue = new int[b.pieces.length];
    java.util.Arrays.fill(byteValue, -1);
    for (int v = 0; v < 256; v++) {
      byteValue[b.byteIds[v]] = v;
    }
    this.merges = b.merges;
    this.bigrams = b.bigrams;
    this.bmpSymbols = b.bmpSymbols;
    this.otherSymbols = b.otherSymbols;
  }

  /** The initial symbol of code point {@code cp} (see the class comment). */
  int symbolOf(int cp) {
    if (cp < 0x10000) {
      return bmpSymbols[cp];
    }
    Integer s = otherSymbols.get(cp);
    return s == null ? -1 : s;
  }

  /** Collects a model's parts, then checks and freezes them. */
  static final class Builder {
    private final String name;
    private final String[] pieces;
    private final Map<String, Integer> ids = new HashMap<>();
    private final Map<String, Integer> textPieces = new HashMap<>();
    private final int[] byteIds = new int[256];
    private final Bigrams bigrams = new Bigrams();
    private final int[] bmpSymbols = new int[0x10000];
    private final Map<Integer, Integer> otherSymbols = new HashMap<>();
    private long[] pending = new long[1024];
    private int pendingCount;
    private MergeTable merges;
    private int nextSynthetic;

    Builder(String name, int size) {
      this.name = name;
      this.pieces = new String[size];
      this.nextSynthetic = size;
      java.util.Arrays.fill(bmpSymbols, -1);
      java.util.Arrays.fill(byteIds, -1);
    }

    /**
     * A piece of the vocabulary; {@code matchable}: text can produce it (not special, not a byte).
     */
    void piece(int id, String piece, boolean matchable) {
      pieces[id] = piece;
      ids.putIfAbsent(piece, id);
      if (piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">") && !matchable) {
        int v = Character.digit(piece.charAt(3), 16) * 16 + Character.digit(piece.charAt(4), 16);
        if (Character.digit(piece.charAt(3), 16) >= 0
            && Character.digit(piece.charAt(4), 16) >= 0
            && byteIds[v] < 0) {
          byteIds[v] = id;
        }
      }
      if (matchable && textPieces.putIfAbsent(piece, id) == null) {
        bigrams.addPiece(piece);
        if (piece.codePointCount(0, piece.length()) == 1) {
          setSymbol(piece.codePointAt(0), id);
        }
      }
    }

    Integer textPiece(String piece) {
      return textPieces.get(piece);
    }

    Map<String, Integer> textPieces() {
      return textPieces;
    }

    /** Two symbols that may merge into {@code merged}; lower rank first. */
    void merge(int left, int right, int rank, int merged) {
      if (pendingCount + 2 > pending.length) {
        pending = java.util.Arrays.copyOf(pending, pending.length * 2);
      }
      pending[pendingCount++] = ((long) left << 32) | (right & 0xFFFFFFFFL);
      pending[pendingCount++] = ((long) rank << 32) | merged;
    }

    /** The symbol of a one-character string that may be no piece: a synthetic id is made for it. */
    int symbolForChar(String oneChar) {
      int cp = oneChar.codePointAt(0);
      int s = symbolFor(cp);
      if (s < 0) {
        s = nextSynthetic++;
        setSymbol(cp, s);
      }
      return s;
    }

    private int symbolFor(int cp) {
      if (cp < 0x10000) {
        return bmpSymbols[cp];
      }
      return otherSymbols.getOrDefault(cp, -1);
    }

    private void setSymbol(int cp, int id) {
      if (cp < 0x10000) {
        bmpSymbols[cp] = id;
      } else {
        otherSymbols.put(cp, id);
      }
    }

    BpeModel build() throws java.io.IOException {
      for (int i = 0; i < pieces.length; i++) {
        if (pieces[i] == null) {
          throw new java.io.IOException(
              name
                  + ": vocabulary has no piece with id "
                  + i
                  + " (ids must be 0.."
                  + (pieces.length - 1)
                  + ")");
        }
      }
      for (int b = 0; b < 256; b++) {
        if (byteIds[b] < 0) {
          throw new java.io.IOException(
              String.format(
                  "%s: byte piece <0x%02X> is missing; the sentencepiece kind needs byte fallback with all 256 byte pieces",
                  name, b));
        }
      }
      merges = new MergeTable(pendingCount / 2);
      for (int i = 0; i < pendingCount; i += 2) {
        long k = pending[i];
        long v = pending[i + 1];
        merges.put((int) (k >>> 32), (int) k, (int) (v >>> 32), (int) v);
      }
      pending = null;
      return new BpeModel(this);
    }
  }
}
