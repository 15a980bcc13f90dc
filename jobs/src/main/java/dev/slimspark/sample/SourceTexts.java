package dev.slimspark.sample;

import static dev.slimspark.sample.SampleCorpusGenerator.ARXIV;
import static dev.slimspark.sample.SampleCorpusGenerator.BOOK;
import static dev.slimspark.sample.SampleCorpusGenerator.C4;
import static dev.slimspark.sample.SampleCorpusGenerator.CC;
import static dev.slimspark.sample.SampleCorpusGenerator.GITHUB;
import static dev.slimspark.sample.SampleCorpusGenerator.WIKIPEDIA;

/**
 * The normal English documents of each source (web pages, Wikipedia articles, Q&A threads, books,
 * papers, code), written into a caller's {@link StringBuilder}. All randomness is drawn through the
 * given {@link TextFactory}, so the same seed and the same call sequence give the same text.
 */
final class SourceTexts {
  private final TextFactory tf;

  SourceTexts(TextFactory tf) {
    this.tf = tf;
  }

  /** Writes a normal English doc of {@code source} into sb; returns its title (or null). */
  String write(StringBuilder sb, String source) {
    switch (source) {
      case CC -> commonCrawl(sb);
      case C4 -> c4(sb);
      case GITHUB -> github(sb, tf.chance(50));
      case BOOK -> {
        String title =
            "The "
                + TextFactory.capital(tf.pick(Vocab.ADJECTIVES))
                + " "
                + TextFactory.capital(tf.pick(Vocab.NOUNS));
        book(sb, title);
        return title;
      }
      case ARXIV -> arxiv(sb);
      case WIKIPEDIA -> {
        StringBuilder t = new StringBuilder();
        tf.titleCase(t, tf.between(1, 3));
        String title = t.toString();
        wikipedia(sb, title);
        return title;
      }
      default -> stackExchange(sb);
    }
    return null;
  }

  void commonCrawl(StringBuilder sb) {
    int start = sb.length();
    int target = tf.lognormal(2800, 0.5, 1000, 8000);
    if (tf.chance(60)) {
      tf.titleCase(sb, tf.between(2, 5));
      sb.append('\n');
    }
    tf.prose(sb, start, target, "\n");
    if (tf.chance(30)) {
      sb.append("\nPosted by ").append(tf.pick(Vocab.NAMES)).append(" in ");
      TextFactory.word(sb, tf.pick(Vocab.NOUNS), true);
      sb.append('.');
    }
  }

  void c4(StringBuilder sb) {
    tf.prose(sb, sb.length(), tf.lognormal(1200, 0.45, 500, 3000), "\n");
  }

  void wikipedia(StringBuilder sb, String title) {
    int start = sb.length();
    int target = tf.lognormal(2500, 0.8, 400, 15000);
    sb.append(title)
        .append("\n\n")
        .append(title)
        .append(" is a ")
        .append(tf.pick(Vocab.ADJECTIVES));
    sb.append(' ')
        .append(tf.pick(Vocab.NOUNS))
        .append(" in the ")
        .append(tf.pick(Vocab.NOUNS))
        .append(" of ");
    TextFactory.word(sb, tf.pick(Vocab.NOUNS), true);
    sb.append(". ");
    tf.paragraph(sb, 2, 5);
    int sections = 0;
    while (sb.length() - start < target) {
      sb.append("\n\n");
      if (sections++ % 2 == 0) {
        tf.titleCase(sb, tf.between(1, 3));
        sb.append("\n\n");
      }
      tf.paragraph(sb, 3, 7);
    }
  }

  void stackExchange(StringBuilder sb) {
    int start = sb.length();
    int target = tf.lognormal(1500, 0.6, 400, 6000);
    sb.append("Q:\n\nHow do I ").append(tf.verb()[0]).append(' ');
    tf.np(sb, false);
    sb.append(" with ");
    tf.np(sb, false);
    sb.append("?\n\n");
    tf.paragraph(sb, 2, 5);
    sb.append("\n\nA:\n\n");
    int answer = sb.length();
    tf.prose(sb, answer, Math.max(200, target - (answer - start)), "\n\n");
  }

