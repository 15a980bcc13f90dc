package dev.slimspark.udfs.tokenize.spm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.udfs.onnx.Proto;
import dev.slimspark.udfs.tokenize.HfTokenizer;
import dev.slimspark.udfs.tokenize.VariedText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pure-Java SentencePiece-BPE encoder against its references, id for id: Hugging Face's
 * tokenizers library (through DJL, no chunking) on a SentencePiece-BPE tokenizer.json fetched from
 * npm (always), and where ../shared has them the real Llama-2 files: tokenizer.json through DJL,
 * tokenizer.model through our reader, and SentencePiece's own {@code spm_encode} (when installed)
 * line by line.
 */
class SentencePieceBpeTest {
  private static HfTokenizer npmRef;
  private static SentencePieceBpe npmOurs;

  /** Inputs chosen to break tokenizers: every case the encoder's shortcuts could get wrong. */
  static List<String> torture() {
    List<String> t =
        new ArrayList<>(
            List.of(
                "",
                " ",
                "  ",
                "a",
                " a",
                "a ",
                "  a  b   ",
                "Hello world",
                "hello World HELLO",
                " ".repeat(10_000),
                "x" + " ".repeat(10_000) + "y",
                "\t\t\tindent",
                "\n",
                "\n\n\n",
                "a\nb",
                "a \n b",
                "a\r\nb\r\n",
                "line\u2028sep\u2029para\u0085nel",
                "\u00a0nbsp\u3000ideographic\u2009thin",
                "0",
                "1234567890",
                "3.14159265358979",
                "2024-12-04T16:26:45Z",
                "1,000,000.00 $",
                "٣٤٥ ①②③ ½",
                "😀",
                "👍🏽",
                "👨‍👩‍👧‍👦 family",
                "🏳️‍🌈",
                "🇯🇵🇫🇷",
                "❤️ love",
                "🤖🤖🤖🤖",
                "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠀀𠀁",
                "中文字符和日本語のテキスト",
                "한국어 문장입니다",
                "مرحبا بالعالم",
                "नमस्ते दुनिया",
                "สวัสดีชาวโลก",
                "Привет, мир",
                "Γειά σου Κόσμε",
                "e\u0301\u0302\u0303 combining",
                "\u0300alone",
                "ﬁ ligature Ａｂｃ全角",
                "\u0000\u0001\u0002\u001f\u007f controls",
                "\u200b\u200c\u200d\ufeff zero-width",
                "\u00ad soft hyphen",
                "\uFFFD replacement",
                "\u2581 literal metaspace \u2581\u2581",
                "<s>",
                "</s>",
                "<unk>",
                "<0x0A>",
                "<s> hi </s>",
                "def f(x):\n    return x ** 2  # comment\n",
                "for (int i = 0; i < n; i++) {\n\tsum += a[i];\n}",
                "{\"id\": 12345, \"text\": \"line\\nbreak\"}",
                "https://example.com/path?q=1&r=%20#frag",
                "antidisestablishmentarianism",
                "a".repeat(5_000),
                "ab".repeat(3_000),
                "aaaa bbbb aaaa bbbb",
                "naïve café résumé Zürich façade coöperate",
                "don't can't I'm you'll we'd THEY'RE",
                "ΑΒΓ αβγ ß İ ǅ Ω",
                "∑∫√∞≈≠ math",
                "ﷺ ߷",
                "the the the the the the the the"));
    StringBuilder mixed = new StringBuilder();
    for (String s : new ArrayList<>(t)) {
      mixed.append(s).append(' ');
    }
    t.add(mixed.toString());
    return t;
  }

  static Path npmTokenizer() {
    Path p =
        Path.of(
            System.getProperty(
                "slimspark.spm.tokenizer",
                System.getProperty("user.home")
                    + "/.cache/slimspark/tokenizers/spm-bpe/tokenizer.json"));
    assertTrue(
        Files.isRegularFile(p),
        "SentencePiece-BPE tokenizer.json missing at " + p + ": run bin/fetch-test-artifacts");
    return p;
  }

  static Path llama2(String file) {
    Path p =
        Path.of(
            System.getProperty("slimspark.shared.dir", "../../shared"),
            "data/tokenizers/llama2",
            file);
    Assumptions.assumeTrue(Files.isRegularFile(p), "Llama-2 tokenizer not available at " + p);
    return p;
  }

  @BeforeAll
  static void load() throws IOException {
    npmRef = HfTokenizer.load(npmTokenizer(), 0);
    npmOurs = SentencePieceBpe.load(npmTokenizer());
  }

