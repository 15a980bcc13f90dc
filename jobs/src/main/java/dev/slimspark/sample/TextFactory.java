package dev.slimspark.sample;

import java.util.SplittableRandom;

/**
 * Writes synthetic document texts into a caller's {@link StringBuilder}. Everything is drawn from
 * one {@link SplittableRandom}, so the same seed and the same call sequence give the same text.
 * Appending to a reused builder (no intermediate strings) keeps generation fast enough for the
 * gigabyte bench mode.
 */
final class TextFactory {
  private final SplittableRandom rng;

  TextFactory(SplittableRandom rng) {
    this.rng = rng;
  }

  // ------------------------------------------------------------------ random helpers

  String pick(String[] a) {
    return a[rng.nextInt(a.length)];
  }

  int nextInt(int bound) {
    return rng.nextInt(bound);
  }

  int between(int lo, int hiInclusive) {
    return lo + rng.nextInt(hiInclusive - lo + 1);
  }

  double nextDouble() {
    return rng.nextDouble();
  }

  boolean chance(int percent) {
    return rng.nextInt(100) < percent;
  }

  /**
   * Log-normal length in characters, clamped. Box-Muller from nextDouble so the sequence does not
   * depend on the JDK's own gaussian algorithm.
   */
  int lognormal(double median, double sigma, int min, int max) {
    double u1 = 1.0 - rng.nextDouble();
    double u2 = rng.nextDouble();
    double z = Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    double v = median * Math.exp(sigma * z);
    return (int) Math.max(min, Math.min(max, v));
  }

  private static boolean vowel(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
  }

  static void word(StringBuilder sb, String w, boolean cap) {
    if (cap) {
      sb.append(Character.toUpperCase(w.charAt(0))).append(w, 1, w.length());
    } else {
      sb.append(w);
    }
  }

  // ------------------------------------------------------------------ English prose

  /** A noun phrase: determiner, optional adjective, noun, optional "of the" complement. */
  void np(StringBuilder sb, boolean cap) {
    String det = pick(Vocab.DETERMINERS);
    String adj = chance(35) ? pick(Vocab.ADJECTIVES) : null;
    String noun = pick(Vocab.NOUNS);
    if (det.equals("a") && vowel((adj != null ? adj : noun).charAt(0))) {
      det = "an";
    }
    word(sb, det, cap);
    sb.append(' ');
    if (adj != null) {
      sb.append(adj).append(' ');
    }
    sb.append(noun);
    if (chance(20)) {
      sb.append(" of the ").append(pick(Vocab.NOUNS));
    }
  }

  private void pluralNp(StringBuilder sb, boolean cap) {
    word(sb, pick(Vocab.PLURAL_QUANTIFIERS), cap);
    sb.append(' ');
    if (chance(30)) {
      sb.append(pick(Vocab.ADJECTIVES)).append(' ');
    }
    sb.append(pick(Vocab.PLURAL_NOUNS));
  }

  String[] verb() {
    return Vocab.VERBS[rng.nextInt(Vocab.VERBS.length)];
  }

