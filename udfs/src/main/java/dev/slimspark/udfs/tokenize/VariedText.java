package dev.slimspark.udfs.tokenize;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic, deliberately awkward documents for tokenizer equivalence tests and benchmarks:
 * English prose, source code, emoji (incl. ZWJ sequences and skin tones), CJK, Hangul, Arabic,
 * Devanagari, Thai, combining marks, unusual whitespace (runs, tabs, CRLF, NBSP, U+3000, U+2028,
 * U+0085), numbers, contractions in any case, URLs, special-token text ({@code <|endoftext|>},
 * {@code <s>}) and long words. Same seed, same documents. Not used by any stage.
 */
public final class VariedText {
  private static final String[] WORDS = {
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "it",
    "as",
    "was",
    "with",
    "be",
    "by",
    "on",
    "not",
    "he",
    "this",
    "are",
    "or",
    "his",
    "from",
    "at",
    "which",
    "but",
    "have",
    "an",
    "had",
    "they",
    "you",
    "were",
    "their",
    "one",
    "all",
    "we",
    "can",
    "her",
    "has",
    "there",
    "been",
    "if",
    "more",
    "when",
    "will",
    "would",
    "who",
    "so",
    "no",
    "language",
    "model",
    "tokenizer",
    "pretraining",
    "corpus",
    "dataset",
    "Spark",
    "partition",
    "executor",
    "quantum",
    "antidisestablishmentarianism",
    "naïve",
    "café",
    "résumé",
    "Zürich",
    "façade",
    "coöperate"
  };
  private static final String[] CONTRACTIONS = {
    "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'LL", "'Ve", "’s"
  };
  private static final String[] CODE = {
    "def tokenize(text: str) -> list[int]:\n    return [ord(c) for c in text]\n",
    "for (int i = 0; i < n; i++) {\n\tsum += a[i] * b[i];\n}\n",
    "public static void main(String[] args) { System.exit(run(args)); }\n",
    "SELECT source, count(*) AS n FROM docs_filtered WHERE kept GROUP BY 1;\n",
    "    if x != None and y >= 0x1F:\n        raise ValueError(f\"bad {x!r}\")\n",
    "#include <stdio.h>\nint main(void){printf(\"%d\\n\", 42);return 0;}\n",
    "const f = async (a, b) => { await g(a ?? b); };  // arrow\r\n",
    "<div class=\"x\">&nbsp;&lt;tag&gt;</div>\n",
    "$ ./mvnw -B -q verify && echo ok || exit 1\n",
    "{\"id\": 12345, \"text\": \"line\\nbreak\", \"tags\": [\"a\", \"b\"]}\n"
  };
  private static final String[] UNICODE = {
    "😀",
    "👍🏽",
    "👨‍👩‍👧‍👦",
    "🏳️‍🌈",
    "🇯🇵",
    "❤️",
    "🤖",
    "中文字符",
    "日本語のテキスト",
    "한국어 문장입니다",
    "مرحبا بالعالم",
    "नमस्ते दुनिया",
    "สวัสดีชาวโลก",
    "Привет, мир",
    "Γειά σου Κόσμε",
    "e\u0301\u0302",
    "ﬁ ligature",
    "Ａｂｃ全角",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "∑∫√∞≈≠",
    "½ ⅓ ¼",
    "①②③",
    "٣٤٥",
    "߷",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u00ad",
    "Ω",
    "ǅ",
    "ß",
    "İ",
    "ﷺ",
    "𠀀𠀁",
    "\u0300alone"
  };
  private static final String[] SPACES = {
    " ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", " \n ", "\u00a0", "\u3000", "\u2028", "\u0085",
    "\u2009", "    ", "\n\t\t", " \t \n"
  };
  private static final String[] SPECIAL = {
    "<|endoftext|>", "<s>", "</s>", "<unk>", "<|endoftext|", "[CLS]", "<pad>"
  };

  private VariedText() {}

  /** {@code count} documents; lengths vary from a few characters to tens of thousands. */
  public static List<String> documents(long seed, int count) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> docs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      docs.add(document(r));
    }
    return docs;
  }

  /**
   * Documents until at least {@code minChars} characters in total (and at least {@code minDocs}).
   */
  public static List<String> corpus(long seed, int minDocs, long minChars) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> docs = new ArrayList<>();
    long chars = 0;
    while (docs.size() < minDocs || chars < minChars) {
      String d = document(r);
      docs.add(d);
      chars += d.length();
    }
    return docs;
  }

  private static String document(SplittableRandom r) {
    // Mostly short-to-medium documents, a few long ones (long texts exercise chunked encoding).
    int target =
        r.nextInt(100) < 3
            ? 20_000 + r.nextInt(60_000)
            : 20 + r.nextInt(r.nextInt(100) < 50 ? 300 : 1500);
    StringBuilder sb = new StringBuilder(target + 64);
    int mode = r.nextInt(4);
    while (sb.length() < target) {
      int p = r.nextInt(100);
      if (mode == 0 || p < 55) {
        sentence(sb, r);
      } else if (p < 70) {
        sb.append(CODE[r.nextInt(CODE.length)]);
      } else if (p < 82) {
        sb.append(UNICODE[r.nextInt(UNICODE.length)]);
      } else if (p < 90) {
        number(sb, r);
      } else if (p < 97) {
        sb.append(SPACES[r.nextInt(SPACES.length)]);
      } else if (p < 99) {
        sb.append(SPECIAL[r.nextInt(SPECIAL.length)]);
      } else {
        sb.append("https://example.org/path/")
            .append(r.nextInt(1_000_000))
            .append("?q=a%20b&x=1#frag");
      }
      if (r.nextInt(5) == 0) {
        sb.append(SPACES[r.nextInt(SPACES.length)]);
      } else if (r.nextInt(3) == 0) {
        sb.append(' ');
      }
    }
    return sb.toString();
  }

  private static void sentence(StringBuilder sb, SplittableRandom r) {
    int n = 3 + r.nextInt(15);
    for (int i = 0; i < n; i++) {
      String w = WORDS[r.nextInt(WORDS.length)];
      if (i == 0 || r.nextInt(20) == 0) {
        w = Character.toUpperCase(w.charAt(0)) + w.substring(1);
      } else if (r.nextInt(40) == 0) {
        w = w.toUpperCase(java.util.Locale.ROOT);
      }
      sb.append(w);
      if (r.nextInt(12) == 0) {
        sb.append(CONTRACTIONS[r.nextInt(CONTRACTIONS.length)]);
      }
      if (r.nextInt(10) == 0) {
        String punct = ",;:-—()\"'";
        sb.append(punct.charAt(r.nextInt(punct.length())));
      }
      if (i < n - 1) {
        sb.append(' ');
      }
    }
    sb.append(".!?…".charAt(r.nextInt(4)));
  }

  private static void number(StringBuilder sb, SplittableRandom r) {
    switch (r.nextInt(5)) {
      case 0 -> sb.append(r.nextInt(10_000));
      case 1 -> sb.append(r.nextLong());
      case 2 -> sb.append(String.format(java.util.Locale.ROOT, "%.4f", r.nextDouble() * 1000));
      case 3 -> sb.append("2024-0").append(1 + r.nextInt(9)).append("-1").append(r.nextInt(10));
      default ->
          sb.append("$")
              .append(r.nextInt(100))
              .append(",")
              .append(100 + r.nextInt(900))
              .append(".00");
    }
  }
}
