package dev.slimspark.udfs.minhash;

import java.util.function.LongConsumer;

/**
 * Streams the 64-bit hashes of a document's shingles without materializing shingle strings.
 *
 * <p>Tokens are code points ({@link ShingleType#CHAR}) or words ({@link ShingleType#WORD}, each
 * word hashed on the fly to 64 bits); a ring buffer holds the last n tokens and every full window
 * is folded into one 64-bit shingle hash. Memory is O(n) whatever the document length, so a 50 MB
 * document costs only its own String. Duplicate shingles are emitted each time they occur (MinHash
 * and set builders are indifferent to repeats).
 *
 * <p>A document with fewer than n tokens yields zero shingles: callers must flag it (it can take
 * part in exact dedup only) rather than drop it.
 *
 * <p>Not thread-safe: one instance per task/partition; instances are cheap.
 */
public final class Shingler {
  private final ShingleType type;
  private final int n;
  private final Normalization normalization;
  private final long seed;
  private final long[] ring;

  public Shingler(ShingleType type, int n, Normalization normalization, long seed) {
    if (n < 1) {
      throw new IllegalArgumentException("shingle size must be >= 1: " + n);
    }
    this.type = type;
    this.n = n;
    this.normalization = normalization;
    this.seed = seed;
    this.ring = new long[n];
  }

  public ShingleType type() {
    return type;
  }

  public int n() {
    return n;
  }

  public Normalization normalization() {
    return normalization;
  }

  /**
   * Emits the hash of every shingle of {@code text} to {@code sink}.
   *
   * @return the number of shingles emitted (0 means "shorter than one shingle")
   */
  public int forEachShingle(CharSequence text, LongConsumer sink) {
    final boolean slim = normalization == Normalization.SLIMPAJAMA;
    final boolean words = type == ShingleType.WORD;
    final int len = text.length();
    int tokens = 0;
    int emitted = 0;
    // Char mode under slim form: whitespace runs become one space, emitted lazily so that
    // leading/trailing whitespace vanishes, exactly as DedupNormalizer.slimPajamaForm.
    boolean pendingSpace = false;
    boolean any = false;
    // Word mode: running hash of the current word.
    long wordAcc = 0;
    int wordLen = 0;
    for (int i = 0; i < len; ) {
      int cp = Character.codePointAt(text, i);
      i += Character.charCount(cp);
      boolean space;
      if (slim) {
        int m = DedupNormalizer.map(cp);
        if (m == DedupNormalizer.DROP) {
          continue;
        }
        space = m == DedupNormalizer.SPACE;
        cp = m;
      } else {
        space = words && DedupNormalizer.isWhitespace(cp);
      }
      if (words) {
        if (space) {
          if (wordLen > 0) {
            emitted += push(Hash64.fmix(wordAcc ^ wordLen), tokens++, sink);
            wordAcc = 0;
            wordLen = 0;
          }
        } else {
          wordAcc = Hash64.round(wordAcc, cp);
          wordLen++;
        }
      } else if (slim) {
        if (space) {
          pendingSpace = any;
        } else {
          if (pendingSpace) {
            emitted += push(' ', tokens++, sink);
            pendingSpace = false;
          }
          emitted += push(cp, tokens++, sink);
          any = true;
        }
      } else {
        emitted += push(cp, tokens++, sink);
      }
    }
    if (words && wordLen > 0) {
      emitted += push(Hash64.fmix(wordAcc ^ wordLen), tokens, sink);
    }
    return emitted;
  }

  /** Adds token number {@code index}; emits a shingle once the window is full. Returns 0 or 1. */
  private int push(long token, int index, LongConsumer sink) {
    int pos = index % n;
    ring[pos] = token;
    if (index + 1 < n) {
      return 0;
    }
    // Fold oldest to newest: positions pos+1..n-1 then 0..pos.
    long acc = seed;
    for (int k = pos + 1; k < n; k++) {
      acc = Hash64.round(acc, ring[k]);
    }
    for (int k = 0; k <= pos; k++) {
      acc = Hash64.round(acc, ring[k]);
    }
    sink.accept(Hash64.fmix(acc));
    return 1;
  }

  /** Number of shingles {@code text} has (0: flagged short). */
  public int count(CharSequence text) {
    return forEachShingle(text, h -> {});
  }
}
