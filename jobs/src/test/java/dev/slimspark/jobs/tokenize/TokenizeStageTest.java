package dev.slimspark.jobs.tokenize;

import static dev.slimspark.Stages.q;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserError;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.Status;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import dev.slimspark.lake.TokenCodec;
import dev.slimspark.udfs.tokenize.HfTokenizer;
import dev.slimspark.udfs.tokenize.VariedText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tokenize stage end to end on a small docs_filtered-shaped Delta table, HF GPT-2 as oracle.
 */
class TokenizeStageTest {
  static Path lake;
  static HfTokenizer oracle;

  /** doc_id -> text of the kept documents. */
  static final Map<String, String> kept = new HashMap<>();

  static final int EOT = 50256;

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

  @BeforeAll
  static void writeInput() throws Exception {
    SparkSession spark = TestSpark.session();
    lake = TestSpark.newDir("tokenize-lake");
    oracle = HfTokenizer.load(gpt2Json(), 0);
    List<String> texts = new ArrayList<>();
    for (String d : VariedText.documents(11, 12)) {
      int cut = Character.isHighSurrogate(d.charAt(Math.min(d.length(), 3000) - 1)) ? 2999 : 3000;
      texts.add(d.length() > 3000 ? d.substring(0, cut) : d);
    }
    texts.add("Hello world");
    texts.add("");
    texts.add("a <|endoftext|> b");
    texts.add("word ".repeat(3000)); // long: split into chunks when chunk_chars is small
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      boolean k = i >= 12 || i % 5 != 3; // the hand-written documents (12..) are kept
      String id = "d" + i;
      rows.add(
          RowFactory.create(
              id,
              i % 2 == 0 ? "RedPajamaC4" : "RedPajamaGithub",
              texts.get(i),
              texts.get(i).length(),
              k));
      if (k) {
        kept.put(id, texts.get(i));
      }
    }
    StructType schema =
        new StructType()
            .add("doc_id", DataTypes.StringType, true)
            .add("source", DataTypes.StringType, true)
            .add("text", DataTypes.StringType, true)
            .add("char_count", DataTypes.IntegerType, false)
            .add("kept", DataTypes.BooleanType, false);
    Lake l = new Lake(spark, lake.toString());
    l.write(
        spark.createDataFrame(rows, schema).repartition(2),
        "docs_filtered",
        SaveMode.Overwrite,
        "{}",
        "kept");
    // A kept-less table, as dedup will write.
    l.write(
        spark.createDataFrame(rows, schema).drop("kept").limit(7),
        "docs_dedup",
        SaveMode.Overwrite,
        "{}");
  }

  @AfterAll
  static void close() {
    oracle.close();
  }

  static JobSummary run(String... sets) {
    // This test writes a docs_filtered-shaped table; the default input is docs_dedup.
    List<String> all =
        new ArrayList<>(List.of("lake=" + q(lake), "tokenize.input_table=docs_filtered"));
    all.addAll(List.of(sets));
    SlimConfig c = Stages.config(all.toArray(new String[0]));
    return new TokenizeStage().run(new RunContext(TestSpark.session(), c));
  }

  static Map<String, Row> output() {
    Map<String, Row> m = new HashMap<>();
    for (Row r :
        new Lake(TestSpark.session(), lake.toString()).read(Table.DOCS_TOKENS).collectAsList()) {
      m.put(r.getString(0), r);
    }
    return m;
  }

  static int[] ids(Row r) {
    return TokenCodec.decode(
        (byte[]) r.get(r.fieldIndex("tokens")), r.getString(r.fieldIndex("dtype")));
  }

  @Test
  void hfGpt2WithEosAfterEachDocument() {
    JobSummary s =
        run(
            "tokenize.tokenizer.kind=hf",
            "tokenize.tokenizer.path=" + q(gpt2Json()),
            "tokenize.bos=\"\"",
            "tokenize.eos=\"<|endoftext|>\"",
            "tokenize.chunk_chars=256");
    Map<String, Row> out = output();
    assertEquals(kept.keySet(), out.keySet(), "exactly the kept documents");
    long tokens = 0;
    int split = 0;
    for (Map.Entry<String, String> e : kept.entrySet()) {
      Row r = out.get(e.getKey());
      int[] want = oracle.encode(e.getValue());
      int[] got = ids(r);
      assertEquals(want.length + 1, r.getInt(2), e.getKey());
      assertEquals(got.length, r.getInt(2));
      assertArrayEquals(want, java.util.Arrays.copyOf(got, want.length), e.getKey());
      assertEquals(EOT, got[got.length - 1]);
      tokens += r.getInt(2);
      split += r.getInt(r.fieldIndex("chunks")) > 1 ? 1 : 0;
    }
    assertTrue(split >= 1, "the long document is split");
    assertEquals(Status.OK, s.status());
    assertEquals((long) kept.size(), s.counts().get("docs"));
    assertEquals(tokens, s.counts().get("tokens"));
    assertEquals((long) split, s.counts().get("docs_split_into_chunks"));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> bySource =
        (Map<String, Map<String, Object>>) s.counts().get("by_source");
    assertEquals(tokens, bySource.values().stream().mapToLong(m -> (Long) m.get("tokens")).sum());
    assertEquals(Boolean.TRUE, s.extra().get("reconciled"));
    assertArrayEquals(new int[] {15496, 995, EOT}, ids(out.get("d12")));
    assertArrayEquals(new int[] {EOT}, ids(out.get("d13")), "empty text: only the boundary token");
    assertArrayEquals(
        new int[] {64, 1279, 91, 437, 1659, 5239, 91, 29, 275, EOT},
        ids(out.get("d14")),
        "special-token text inside a document stays text");
  }

  @Test
  void jtokkitGpt2WithBosOnlyMatchesHf() {
    JobSummary s =
        run(
            "tokenize.tokenizer.kind=jtokkit-gpt2",
            "tokenize.bos=\"<|endoftext|>\"",
            "tokenize.eos=\"\"");
    Map<String, Row> out = output();
    assertEquals(kept.keySet(), out.keySet());
    for (Map.Entry<String, String> e : kept.entrySet()) {
      int[] want = oracle.encode(e.getValue());
      int[] got = ids(out.get(e.getKey()));
      assertEquals(want.length + 1, got.length, e.getKey());
      assertEquals(EOT, got[0]);
      assertArrayEquals(want, java.util.Arrays.copyOfRange(got, 1, got.length), e.getKey());
      assertEquals(1, out.get(e.getKey()).getInt(out.get(e.getKey()).fieldIndex("chunks")));
    }
    assertEquals(0L, s.counts().get("docs_split_into_chunks"));
    // GPT-2's 50257 ids fit uint16: 2 bytes per token, and the table says so.
    for (Row r : out.values()) {
      assertEquals("uint16", r.getString(r.fieldIndex("dtype")));
      assertEquals(
          2 * r.getInt(r.fieldIndex("token_count")),
          ((byte[]) r.get(r.fieldIndex("tokens"))).length);
    }
  }

  /** The documented SQL expression gives the same ids as TokenCodec, for both dtypes. */
  @Test
  void tokensDecodeInPlainSql() {
    run(
        "tokenize.tokenizer.kind=jtokkit-gpt2",
        "tokenize.bos=\"\"",
        "tokenize.eos=\"<|endoftext|>\"");
    SparkSession spark = TestSpark.session();
    List<Row> rows =
        new Lake(spark, lake.toString())
            .read(Table.DOCS_TOKENS)
            .selectExpr("doc_id", "tokens", "dtype", TokenCodec.SQL_DECODE + " AS ids")
            .collectAsList();
    assertEquals(kept.size(), rows.size());
    for (Row r : rows) {
      List<Integer> sql = r.getList(3);
      assertArrayEquals(
          TokenCodec.decode((byte[]) r.get(1), r.getString(2)),
          sql.stream().mapToInt(Integer::intValue).toArray(),
          r.getString(0));
    }
    int[] wide = {0, 1, 65535, 65536, 128000, Integer.MAX_VALUE};
    Row r =
        spark
            .createDataFrame(
                List.of(
                    RowFactory.create(TokenCodec.encode(wide, TokenCodec.INT32), TokenCodec.INT32)),
                new StructType()
                    .add("tokens", DataTypes.BinaryType)
                    .add("dtype", DataTypes.StringType))
            .selectExpr(TokenCodec.SQL_DECODE)
            .head();
    assertEquals(List.of(0, 1, 65535, 65536, 128000, Integer.MAX_VALUE), r.getList(0));
    Row empty =
        spark
            .sql("SELECT X'' AS tokens, 'uint16' AS dtype")
            .selectExpr(TokenCodec.SQL_DECODE)
            .head();
    assertEquals(List.of(), empty.getList(0));
  }

  @Test
  void inputTableIsConfigurableAndKeptIsOptional() {
    JobSummary s = run("tokenize.input_table=docs_dedup");
    assertEquals(7L, s.counts().get("docs"));
    assertEquals(7, output().size());
  }

  @Test
  void missingTokenizerIsAUserError() {
    UserError e =
        assertThrows(
            UserError.class,
            () ->
                run(
                    "tokenize.tokenizer.kind=hf",
                    "tokenize.tokenizer.path=" + q(lake.resolve("nope/tokenizer.json"))));
    assertTrue(e.problem().contains("Tokenizer file not found"), e.render());
    UserError hub =
        assertThrows(
            UserError.class,
            () ->
                run(
                    "tokenize.tokenizer.kind=hf",
                    "tokenize.tokenizer.path=TinyLlama/TinyLlama-1.1B-Chat-v1.0"));
    assertTrue(
        hub.why().contains("hub id")
            && hub.fix().contains("huggingface-cli download TinyLlama/TinyLlama-1.1B-Chat-v1.0"),
        hub.render());
    UserError empty = assertThrows(UserError.class, () -> run("tokenize.tokenizer.kind=hf"));
    assertTrue(empty.problem().contains("No tokenizer file"), empty.render());
    UserError kind = assertThrows(UserError.class, () -> run("tokenize.tokenizer.kind=llama"));
    assertTrue(kind.render().contains("sentencepiece, hf, jtokkit-gpt2"), kind.render());
    UserError spmEmpty =
        assertThrows(UserError.class, () -> run("tokenize.tokenizer.kind=sentencepiece"));
    assertTrue(spmEmpty.why().contains("tokenizer.model or tokenizer.json"), spmEmpty.render());
    // GPT-2's tokenizer.json is byte-level BPE, not SentencePiece: refused at load, as a user
    // error.
    UserError wrongFamily =
        assertThrows(
            UserError.class,
            () ->
                run(
                    "tokenize.tokenizer.kind=sentencepiece",
                    "tokenize.tokenizer.path=" + q(gpt2Json()),
                    "tokenize.eos=\"\""));
    assertTrue(
        wrongFamily.problem().contains("cannot be loaded as kind sentencepiece")
            && wrongFamily.why().contains("byte_fallback"),
        wrongFamily.render());
    UserError bos = assertThrows(UserError.class, () -> run("tokenize.bos=\"<s>\""));
    assertTrue(bos.problem().contains("<s>"), bos.render());
  }

  @Test
  void sentencePieceKindWritesTheIdsOfHf() throws Exception {
    Path spm =
        Path.of(
            System.getProperty(
                "slimspark.spm.tokenizer",
                System.getProperty("user.home")
                    + "/.cache/slimspark/tokenizers/spm-bpe/tokenizer.json"));
    assertTrue(
        Files.isRegularFile(spm),
        "SentencePiece-BPE tokenizer.json missing at " + spm + ": run bin/fetch-test-artifacts");
    try (HfTokenizer ref = HfTokenizer.load(spm, 0)) {
      JobSummary s =
          run(
              "tokenize.tokenizer.kind=sentencepiece",
              "tokenize.tokenizer.path=" + q(spm.getParent()),
              "tokenize.bos=\"<s>\"",
              "tokenize.eos=\"\"");
      Map<String, Row> out = output();
      assertEquals(kept.keySet(), out.keySet());
      for (Map.Entry<String, String> e : kept.entrySet()) {
        int[] want = ref.encode(e.getValue());
        int[] got = ids(out.get(e.getKey()));
        assertEquals(1, got[0], "BOS first");
        assertArrayEquals(want, java.util.Arrays.copyOfRange(got, 1, got.length), e.getKey());
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> tok = (Map<String, Object>) s.extra().get("tokenizer");
      assertEquals("sentencepiece", tok.get("kind"));
      assertEquals("uint16", tok.get("dtype"));
      assertEquals(Boolean.TRUE, s.extra().get("reconciled"));
    }
  }

  @Test
  void llama2BosOnly() {
    Path p =
        Path.of(
            System.getProperty("slimspark.shared.dir", "../../shared"),
            "data/tokenizers/llama2/tokenizer.json");
    Assumptions.assumeTrue(Files.isRegularFile(p), "Llama-2 tokenizer not available at " + p);
    JobSummary s =
        run(
            "tokenize.tokenizer.kind=hf",
            "tokenize.tokenizer.path=" + q(p.getParent()),
            "tokenize.bos=\"<s>\"",
            "tokenize.eos=\"\"");
    assertArrayEquals(new int[] {1, 15043, 3186}, ids(output().get("d12")));
    assertArrayEquals(new int[] {1}, ids(output().get("d13")));
    @SuppressWarnings("unchecked")
    Map<String, Object> tok = (Map<String, Object>) s.extra().get("tokenizer");
    assertEquals(32000, tok.get("vocab_size"));
    assertEquals(1, tok.get("bos_id"));
    Path model = p.getParent().resolve("tokenizer.model");
    Map<String, Row> hf = output();
    run(
        "tokenize.tokenizer.kind=sentencepiece",
        "tokenize.tokenizer.path=" + q(model),
        "tokenize.bos=\"<s>\"",
        "tokenize.eos=\"\"");
    Map<String, Row> spm = output();
    for (String id : kept.keySet()) {
      assertArrayEquals(ids(hf.get(id)), ids(spm.get(id)), id);
    }
  }
}
