package dev.slimspark.udfs.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tokenizer correctness with Hugging Face's tokenizers library as the oracle: GPT-2 via JTokkit
 * against GPT-2's tokenizer.json (fetched by bin/fetch-test-artifacts), Llama-2 against known ids
 * (only where ../shared holds its tokenizer.json).
 */
class TokenizersTest {
  private static List<String> sample;
  private static HfTokenizer hfGpt2;
  private static JTokkitGpt2Tokenizer jtokkit;

  /** The oracle: HF GPT-2 ids of every sample document, one call each (computed once). */
  private static List<int[]> hfIds;

  static Path gpt2Json() {
    Path p =
        Path.of(
            System.getProperty(
                "slimspark.gpt2.tokenizer",
                System.getProperty("user.home")
                    + "/.cache/slimspark/tokenizers/gpt2/tokenizer.json"));
    assertTrue(
        Files.isRegularFile(p),
        "GPT-2 tokenizer.json missing at " + p + ": run bin/fetch-test-artifacts");
    return p;
  }

  static Path llama2Json() {
    Path p =
        Path.of(
            System.getProperty("slimspark.shared.dir", "../../shared"),
            "data/tokenizers/llama2/tokenizer.json");
    Assumptions.assumeTrue(Files.isRegularFile(p), "Llama-2 tokenizer not available at " + p);
    return p;
  }

  @BeforeAll
  static void load() throws Exception {
    sample = VariedText.corpus(7, 5000, 2_200_000);
    hfGpt2 = HfTokenizer.load(gpt2Json(), 0);
    jtokkit = new JTokkitGpt2Tokenizer();
    hfIds = new ArrayList<>(sample.size());
    for (String d : sample) {
      hfIds.add(hfGpt2.encode(d));
    }
  }

  @AfterAll
  static void close() {
    hfGpt2.close();
  }

  @Test
  void sampleIsLargeAndVaried() {
    long chars = sample.stream().mapToLong(String::length).sum();
    assertTrue(sample.size() >= 5000, "docs " + sample.size());
    assertTrue(chars >= 2_000_000, "chars " + chars);
    String all = String.join("", sample);
    for (String must :
        List.of(
            "<|endoftext|>",
            "👨‍👩‍👧‍👦",
            "中文",
            "\u3000",
            "\u2028",
            "\r\n",
            "   ",
            "'LL",
            "def ")) {
      assertTrue(all.contains(must), "sample lacks " + must);
    }
    assertTrue(sample.stream().anyMatch(d -> d.length() > 20_000), "no long documents");
  }

  @Test
  void jtokkitIsTokenIdenticalToHfGpt2() {
    List<String> diffs = new ArrayList<>();
    long tokens = 0;
    for (int i = 0; i < sample.size(); i++) {
      int[] want = hfIds.get(i);
      int[] got = jtokkit.encode(sample.get(i));
      tokens += want.length;
      if (!Arrays.equals(want, got) && diffs.size() < 5) {
        diffs.add("doc " + i + ": hf " + want.length + " ids, jtokkit " + got.length);
      }
    }
    assertEquals(List.of(), diffs);
    assertTrue(tokens > 500_000, "tokens " + tokens);
  }

  @Test
  void gpt2RoundTripsEveryDocument() {
    for (int i = 0; i < sample.size(); i++) {
      String d = sample.get(i);
      assertEquals(d, jtokkit.decode(hfIds.get(i)), "jtokkit doc " + i);
      if (i % 10 == 0) {
        // DJL's decode is slower; a tenth of the sample.
        assertEquals(d, hfGpt2.decode(hfIds.get(i)), "hf doc " + i);
      }
    }
  }

  @Test
  void gpt2KnownIdsAndSpecialTokenTextIsOrdinary() {
    assertArrayEquals(new int[] {15496, 995}, hfGpt2.encode("Hello world"));
    assertArrayEquals(new int[] {15496, 995}, jtokkit.encode("Hello world"));
    // Literal special-token text inside a document is text, not a document boundary.
    int[] ids = hfGpt2.encode("a <|endoftext|> b");
    assertArrayEquals(new int[] {64, 1279, 91, 437, 1659, 5239, 91, 29, 275}, ids);
    assertArrayEquals(ids, jtokkit.encode("a <|endoftext|> b"));
    assertEquals(OptionalInt.of(50256), hfGpt2.tokenId("<|endoftext|>"));
    assertEquals(OptionalInt.of(50256), jtokkit.tokenId("<|endoftext|>"));
    assertEquals("<|endoftext|>", hfGpt2.decode(new int[] {50256}));
    assertEquals("<|endoftext|>", jtokkit.decode(new int[] {50256}));
    assertEquals(50257, hfGpt2.vocabSize());
    assertEquals(50257, jtokkit.vocabSize());
    assertEquals(OptionalInt.of(995), jtokkit.tokenId(" world"));
    assertEquals(OptionalInt.of(995), hfGpt2.tokenId("\u0120world"));
    assertEquals(OptionalInt.empty(), hfGpt2.tokenId("<s>"));
    assertArrayEquals(new int[0], hfGpt2.encode(""));
  }

  @Test
  void chunkedEncodingEqualsOneCallForGpt2() throws Exception {
    try (HfTokenizer chunked = HfTokenizer.load(gpt2Json(), 256)) {
      assertEquals(WhitespaceChunker.SpaceOwner.NEXT, chunked.spaceOwner());
      assertChunkedEqualsWhole(chunked, hfIds::get);
    }
  }