  @AfterAll
  static void close() {
    npmRef.close();
  }

  private static void assertSameIds(HfTokenizer ref, SentencePieceBpe ours, List<String> docs) {
    int differing = 0;
    String first = null;
    for (String d : docs) {
      if (!Arrays.equals(ref.encode(d), ours.encode(d))) {
        differing++;
        first = first == null ? d.substring(0, Math.min(80, d.length())) : first;
      }
    }
    assertEquals(0, differing, "documents whose ids differ from the reference; first: " + first);
  }

  @Test
  void equalsHfTokenizersOnTortureSetAndVariedCorpus() {
    List<String> docs = torture();
    docs.addAll(VariedText.corpus(23, 300, 1_500_000));
    assertSameIds(npmRef, npmOurs, docs);
  }

  @Test
  void utf8BytesGiveTheIdsOfTheirString() {
    List<String> docs = torture();
    docs.addAll(VariedText.corpus(29, 100, 300_000));
    for (String d : docs) {
      byte[] b = d.getBytes(StandardCharsets.UTF_8);
      byte[] padded = new byte[b.length + 5];
      System.arraycopy(b, 0, padded, 3, b.length);
      assertArrayEquals(
          npmOurs.encode(new String(b, StandardCharsets.UTF_8)),
          npmOurs.encodeUtf8(padded, 3, b.length).ids(),
          "UTF-8 path of: " + d.substring(0, Math.min(40, d.length())));
    }
    int[][] malformed = {
      {0xC0, 0x80},
      {0xC1, 0xBF},
      {0xED, 0xA0, 0x80},
      {0xE2, 0x82},
      {'a', 0xE2, 0x82, 'b'},
      {0xF4, 0x90, 0x80, 0x80},
      {0xF8, 0x88, 0x80, 0x80, 0x80},
      {0xFF},
      {0x80, 'x'},
      {'a', 'b', 0xC3},
      {0xE0, 0x80, 0x80},
      {0xF0, 0x80, 0x80, 0x80},
      {0xF0, 0x9F, 0x98}
    };
    for (int[] m : malformed) {
      byte[] b = new byte[m.length];
      for (int i = 0; i < m.length; i++) {
        b[i] = (byte) m[i];
      }
      assertArrayEquals(
          npmRef.encode(new String(b, StandardCharsets.UTF_8)),
          npmOurs.encodeUtf8(b, 0, b.length).ids(),
          "malformed " + Arrays.toString(m));
    }
  }

  @Test
  void knownIdsOfTheNpmVocabulary() {
    assertArrayEquals(npmRef.encode("Hello world"), npmOurs.encode("Hello world"));
    assertEquals(22557, npmOurs.encode("Hello")[0], "▁Hello in this vocabulary");
    assertEquals(32000, npmOurs.vocabSize());
    assertEquals(1, npmOurs.tokenId("<s>").getAsInt());
    assertEquals(
        13, npmOurs.encode("\n")[1], "newline is byte piece <0x0A> after the dummy-prefix ▁");
  }

  @Test
  void decodeRoundTripsEveryTortureText() {
    for (String d : torture()) {
      int[] ids = npmOurs.encode(d);
      if (d.indexOf('\u2581') >= 0) {
        // A literal U+2581 is SentencePiece's space: it decodes as a space, in the reference too.
        assertEquals(
            npmRef.decode(ids).replaceFirst("^ ", ""), npmOurs.decode(ids).replaceFirst("^ ", ""));
        continue;
      }
      assertEquals(
          d, npmOurs.decode(ids), "round trip of: " + d.substring(0, Math.min(40, d.length())));
    }
  }

  @Test
  void loneSurrogateIsEncodedAsReplacementCharacter() {
    assertArrayEquals(npmOurs.encode("a\uFFFDb"), npmOurs.encode("a\uD800b"));
    assertArrayEquals(npmOurs.encode("x\uFFFD"), npmOurs.encode("x\uDC00"));
    assertArrayEquals(npmOurs.encode("\uFFFD\uFFFD"), npmOurs.encode("\uDC00\uD800"));
    assertArrayEquals(
        npmRef.encode("😀"), npmOurs.encode("😀"), "a valid pair stays one character");
  }

