package dev.slimspark.udfs.tokenize;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits long texts into pieces whose token ids, concatenated, equal the ids of the whole text.
 *
 * <p>A split is made only at a single ASCII space whose neighbours are both letters or digits
 * ("word word"). Pre-tokenizers of the byte-level BPE family (GPT-2) and SentencePiece-style
 * tokenizers (Llama: the space becomes "▁", a dummy "▁" is prepended) never let a token cross such
 * a point. The two families differ only in who owns the space: byte-level BPE attaches it to the
 * next word ({@link SpaceOwner#NEXT}: the next piece starts with the space), SentencePiece
 * re-creates it from the dummy prefix ({@link SpaceOwner#DROPPED}: the next piece starts after it).
 * Which applies is probed per tokenizer by {@link HfTokenizer}.
 *
 * <p>When no split point lies between {@code maxChars / 2} and the next {@code maxChars} characters
 * (a long CJK run, base64), the chunk grows to the next split point found, or to the end: chunks
 * can be longer than {@code maxChars}, text is never cut.
 */
public final class WhitespaceChunker {
  /** Where the space at a split point goes. */
  public enum SpaceOwner {
    /** The space starts the next piece (byte-level BPE). */
    NEXT,
    /** The space is dropped; the tokenizer re-creates it (SentencePiece dummy prefix). */
    DROPPED
  }

  private WhitespaceChunker() {}

  /** Pieces of {@code text}; one piece (the text itself) when it is at most {@code maxChars}. */
  public static List<String> split(String text, int maxChars, SpaceOwner owner) {
    List<String> out = new ArrayList<>();
    if (maxChars <= 0 || text.length() <= maxChars) {
      out.add(text);
      return out;
    }
    int start = 0;
    int n = text.length();
    while (n - start > maxChars) {
      int at = lastSafe(text, start + Math.max(1, maxChars / 2), start + maxChars);
      if (at < 0) {
        at = firstSafe(text, start + maxChars + 1);
      }
      if (at < 0) {
        break;
      }
      out.add(text.substring(start, at));
      start = owner == SpaceOwner.NEXT ? at : at + 1;
    }
    out.add(text.substring(start));
    return out;
  }

  /** The last split point in [lo, hi], or -1. */
  private static int lastSafe(String s, int lo, int hi) {
    for (int i = Math.min(hi, s.length() - 2); i >= Math.max(1, lo); i--) {
      if (safe(s, i)) {
        return i;
      }
    }
    return -1;
  }

  /** The first split point at or after {@code from}, or -1. */
  private static int firstSafe(String s, int from) {
    for (int i = Math.max(1, from); i <= s.length() - 2; i++) {
      if (safe(s, i)) {
        return i;
      }
    }
    return -1;
  }

  /** True when index i holds a space between two letters/digits (a split point). */
  static boolean safe(String s, int i) {
    return s.charAt(i) == ' '
        && Character.isLetterOrDigit(s.charAt(i - 1))
        && Character.isLetterOrDigit(s.charAt(i + 1));
  }
}
