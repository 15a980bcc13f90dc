package dev.slimspark.jobs.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.pack.PackedRowsTable;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.duckdb.DuckDBDriver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The text exports read back by readers that share no code with slimspark: Python's json over the
 * zstd CLI (bin/read-corpus-export) for jsonl.zst, DuckDB's own Parquet and JSON readers for both.
 * Counts, texts, sources and splits must equal docs_dedup; a second export of the same rows in
 * another partitioning must give byte-identical files.
 */
class CorpusExportTest {
  static final int DOCS = 240;
  static final long CHUNK = 8192;
  static Path lake;
  static Path outA;
  static Path outB;
  static JobSummary summary;

  /** doc_id -> {text, source, split} of docs_dedup. */
  static final Map<String, String[]> expected = new TreeMap<>();

  @BeforeAll
  static void exportTwice() {
    SparkSession spark = TestSpark.session();
    lake = TestSpark.newDir("corpus-export-lake");
    outA = TestSpark.newDir("corpus-export-a");
    outB = TestSpark.newDir("corpus-export-b");
    Lake l = new Lake(spark, lake.toString());
    Dataset<Row> docs = spark.createDataFrame(docs(), schema());
    l.write(docs.coalesce(1), Table.DOCS_DEDUP, SaveMode.Overwrite, "test");
    summary = Stages.run("export", config(outA));
    // The same rows in another order and partitioning: the files must not change.
    l.write(
        docs.repartition(7).sortWithinPartitions("text"),
        Table.DOCS_DEDUP,
        SaveMode.Overwrite,
        "t");
    Stages.run("export", config(outB));
    for (Row r :
        l.read(Table.DOCS_DEDUP)
            .withColumn("split", PackedRowsTable.split(1234L, 0.2))
            .select("doc_id", "text", "source", "split")
            .collectAsList()) {
      expected.put(r.getString(0), new String[] {r.getString(1), r.getString(2), r.getString(3)});
    }
  }

  @Test
  void summaryCountsEveryDocumentInEachFormat() {
    assertTrue(summary.ok(), summary.toJson());
    @SuppressWarnings("unchecked")
    Map<String, Object> corpus = (Map<String, Object>) summary.counts().get("corpus");
    assertEquals((long) DOCS, corpus.get("docs_in"));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Long>> byFormat =
        (Map<String, Map<String, Long>>) corpus.get("by_format");
    assertEquals((long) DOCS, byFormat.get("jsonl.zst").get("docs"));
    assertEquals((long) DOCS, byFormat.get("parquet").get("docs"));
  }

  @Test
  void pythonJsonOverZstdReadsBackTheTable() throws Exception {
    Path dump = TestSpark.newDir("corpus-export-dump").resolve("docs.jsonl");
    Process p =
        new ProcessBuilder(
                "python3",
                Path.of("../bin/read-corpus-export").toString(),
                outA.resolve("corpus").toString(),
                "--dump",
                dump.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, p.waitFor(), out);
    JsonNode r = new ObjectMapper().readTree(out);
    assertEquals(DOCS, r.get("docs").asInt(), out);
    assertEquals(textDigest(), r.get("text_digest").asText());
    // Each document once, with its text, source and split.
    Map<String, Integer> seen = new TreeMap<>();
    for (String line : Files.readAllLines(dump, StandardCharsets.UTF_8)) {
      JsonNode d = new ObjectMapper().readTree(line);
      String key =
          d.get("split").asText()
              + "\u0000"
              + d.get("meta").get("redpajama_set_name").asText()
              + "\u0000"
              + d.get("text").asText();
      seen.merge(key, 1, Integer::sum);
    }
    Map<String, Integer> want = new TreeMap<>();
    for (String[] e : expected.values()) {
      want.merge(e[2] + "\u0000" + e[1] + "\u0000" + e[0], 1, Integer::sum);
    }
    assertEquals(want, seen);
    assertTrue(expected.values().stream().anyMatch(e -> e[2].equals("validation")));
  }