  @Test
  void threadsShareTheModelNotTheirCaches() throws Exception {
    List<String> docs = VariedText.documents(5, 200);
    List<int[]> want = new ArrayList<>();
    for (String d : docs) {
      want.add(npmRef.encode(d));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> fs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int offset = t * 37;
        fs.add(
            pool.submit(
                () -> {
                  int bad = 0;
                  for (int i = 0; i < docs.size(); i++) {
                    int k = (i + offset) % docs.size();
                    bad += Arrays.equals(want.get(k), npmOurs.encode(docs.get(k))) ? 0 : 1;
                  }
                  return bad;
                }));
      }
      for (Future<Integer> f : fs) {
        assertEquals(0, f.get());
      }
    } finally {
      pool.shutdown();
      pool.awaitTermination(1, TimeUnit.MINUTES);
    }
  }

  @Test
  void refusesWhatItDoesNotImplementNamingTheSetting() {
    IOException notBpe =
        assertThrows(
            IOException.class,
            () ->
                SentencePieceBpe.fromBytes(
                    "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{}}}"
                        .getBytes(StandardCharsets.UTF_8),
                    "t.json"));
    assertTrue(
        notBpe.getMessage().contains("not BPE") && notBpe.getMessage().contains("kind=hf"),
        notBpe.getMessage());
    byte[] unigram =
        new Proto.Writer()
            .msg(1, new Proto.Writer().str(1, "<unk>").f32(2, 0).i64(3, 2))
            .msg(2, new Proto.Writer().i64(3, 1))
            .toByteArray();
    IOException uni =
        assertThrows(IOException.class, () -> SentencePieceBpe.fromBytes(unigram, "uni.model"));
    assertTrue(uni.getMessage().contains("Unigram"), uni.getMessage());
    IOException garbage =
        assertThrows(
            IOException.class,
            () ->
                SentencePieceBpe.fromBytes(
                    new byte[] {(byte) 0xFF, (byte) 0xFF, 0x01}, "junk.model"));
    assertTrue(garbage.getMessage().contains("not a SentencePiece model"), garbage.getMessage());
  }

  @Test
  void llama2FromModelAndFromJsonEqualHfTokenizers() throws IOException {
    Path json = llama2("tokenizer.json");
    SentencePieceBpe fromModel = SentencePieceBpe.load(llama2("tokenizer.model"));
    SentencePieceBpe fromJson = SentencePieceBpe.load(json);
    try (HfTokenizer ref = HfTokenizer.load(json, 0)) {
      List<String> docs = torture();
      docs.addAll(VariedText.corpus(29, 300, 1_000_000));
      assertSameIds(ref, fromModel, docs);
      assertSameIds(ref, fromJson, docs);
    }
    assertArrayEquals(new int[] {15043, 3186}, fromModel.encode("Hello world"));
    assertArrayEquals(
        new int[] {29871, 31353},
        fromModel.encode("\u2028"),
        "U+2028 is piece 31353 (the .json's defect repaired)");
  }

  @Test
  void llama2EqualsSpmEncodeLineByLine() throws Exception {
    Path model = llama2("tokenizer.model");
    Assumptions.assumeTrue(
        onPath("spm_encode"), "spm_encode (Debian package sentencepiece) not installed");
    // spm_encode reads lines: one text per line, no newline inside.
    List<String> lines = new ArrayList<>();
    for (String s : torture()) {
      lines.addAll(Arrays.asList(s.split("\n", -1)));
    }
    for (String d : VariedText.corpus(31, 200, 500_000)) {
      lines.addAll(Arrays.asList(d.split("\n", -1)));
    }
    lines.removeIf(l -> l.indexOf('\r') >= 0 || l.isEmpty());
    Path in = Files.createTempFile("spm-lines", ".txt");
    Path out = Files.createTempFile("spm-ids", ".txt");
    try {
      Files.writeString(in, String.join("\n", lines) + "\n");
      Process p =
          new ProcessBuilder("spm_encode", "--model=" + model, "--output_format=id")
              .redirectInput(in.toFile())
              .redirectOutput(out.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      assertEquals(0, p.waitFor());
      List<String> ref = Files.readAllLines(out);
      assertEquals(lines.size(), ref.size());
      SentencePieceBpe ours = SentencePieceBpe.load(model);
      int differing = 0;
      for (int i = 0; i < lines.size(); i++) {
        String got =
            Arrays.stream(ours.encode(lines.get(i)))
                .mapToObj(Integer::toString)
                .reduce((a, b) -> a + " " + b)
                .orElse("");
        differing += got.equals(ref.get(i).trim()) ? 0 : 1;
      }
      assertEquals(0, differing, "lines whose ids differ from spm_encode, of " + lines.size());
    } finally {
      Files.deleteIfExists(in);
      Files.deleteIfExists(out);
    }
  }

  private static boolean onPath(String exe) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, exe))) {
        return true;
      }
    }
    return false;
  }
}
