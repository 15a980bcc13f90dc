package dev.slimspark.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Copies of earlier docs for the duplicate plants: word-edited near duplicates and formatting
 * variants. All randomness is drawn through the given {@link TextFactory}.
 */
final class DuplicateText {
  private final TextFactory tf;

  DuplicateText(TextFactory tf) {
    this.tf = tf;
  }

  /** Result of {@link #nearDuplicate}: the edited text and the edit counts. */
  record NearDup(String text, int edits, int baseWords) {}

  /**
   * Copies {@code base} with exactly round(rate·words) single-word edits (replace, insert before,
   * delete) at distinct word positions; whitespace between untouched words is kept. Words are
   * maximal runs of non-whitespace, so the word-level edit distance to the base is at most {@code
   * edits}.
   */
  NearDup nearDuplicate(String base, double rate) {
    List<int[]> spans = new ArrayList<>();
    int i = 0;
    int n = base.length();
    while (i < n) {
      while (i < n && Character.isWhitespace(base.charAt(i))) {
        i++;
      }
      if (i >= n) {
        break;
      }
      int s = i;
      while (i < n && !Character.isWhitespace(base.charAt(i))) {
        i++;
      }
      spans.add(new int[] {s, i});
    }
    int words = spans.size();
    int k = Math.max(1, (int) Math.round(rate * words));
    StringBuilder out = new StringBuilder(base.length() + 64);
    int prevEnd = 0;
    int remaining = k;
    for (int w = 0; w < words; w++) {
      int[] sp = spans.get(w);
      String sep = base.substring(prevEnd, sp[0]);
      prevEnd = sp[1];
      // Selection sampling: exactly k positions, in order, without an index array.
      boolean edit = remaining > 0 && tf.nextInt(words - w) < remaining;
      if (!edit) {
        out.append(out.length() == 0 ? "" : sep).append(base, sp[0], sp[1]);
        continue;
      }
      remaining--;
      String orig = base.substring(sp[0], sp[1]);
      switch (tf.nextInt(3)) {
        case 0 -> {
          String r;
          do {
            r = tf.chance(50) ? tf.pick(Vocab.NOUNS) : tf.pick(Vocab.ADJECTIVES);
          } while (r.equals(orig));
          out.append(out.length() == 0 ? "" : sep).append(r);
        }
        case 1 ->
            out.append(out.length() == 0 ? "" : sep)
                .append(tf.pick(Vocab.NOUNS))
                .append(' ')
                .append(orig);
        default -> {
          // delete: drop the word and its separator
        }
      }
    }
    out.append(base, prevEnd, n);
    return new NearDup(out.toString(), k, words);
  }

  /**
   * A copy of {@code base} that differs only in case, whitespace or punctuation; the applied
   * changes are added to {@code changes} ("lowercase", "whitespace", "punctuation").
   */
  String formattingVariant(String base, List<String> changes) {
    String t = base;
    int mask = 1 + tf.nextInt(7);
    if ((mask & 1) != 0) {
      t = t.toLowerCase(Locale.ROOT);
      changes.add("lowercase");
    }
    if ((mask & 2) != 0) {
      t = t.replace("\n", "\n\n").replace(". ", ".  ") + " \n";
      changes.add("whitespace");
    }
    if ((mask & 4) != 0) {
      t = t.replace(",", "").replace(". ", "! ");
      changes.add("punctuation");
    }
    if (t.equals(base)) {
      // e.g. an all-lowercase base with only the lowercase change: add trailing whitespace.
      t = t + "  ";
      changes.add("whitespace");
    }
    return t;
  }
}