  @Test
  void duckDbReadsParquetAndJsonlWithTheTablesTextInDocIdOrder() throws Exception {
    String root = outA.resolve("corpus").toString();
    try (Connection c = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "select doc_id, text, redpajama_set_name, meta, filename, file_row_number"
                        + " from read_parquet('"
                        + root
                        + "/parquet/*/*.parquet', filename = true, file_row_number = true)"
                        + " order by filename, file_row_number")) {
      Map<String, String[]> got = new TreeMap<>();
      String lastFile = "";
      String lastId = "";
      while (rs.next()) {
        String id = rs.getString(1);
        String file = rs.getString(5);
        assertTrue(!file.equals(lastFile) || id.compareTo(lastId) > 0, "doc_id order in " + file);
        String split = Path.of(file).getParent().getFileName().toString();
        got.put(id, new String[] {rs.getString(2), rs.getString(3), split});
        assertEquals(
            rs.getString(3),
            new ObjectMapper().readTree(rs.getString(4)).get("redpajama_set_name").asText());
        lastFile = file;
        lastId = id;
      }
      assertEquals(expected.size(), got.size());
      for (Map.Entry<String, String[]> e : expected.entrySet()) {
        assertArrayEquals(e.getValue(), got.get(e.getKey()), e.getKey());
      }
      ResultSet j =
          c.createStatement()
              .executeQuery(
                  "select count(*), count(distinct text) from read_json('"
                      + root
                      + "/jsonl/*/*.jsonl.zst', format = 'newline_delimited',"
                      + " compression = 'zstd', columns = {text: 'VARCHAR', meta: 'JSON'})");
      j.next();
      assertEquals(DOCS, j.getLong(1));
      assertEquals(expected.values().stream().map(e -> e[0]).distinct().count(), j.getLong(2));
    }
  }

  @Test
  void sourceMetaIsKeptExactlyBehindTheSetName() throws Exception {
    MetaJson m = new MetaJson();
    assertEquals(
        "{\"redpajama_set_name\":\"C4\",\"score\":1.50,\"nested\":{\"a\":[1,2]}}",
        m.metaText("C4", "{\"redpajama_set_name\":\"x\",\"score\":1.50,\"nested\":{\"a\":[1,2]}}"));
    assertEquals(
        "{\"redpajama_set_name\":\"C4\",\"source_meta\":[1,2]}", m.metaText("C4", "[1,2]"));
    assertEquals("{\"redpajama_set_name\":\"C4\"}", m.metaText("C4", null));
  }

  @Test
  void filesAreBoundedListedWithTheirHashesAndByteIdenticalAcrossRuns() throws Exception {
    JsonNode manifest = new ObjectMapper().readTree(outA.resolve("corpus/manifest.json").toFile());
    int jsonlFiles = 0;
    for (JsonNode f : manifest.get("files")) {
      Path a = outA.resolve("corpus").resolve(f.get("path").asText());
      byte[] bytes = Files.readAllBytes(a);
      assertEquals(f.get("bytes").asLong(), bytes.length);
      assertEquals(f.get("sha256").asText(), sha256(bytes));
      assertArrayEquals(
          bytes,
          Files.readAllBytes(outB.resolve("corpus").resolve(f.get("path").asText())),
          a.toString());
      if (f.get("format").asText().equals("parquet")) {
        assertFooterIsSorted(bytes);
      }
      if (f.get("format").asText().equals("jsonl.zst")) {
        jsonlFiles++;
        assertTrue(
            f.get("uncompressed_bytes").asLong() <= CHUNK || f.get("docs").asLong() == 1,
            f.toString());
      }
    }
    assertTrue(jsonlFiles > 4, "several chunks: " + jsonlFiles);
    JsonNode b = new ObjectMapper().readTree(outB.resolve("corpus/manifest.json").toFile());
    assertEquals(manifest.get("files"), b.get("files"));
    assertEquals(DOCS, manifest.get("funnel").get("docs_dedup").asInt());
    try (Stream<Path> all = Files.walk(outA.resolve("corpus"))) {
      assertTrue(all.noneMatch(x -> x.getFileName().toString().endsWith(".crc")), "no .crc files");
    }
    String card = Files.readString(outA.resolve("corpus/README.md"));
    assertTrue(card.contains("| validation | RedPajamaC4 |"), card);
    assertTrue(card.contains("`dedup.near.threshold`") || card.contains("`dedup."), card);
    assertTrue(
        Files.readString(outA.resolve("corpus/SHA256SUMS"))
            .contains("  jsonl/train/train-00000-0000.jsonl.zst"));
  }

  /**
   * parquet-mr lists encodings in identity-hash order (different in every JVM, so one JVM's two
   * runs cannot show it): the export sorts them.
   */
  static void assertFooterIsSorted(byte[] file) throws Exception {
    int n =
        java.nio.ByteBuffer.wrap(file, file.length - 8, 4)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN)
            .getInt();
    org.apache.parquet.format.FileMetaData md =
        org.apache.parquet.format.Util.readFileMetaData(
            new java.io.ByteArrayInputStream(file, file.length - 8 - n, n));
    for (org.apache.parquet.format.RowGroup rg : md.getRow_groups()) {
      for (org.apache.parquet.format.ColumnChunk cc : rg.getColumns()) {
        List<Integer> e =
            cc.getMeta_data().getEncodings().stream()
                .map(org.apache.parquet.format.Encoding::getValue)
                .toList();
        assertTrue(e.size() > 1, "def levels and values: " + e);
        assertEquals(e.stream().sorted().toList(), e);
      }
    }
  }

  /** What bin/read-corpus-export computes, from the table. */
  static String textDigest() throws Exception {
    List<String> d = new ArrayList<>();
    for (String[] e : expected.values()) {
      d.add(sha256(e[0].getBytes(StandardCharsets.UTF_8)));
    }
    d.sort(null);
    return sha256(String.join("\n", d).getBytes(StandardCharsets.US_ASCII));
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static dev.slimspark.config.SlimConfig config(Path out) {
    return Stages.config(
        "lake=" + Stages.q(lake),
        "export.dir=" + Stages.q(out),
        "export.formats=[\"jsonl.zst\", \"parquet\"]",
        "export.chunk_bytes=" + CHUNK,
        "pack.validation_fraction=0.2");
  }

  /** Texts a JSON writer can get wrong: quotes, escapes, control and non-BMP characters. */
  static List<Row> docs() {
    String[] sources = {"RedPajamaC4", "RedPajamaWikipedia", "RedPajamaGithub"};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < DOCS; i++) {
      String text =
          switch (i % 6) {
            case 0 -> "plain document " + i;
            case 1 -> "quotes \" and \\ backslash \\n literal, tab\there " + i;
            case 2 -> "lines\nsplit\r\nacross " + i + " \u2028 sep \u0001 ctl";
            case 3 -> "unicode é 中文 😀 " + i;
            case 4 -> "long ".repeat(i % 60 == 4 ? 2000 : 3) + i; // 10000 chars > chunk_bytes
            default -> "";
          };
      String meta =
          switch (i % 4) {
            case 0 -> "{\"redpajama_set_name\":\"" + sources[i % 3] + "\",\"url\":\"u" + i + "\"}";
            case 1 -> "{\"score\":1.50,\"nested\":{\"a\":[1,2]},\"url\":\"u" + i + "\"}";
            case 2 -> null;
            default -> "[1,2]";
          };
      String id = String.format("%032x", (long) i * 2654435761L);
      rows.add(
          RowFactory.create(
              id, sources[i % 3], "f", (long) i, text, meta, null, (long) text.length(), "en"));
    }
    return rows;
  }

  static StructType schema() {
    return new StructType()
        .add("doc_id", DataTypes.StringType)
        .add("source", DataTypes.StringType)
        .add("file", DataTypes.StringType)
        .add("line_number", DataTypes.LongType)
        .add("text", DataTypes.StringType)
        .add("meta", DataTypes.StringType)
        .add("extra", DataTypes.StringType)
        .add("byte_length", DataTypes.LongType)
        .add("language", DataTypes.StringType);
  }
}
