package dev.slimspark.sample;

/**
 * Texts planted to fail exactly one Gopher-style quality rule, one method per rule. All randomness
 * is drawn through the given {@link TextFactory}, so the same seed and call sequence give the same
 * text.
 */
final class LowQualityText {
  private final TextFactory tf;

  LowQualityText(TextFactory tf) {
    this.tf = tf;
  }

  /** Writes a text that violates {@code rule} (one of the Gopher-style rule names). */
  void write(StringBuilder sb, String rule) {
    switch (rule) {
      case "short_document" -> shortDocument(sb);
      case "word_count" -> fewLongWords(sb);
      case "mean_word_length" -> {
        if (tf.chance(50)) {
          longWords(sb);
        } else {
          tinyWords(sb);
        }
      }
      case "symbol_ratio" -> symbols(sb);
      case "bullet_lines" -> bulletLines(sb);
      case "ellipsis_lines" -> ellipsisLines(sb);
      case "alpha_words" -> numberTable(sb);
      case "stop_words" -> keywordLists(sb);
      default -> throw new IllegalArgumentException("unknown rule " + rule);
    }
  }

  /** One sentence well under 200 characters. */
  private void shortDocument(StringBuilder sb) {
    int start = sb.length();
    do {
      sb.setLength(start);
      tf.sentence(sb);
    } while (sb.length() - start >= 180);
  }

  /** Fewer than 50 words but ≥ 200 chars: two of three words are long. */
  private void fewLongWords(StringBuilder sb) {
    int n = tf.between(36, 45);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(i % 12 == 0 ? ". " : " ");
      }
      String w = (i % 3 == 0) ? tf.pick(Vocab.GOPHER_STOP_WORDS) : tf.pick(Vocab.LONG_WORDS);
      TextFactory.word(sb, w, i % 12 == 0);
    }
    sb.append('.');
  }

  /** Mean word length too long: run-together compounds, with a few stop words kept. */
  private void longWords(StringBuilder sb) {
    int n = tf.between(70, 120);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      if (i % 6 == 5) {
        sb.append(tf.pick(Vocab.GOPHER_STOP_WORDS));
      } else {
        sb.append(tf.pick(Vocab.ADJECTIVES)).append(tf.pick(Vocab.NOUNS));
        if (tf.chance(50)) {
          sb.append(tf.pick(Vocab.NOUNS));
        }
      }
    }
    sb.append('.');
  }

  /** Mean word length too short: one- and two-letter tokens only. */
  private void tinyWords(StringBuilder sb) {
    int n = tf.between(110, 160);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(i % 10 == 0 ? ". " : " ");
      }
      sb.append(tf.pick(Vocab.TINY_WORDS));
    }
    sb.append('.');
  }

  /** Sentences with hash tags or "..." tokens spliced after about a third of the words. */
  private void symbols(StringBuilder sb) {
    int start = sb.length();
    boolean hashes = tf.chance(50);
    int target = tf.between(500, 1500);
    while (sb.length() - start < target) {
      int s = sb.length();
      tf.sentence(sb);
      String sent = sb.substring(s);
      sb.setLength(s);
      for (String t : sent.split(" ")) {
        sb.append(t).append(' ');
        if (tf.chance(35)) {
          if (hashes) {
            sb.append('#').append(tf.pick(Vocab.NOUNS)).append(' ');
          } else {
            sb.append("... ");
          }
        }
      }
      sb.setLength(sb.length() - 1);
      sb.append(hashes && tf.chance(20) ? "\n### ### ###\n" : "\n");
    }
    sb.setLength(sb.length() - 1);
  }

  private void bulletLines(StringBuilder sb) {
    String bullet =
        switch (tf.nextInt(3)) {
          case 0 -> "• ";
          case 1 -> "- ";
          default -> "* ";
        };
    int n = tf.between(10, 18);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append('\n');
      }
      sb.append(bullet);
      tf.sentence(sb);
    }
  }

  private void ellipsisLines(StringBuilder sb) {
    int n = tf.between(10, 16);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append('\n');
      }
      tf.sentence(sb);
      if (i % 5 != 0) {
        // Teaser lines cut off with an ellipsis, as on index pages.
        sb.setLength(sb.length() - 1);
        sb.append(tf.chance(50) ? "..." : "\u2026");
      }
    }
  }

  /** A table of numbers: few words with a letter in them. */
  private void numberTable(StringBuilder sb) {
    sb.append("Year Region Total Share Change\n");
    int rows = tf.between(18, 30);
    for (int i = 0; i < rows; i++) {
      sb.append(1990 + i)
          .append(' ')
          .append(tf.between(1, 9))
          .append(',')
          .append(tf.between(100, 999))
          .append(' ')
          .append(tf.between(10, 99))
          .append('.')
          .append(tf.between(0, 9))
          .append(" 0.")
          .append(tf.between(10, 99))
          .append(" +")
          .append(tf.between(1, 40))
          .append("%\n");
    }
    sb.append("Source: ");
    tf.np(sb, false);
    sb.append('.');
  }

  /** Keyword lists: content words only, none of the Gopher stop words. */
  private void keywordLists(StringBuilder sb) {
    int lines = tf.between(9, 15);
    for (int l = 0; l < lines; l++) {
      if (l > 0) {
        sb.append('\n');
      }
      int n = tf.between(6, 10);
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          sb.append(i % 2 == 0 ? ", " : " ");
        }
        String wd = (i % 2 == 0) ? tf.pick(Vocab.ADJECTIVES) : tf.pick(Vocab.NOUNS);
        TextFactory.word(sb, wd, i == 0);
      }
      sb.append('.');
    }
  }
}