  /**
   * One English sentence with plenty of function words (the, of, and, to, that, with, have, be).
   */
  void sentence(StringBuilder sb) {
    switch (rng.nextInt(9)) {
      case 0 -> {
        np(sb, true);
        sb.append(' ').append(verb()[1]).append(' ');
        np(sb, false);
        sb.append(' ').append(pick(Vocab.PREPOSITIONS)).append(' ');
        np(sb, false);
      }
      case 1 -> {
        np(sb, true);
        sb.append(' ').append(verb()[2]).append(' ');
        np(sb, false);
        sb.append(", and ");
        np(sb, false);
        sb.append(' ').append(verb()[2]).append(' ');
        np(sb, false);
      }
      case 2 -> {
        sb.append("It is ").append(pick(Vocab.ADJECTIVES)).append(" that ");
        np(sb, false);
        sb.append(' ').append(verb()[1]).append(' ');
        np(sb, false);
        sb.append(" with ");
        np(sb, false);
      }
      case 3 -> {
        pluralNp(sb, true);
        sb.append(" have ").append(verb()[3]).append(' ');
        np(sb, false);
        sb.append(" to ").append(verb()[0]).append(' ');
        np(sb, false);
      }
      case 4 -> {
        sb.append("When ");
        np(sb, false);
        sb.append(' ').append(verb()[2]).append(' ');
        np(sb, false);
        sb.append(", ");
        np(sb, false);
        sb.append(" will be ").append(pick(Vocab.ADJECTIVES));
      }
      case 5 -> {
        sb.append(pick(Vocab.CONNECTORS)).append(' ');
        np(sb, false);
        sb.append(" has to ").append(verb()[0]).append(' ');
        np(sb, false);
        sb.append(" before ");
        np(sb, false);
      }
      case 6 -> {
        sb.append("There are ");
        pluralNp(sb, false);
        sb.append(' ').append(pick(Vocab.PREPOSITIONS)).append(' ');
        np(sb, false);
        sb.append(", and most of them ").append(verb()[0]).append(' ');
        np(sb, false);
      }
      case 7 -> {
        np(sb, true);
        sb.append(' ').append(pick(Vocab.ADVERBS)).append(' ').append(verb()[2]).append(' ');
        np(sb, false);
        sb.append(" that ").append(verb()[2]).append(' ');
        np(sb, false);
      }
      default -> {
        sb.append("We have to ").append(verb()[0]).append(' ');
        np(sb, false);
        sb.append(" with ");
        np(sb, false);
        sb.append(", because ");
        np(sb, false);
        sb.append(" can be ").append(pick(Vocab.ADJECTIVES));
      }
    }
    sb.append(chance(4) ? '?' : '.');
  }

  void paragraph(StringBuilder sb, int minSentences, int maxSentences) {
    int n = between(minSentences, maxSentences);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sentence(sb);
    }
  }

  /** Paragraphs until the text appended since {@code start} is at least {@code target} chars. */
  void prose(StringBuilder sb, int start, int target, String paragraphSep) {
    boolean first = sb.length() == start;
    while (sb.length() - start < target) {
      if (!first) {
        sb.append(paragraphSep);
      }
      first = false;
      paragraph(sb, 2, 7);
    }
  }

  void titleCase(StringBuilder sb, int words) {
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      String w = (i % 2 == 0) ? pick(Vocab.ADJECTIVES) : pick(Vocab.NOUNS);
      word(sb, w, true);
    }
  }

  static String capital(String w) {
    return Character.toUpperCase(w.charAt(0)) + w.substring(1);
  }

  // ------------------------------------------------------------------ other languages

  /** Prose in one of the {@link Vocab} foreign word tables (FR, DE, ES), about target chars. */
  void foreign(StringBuilder sb, String[][] lang, int target) {
    int start = sb.length();
    int inParagraph = 0;
    while (sb.length() - start < target) {
      if (inParagraph > 0) {
        sb.append(inParagraph >= 5 ? "\n" : " ");
        if (inParagraph >= 5) {
          inParagraph = 0;
        }
      }
      inParagraph++;
      word(sb, pick(lang[0]), true);
      sb.append(' ').append(pick(lang[1]));
      if (chance(40)) {
        sb.append(' ').append(pick(lang[3]));
      }
      sb.append(' ')
          .append(pick(lang[2]))
          .append(' ')
          .append(pick(lang[0]))
          .append(' ')
          .append(pick(lang[1]));
      if (chance(60)) {
        sb.append(' ')
            .append(pick(lang[4]))
            .append(' ')
            .append(pick(lang[0]))
            .append(' ')
            .append(pick(lang[1]));
      }
      if (chance(50)) {
        sb.append(' ').append(pick(lang[6]));
      }
      if (chance(50)) {
        sb.append(", ")
            .append(pick(lang[5]))
            .append(' ')
            .append(pick(lang[0]))
            .append(' ')
            .append(pick(lang[1]))
            .append(' ')
            .append(pick(lang[2]))
            .append(' ')
            .append(pick(lang[3]));
      }
      sb.append('.');
    }
  }
}
