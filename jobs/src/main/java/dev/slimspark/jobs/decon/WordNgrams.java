package dev.slimspark.jobs.decon;

/**
 * The words of a text and the 64-bit hashes of its word n-grams, with no String per word or n-gram.
 * A word is a maximal run of letters and digits, lowercased; every other character (punctuation,
 * whitespace, symbols) only separates words, so case, punctuation and line breaks do not change the
 * hashes. Eval items and documents are hashed by this one class, so they agree.
 *
 * <p>An n-gram's hash is a polynomial over its word hashes (prefix sums, O(1) per window and per
 * length) mixed with its length, so a k-word item and the k-word windows of a document compare
 * equal exactly when their normalized words do (up to 64-bit collisions).
 */
final class WordNgrams {
  private static final long BASE = 0x9E3779B97F4A7C15L;

  /** Word count of the last {@link #scan}. */
  int words;

  /** Per word: its hash, first char offset and end char offset (exclusive) in the text. */
  long[] hashes = new long[64];

  int[] starts = new int[64];
  int[] ends = new int[64];

  /** prefix[i] = polynomial hash of words [0, i). */
  private long[] prefix = new long[65];

  /** BASE^k for the lengths asked so far. */
  private final long[] powers;

  WordNgrams(int maxLength) {
    powers = new long[maxLength + 1];
    powers[0] = 1;
    for (int k = 1; k <= maxLength; k++) {
      powers[k] = powers[k - 1] * BASE;
    }
  }

  /** Splits {@code text} into words and fills the arrays; returns the word count. */
  int scan(String text) {
    int n = 0;
    int len = text.length();
    int i = 0;
    while (i < len) {
      char c = text.charAt(i);
      if (!isWordChar(c)) {
        i++;
        continue;
      }
      int start = i;
      long h = 0xcbf29ce484222325L; // FNV-1a over the lowercased chars
      while (i < len && isWordChar(c = text.charAt(i))) {
        h = (h ^ lower(c)) * 0x100000001b3L;
        i++;
      }
      if (n == hashes.length) {
        grow();
      }
      hashes[n] = mix(h);
      starts[n] = start;
      ends[n] = i;
      prefix[n + 1] = prefix[n] * BASE + hashes[n];
      n++;
    }
    words = n;
    return n;
  }

  /** The hash of the k words starting at word {@code from} (needs from + k <= words). */
  long ngram(int from, int k) {
    return mix(prefix[from + k] - prefix[from] * powers[k] + k);
  }

  /** The hash of a whole text's words, or 0 when it has none. */
  static long ofText(String text, WordNgrams w) {
    int n = w.scan(text);
    return n == 0 ? 0 : w.ngram(0, n);
  }

  private void grow() {
    int cap = hashes.length * 2;
    hashes = java.util.Arrays.copyOf(hashes, cap);
    starts = java.util.Arrays.copyOf(starts, cap);
    ends = java.util.Arrays.copyOf(ends, cap);
    prefix = java.util.Arrays.copyOf(prefix, cap + 1);
  }

  /** Letters and digits; symbols and emoji (surrogate pairs) only separate words. */
  private static boolean isWordChar(char c) {
    if (c < 128) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
    return Character.isLetterOrDigit(c);
  }

  private static char lower(char c) {
    if (c < 128) {
      return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
    return Character.toLowerCase(c);
  }

  /** MurmurHash3's 64-bit finalizer: spreads the bits for hash tables and Bloom filters. */
  static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb93fe53ae63bL;
    return z ^ (z >>> 33);
  }
}
