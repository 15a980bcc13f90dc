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

  private String[] verb() {
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

  // ------------------------------------------------------------------ per-source texts

  void commonCrawl(StringBuilder sb) {
    int start = sb.length();
    int target = lognormal(2800, 0.5, 1000, 8000);
    if (chance(60)) {
      titleCase(sb, between(2, 5));
      sb.append('\n');
    }
    prose(sb, start, target, "\n");
    if (chance(30)) {
      sb.append("\nPosted by ").append(pick(Vocab.NAMES)).append(" in ");
      word(sb, pick(Vocab.NOUNS), true);
      sb.append('.');
    }
  }

  void c4(StringBuilder sb) {
    prose(sb, sb.length(), lognormal(1200, 0.45, 500, 3000), "\n");
  }

  void wikipedia(StringBuilder sb, String title) {
    int start = sb.length();
    int target = lognormal(2500, 0.8, 400, 15000);
    sb.append(title).append("\n\n").append(title).append(" is a ").append(pick(Vocab.ADJECTIVES));
    sb.append(' ')
        .append(pick(Vocab.NOUNS))
        .append(" in the ")
        .append(pick(Vocab.NOUNS))
        .append(" of ");
    word(sb, pick(Vocab.NOUNS), true);
    sb.append(". ");
    paragraph(sb, 2, 5);
    int sections = 0;
    while (sb.length() - start < target) {
      sb.append("\n\n");
      if (sections++ % 2 == 0) {
        titleCase(sb, between(1, 3));
        sb.append("\n\n");
      }
      paragraph(sb, 3, 7);
    }
  }

  void stackExchange(StringBuilder sb) {
    int start = sb.length();
    int target = lognormal(1500, 0.6, 400, 6000);
    sb.append("Q:\n\nHow do I ").append(verb()[0]).append(' ');
    np(sb, false);
    sb.append(" with ");
    np(sb, false);
    sb.append("?\n\n");
    paragraph(sb, 2, 5);
    sb.append("\n\nA:\n\n");
    int answer = sb.length();
    prose(sb, answer, Math.max(200, target - (answer - start)), "\n\n");
  }

  void book(StringBuilder sb, String title) {
    int start = sb.length();
    int target = lognormal(45000, 0.35, 20000, 100000);
    sb.append(title).append("\n\n");
    int chapter = 0;
    int chapterEnd = 0;
    while (sb.length() - start < target) {
      if (sb.length() - start >= chapterEnd) {
        sb.append("CHAPTER ").append(++chapter).append("\n\n");
        chapterEnd = sb.length() - start + between(5000, 12000);
      }
      if (chance(30)) {
        // Dialogue brings quotes into the JSON (they must be escaped).
        sb.append("\"I have to ").append(verb()[0]).append(' ');
        np(sb, false);
        sb.append(",\" said ").append(pick(Vocab.NAMES)).append(". ");
      }
      paragraph(sb, 3, 8);
      sb.append("\n\n");
    }
    sb.setLength(sb.length() - 2);
  }

  void arxiv(StringBuilder sb) {
    int start = sb.length();
    int target = lognormal(9000, 0.5, 3000, 30000);
    String[] sections = {
      "Introduction", "Related Work", "Method", "Experiments", "Results", "Discussion"
    };
    int s = 0;
    while (sb.length() - start < target) {
      sb.append(s == 0 ? "" : "\n\n")
          .append("\\section{")
          .append(sections[s % sections.length])
          .append("}\n\n");
      s++;
      for (int p = between(2, 4); p > 0; p--) {
        paragraph(sb, 2, 5);
        sb.append(" We denote the ")
            .append(pick(Vocab.NOUNS))
            .append(" by $x_{")
            .append(between(1, 9))
            .append("}^{2}$ and the ")
            .append(pick(Vocab.NOUNS))
            .append(" by $\\alpha + \\beta$, with complexity $O(n \\log n)$ \\cite{")
            .append(pick(Vocab.NAMES).toLowerCase())
            .append(between(1990, 2023))
            .append("}.\n\n");
      }
      sb.append("\\begin{equation}\n  f(x) = \\sum_{i=1}^{n} \\alpha_i x^{")
          .append(between(2, 5))
          .append("} + \\beta\n\\end{equation}\n\n");
      paragraph(sb, 2, 4);
    }
  }

  void github(StringBuilder sb, boolean python) {
    int start = sb.length();
    int target = lognormal(2500, 0.7, 300, 12000);
    if (python) {
      sb.append("import os\nimport sys\n\n");
      while (sb.length() - start < target) {
        String noun = pick(Vocab.NOUNS);
        String other = pick(Vocab.NOUNS);
        sb.append("\ndef ")
            .append(verb()[0])
            .append('_')
            .append(noun)
            .append('(')
            .append(Vocab.plural(noun))
            .append(", limit=")
            .append(between(1, 99))
            .append("):\n    \"\"\"");
        sentence(sb);
        sb.append("\"\"\"\n    total = 0\n    for item in ")
            .append(Vocab.plural(noun))
            .append(":\n")
            .append("        if item.")
            .append(other)
            .append("_count > limit:\n")
            .append("            total += item.")
            .append(pick(Vocab.ADJECTIVES))
            .append('_')
            .append(other)
            .append(" * ")
            .append(between(2, 9))
            .append("\n        else:\n            total -= ")
            .append(between(1, 5))
            .append("\n    return total\n");
      }
    } else {
      String cls = capital(pick(Vocab.ADJECTIVES)) + capital(pick(Vocab.NOUNS));
      sb.append("package org.example.")
          .append(pick(Vocab.NOUNS))
          .append(";\n\nimport java.util.List;\n\n")
          .append("public class ")
          .append(cls)
          .append(" {\n    private final int limit = ")
          .append(between(1, 999))
          .append(";\n");
      while (sb.length() - start < target) {
        String noun = capital(pick(Vocab.NOUNS));
        sb.append("\n    /** ");
        sentence(sb);
        sb.append(" */\n    public int ")
            .append(verb()[0])
            .append(noun)
            .append("(List<")
            .append(noun)
            .append("> items) {\n        int total = 0;\n        for (")
            .append(noun)
            .append(" item : items) {\n            if (item.")
            .append(pick(Vocab.NOUNS))
            .append("Count() > limit) {\n                total += item.")
            .append(pick(Vocab.ADJECTIVES))
            .append("Weight() * ")
            .append(between(2, 9))
            .append(";\n            }\n        }\n")
            .append("        return total;\n    }\n");
      }
      sb.append("}\n");
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