  void book(StringBuilder sb, String title) {
    int start = sb.length();
    int target = tf.lognormal(45000, 0.35, 20000, 100000);
    sb.append(title).append("\n\n");
    int chapter = 0;
    int chapterEnd = 0;
    while (sb.length() - start < target) {
      if (sb.length() - start >= chapterEnd) {
        sb.append("CHAPTER ").append(++chapter).append("\n\n");
        chapterEnd = sb.length() - start + tf.between(5000, 12000);
      }
      if (tf.chance(30)) {
        // Dialogue brings quotes into the JSON (they must be escaped).
        sb.append("\"I have to ").append(tf.verb()[0]).append(' ');
        tf.np(sb, false);
        sb.append(",\" said ").append(tf.pick(Vocab.NAMES)).append(". ");
      }
      tf.paragraph(sb, 3, 8);
      sb.append("\n\n");
    }
    sb.setLength(sb.length() - 2);
  }

  void arxiv(StringBuilder sb) {
    int start = sb.length();
    int target = tf.lognormal(9000, 0.5, 3000, 30000);
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
      for (int p = tf.between(2, 4); p > 0; p--) {
        tf.paragraph(sb, 2, 5);
        sb.append(" We denote the ")
            .append(tf.pick(Vocab.NOUNS))
            .append(" by $x_{")
            .append(tf.between(1, 9))
            .append("}^{2}$ and the ")
            .append(tf.pick(Vocab.NOUNS))
            .append(" by $\\alpha + \\beta$, with complexity $O(n \\log n)$ \\cite{")
            .append(tf.pick(Vocab.NAMES).toLowerCase())
            .append(tf.between(1990, 2023))
            .append("}.\n\n");
      }
      sb.append("\\begin{equation}\n  f(x) = \\sum_{i=1}^{n} \\alpha_i x^{")
          .append(tf.between(2, 5))
          .append("} + \\beta\n\\end{equation}\n\n");
      tf.paragraph(sb, 2, 4);
    }
  }

  void github(StringBuilder sb, boolean python) {
    int start = sb.length();
    int target = tf.lognormal(2500, 0.7, 300, 12000);
    if (python) {
      sb.append("import os\nimport sys\n\n");
      while (sb.length() - start < target) {
        String noun = tf.pick(Vocab.NOUNS);
        String other = tf.pick(Vocab.NOUNS);
        sb.append("\ndef ")
            .append(tf.verb()[0])
            .append('_')
            .append(noun)
            .append('(')
            .append(Vocab.plural(noun))
            .append(", limit=")
            .append(tf.between(1, 99))
            .append("):\n    \"\"\"");
        tf.sentence(sb);
        sb.append("\"\"\"\n    total = 0\n    for item in ")
            .append(Vocab.plural(noun))
            .append(":\n")
            .append("        if item.")
            .append(other)
            .append("_count > limit:\n")
            .append("            total += item.")
            .append(tf.pick(Vocab.ADJECTIVES))
            .append('_')
            .append(other)
            .append(" * ")
            .append(tf.between(2, 9))
            .append("\n        else:\n            total -= ")
            .append(tf.between(1, 5))
            .append("\n    return total\n");
      }
    } else {
      String cls =
          TextFactory.capital(tf.pick(Vocab.ADJECTIVES))
              + TextFactory.capital(tf.pick(Vocab.NOUNS));
      sb.append("package org.example.")
          .append(tf.pick(Vocab.NOUNS))
          .append(";\n\nimport java.util.List;\n\n")
          .append("public class ")
          .append(cls)
          .append(" {\n    private final int limit = ")
          .append(tf.between(1, 999))
          .append(";\n");
      while (sb.length() - start < target) {
        String noun = TextFactory.capital(tf.pick(Vocab.NOUNS));
        sb.append("\n    /** ");
        tf.sentence(sb);
        sb.append(" */\n    public int ")
            .append(tf.verb()[0])
            .append(noun)
            .append("(List<")
            .append(noun)
            .append("> items) {\n        int total = 0;\n        for (")
            .append(noun)
            .append(" item : items) {\n            if (item.")
            .append(tf.pick(Vocab.NOUNS))
            .append("Count() > limit) {\n                total += item.")
            .append(tf.pick(Vocab.ADJECTIVES))
            .append("Weight() * ")
            .append(tf.between(2, 9))
            .append(";\n            }\n        }\n")
            .append("        return total;\n    }\n");
      }
      sb.append("}\n");
    }
  }
}