  @Test
  void llama2KnownIdsAndChunking() throws Exception {
    Path p = llama2Json();
    try (HfTokenizer whole = HfTokenizer.load(p, 0);
        HfTokenizer chunked = HfTokenizer.load(p, 256)) {
      assertArrayEquals(new int[] {15043, 3186}, whole.encode("Hello world"), "no BOS is added");
      assertEquals(OptionalInt.of(1), whole.tokenId("<s>"));
      assertEquals(OptionalInt.of(2), whole.tokenId("</s>"));
      assertEquals(OptionalInt.of(0), whole.tokenId("<unk>"));
      assertEquals(32000, whole.vocabSize());
      // "<s>" in text is ordinary text (as SentencePiece encodes it), never id 1.
      assertArrayEquals(new int[] {263, 529, 29879, 29958, 289}, whole.encode("a <s> b"));
      // The JSON's id 31353 keyed "" is repaired to U+2028 (SentencePiece: 921 31353 29891).
      assertArrayEquals(new int[] {921, 31353, 29891}, whole.encode("x\u2028y"));
      assertEquals(WhitespaceChunker.SpaceOwner.DROPPED, chunked.spaceOwner());
      assertChunkedEqualsWhole(chunked, i -> whole.encode(sample.get(i)));
      String d = sample.get(1);
      assertEquals(d, whole.decode(whole.encode(d)));
    }
  }

  private static void assertChunkedEqualsWhole(
      HfTokenizer chunked, java.util.function.IntFunction<int[]> whole) {
    int split = 0;
    // Every long document, and the first 500 others (time).
    for (int i = 0; i < sample.size(); i++) {
      String d = sample.get(i);
      if (i >= 500 && d.length() < 5000) {
        continue;
      }
      TextTokenizer.Encoded e = chunked.encodeCounted(d);
      assertArrayEquals(whole.apply(i), e.ids(), "doc " + i);
      if (e.chunks() > 1) {
        split++;
      }
    }
    assertTrue(split > 100, "documents split: " + split);
  }

  @Test
  void chunkerSplitsOnlyBetweenWordsAndLosesNothing() {
    String t = "alpha beta  gamma\tdelta 東京 epsilon zeta eta theta iota kappa";
    List<String> next = WhitespaceChunker.split(t, 12, WhitespaceChunker.SpaceOwner.NEXT);
    assertTrue(next.size() > 1);
    assertEquals(t, String.join("", next));
    List<String> dropped = WhitespaceChunker.split(t, 12, WhitespaceChunker.SpaceOwner.DROPPED);
    assertEquals(t, String.join(" ", dropped));
    for (String piece : next.subList(1, next.size())) {
      assertTrue(piece.startsWith(" ") && Character.isLetterOrDigit(piece.charAt(1)), piece);
    }
    // No split point at all: one piece, nothing cut.
    String cjk = "東京都".repeat(100);
    assertEquals(List.of(cjk), WhitespaceChunker.split(cjk, 10, WhitespaceChunker.SpaceOwner.NEXT));
  }

  @Test
  void registryHoldsOneInstancePerSpecAcrossThreads() throws Exception {
    Tokenizers.Spec spec = Tokenizers.Spec.hf(gpt2Json(), HfTokenizer.DEFAULT_CHUNK_CHARS);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<TextTokenizer>> fs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        fs.add(pool.submit(() -> Tokenizers.get(spec)));
      }
      TextTokenizer first = fs.get(0).get();
      for (Future<TextTokenizer> f : fs) {
        assertSame(first, f.get());
      }
      // Shared across threads: concurrent encodes agree with a single-threaded one.
      List<Future<int[]>> enc = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String d = sample.get(i);
        enc.add(pool.submit(() -> first.encode(d)));
      }
      for (int i = 0; i < 40; i++) {
        assertArrayEquals(hfGpt2.encode(sample.get(i)), enc.get(i).get());
      }
    } finally {
      pool.shutdown();
    }
    assertSame(
        Tokenizers.get(Tokenizers.Spec.jtokkitGpt2()),
        Tokenizers.get(Tokenizers.Spec.jtokkitGpt2()));
    assertFalse(Tokenizers.get(spec) == Tokenizers.get(Tokenizers.Spec.jtokkitGpt2()));
  }

  @Test
  void sentencePieceKindIsBuiltOncePerSpec() {
    Path p =
        Path.of(
            System.getProperty(
                "slimspark.spm.tokenizer",
                System.getProperty("user.home")
                    + "/.cache/slimspark/tokenizers/spm-bpe/tokenizer.json"));
    Tokenizers.Spec spec = Tokenizers.Spec.sentencePiece(p);
    TextTokenizer t = Tokenizers.get(spec);
    assertSame(t, Tokenizers.get(Tokenizers.Spec.sentencePiece(p)), "same file, same instance");
    assertTrue(
        t instanceof dev.slimspark.udfs.tokenize.spm.SentencePieceBpe, t.getClass().toString());
    assertEquals("sentencepiece:" + p, t.name());
    assertEquals(32000, t.vocabSize());
  }

  @Test
  void unknownKindAndMissingFileFail() {
    assertThrows(IllegalArgumentException.class, () -> new Tokenizers.Spec("llama", "x", "y", 0));
    assertThrows(
        java.io.UncheckedIOException.class,
        () ->
            Tokenizers.get(
                new Tokenizers.Spec(Tokenizers.HF, "/nonexistent/tokenizer.json", "none", 0)));
    assertThrows(
        java.io.IOException.class, () -> HfTokenizer.fromJson("{\"a\":1}".getBytes(), "bad", 0));
  }
}
