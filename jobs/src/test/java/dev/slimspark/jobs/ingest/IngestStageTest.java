package dev.slimspark.jobs.ingest;

import static dev.slimspark.Stages.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;
import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserError;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ingest through real Spark and Delta: every bad-input case lands in quarantine with its reason.
 */
class IngestStageTest {
  static Path input;
  static Path lake;
  static JobSummary summary;

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String doc(int i) {
    return "{\"text\":\"doc " + i + " body\",\"meta\":{\"redpajama_set_name\":\"RedPajamaC4\"}}\n";
  }

  @BeforeAll
  static void ingest() throws IOException {
    input = TestSpark.newDir("ingest-in");
    lake = TestSpark.newDir("ingest-lake");
    // 1. Plain file with every bad-line case, BOM and CRLF.
    ByteArrayOutputStream bad = new ByteArrayOutputStream();
    bad.writeBytes(b("\uFEFF{\"text\":\"with bom\"}\r\n"));
    bad.writeBytes(b("{\"text\": \"oops\r\n")); // 2 malformed_json
    bad.writeBytes(b("[\"an\",\"array\"]\r\n")); // 3 not_json_object
    bad.writeBytes(b("{\"meta\":{\"redpajama_set_name\":\"X\"}}\r\n")); // 4 missing_text
    bad.writeBytes(b("{\"text\":null}\r\n")); // 5 null_text
    bad.writeBytes(b("{\"text\":17}\r\n")); // 6 text_not_string
    bad.writeBytes(b("{\"text\":\"x"));
    bad.writeBytes(new byte[] {(byte) 0xFF});
    bad.writeBytes(b("\"}\r\n")); // 7 invalid_utf8
    bad.writeBytes(b("\r\n")); // 8 blank
    bad.writeBytes(
        b("{\"text\":\"" + "y".repeat(5000) + "\"}\r\n")); // 9 line_too_long (limit 4096)
    bad.writeBytes(b("{\"text\":\"crlf doc\"}\r\n")); // 10 ok
    Files.write(input.resolve("a-bad.jsonl"), bad.toByteArray());
    // 2. Good gzip and zstd shards.
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      sb.append(doc(i));
    }
    try (OutputStream o =
        new GZIPOutputStream(Files.newOutputStream(input.resolve("b-good.jsonl.gz")))) {
      o.write(b(sb.toString()));
    }
    try (OutputStream o =
        new ZstdOutputStream(Files.newOutputStream(input.resolve("c-good.jsonl.zst")))) {
      o.write(b(sb.toString()));
    }
    // 3. Truncated gzip.
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream o = new GZIPOutputStream(gz)) {
      StringBuilder big = new StringBuilder();
      for (int i = 0; i < 20000; i++) {
        big.append(doc(i));
      }
      o.write(b(big.toString()));
    }
    byte[] full = gz.toByteArray();
    Files.write(input.resolve("d-cut.jsonl.gz"), Arrays.copyOf(full, full.length / 2));
    // (An unreadable JSONL file is covered by ShardReaderTest: tests run as root, so permissions
    // can't deny.)
    // 5. Parquet: good rows, a null text, and a corrupt parquet file.
    SparkSession spark = TestSpark.session();
    StructType pq =
        new StructType().add("content", DataTypes.StringType).add("lang", DataTypes.StringType);
    spark
        .createDataFrame(
            List.of(
                org.apache.spark.sql.RowFactory.create("def f(): pass", "python"),
                org.apache.spark.sql.RowFactory.create(null, "c"),
                org.apache.spark.sql.RowFactory.create("int main(){}", "c")),
            pq)
        .coalesce(1)
        .write()
        .parquet(input.resolve("pq").toString());
    Path part;
    try (var s = Files.list(input.resolve("pq"))) {
      part = s.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    Files.move(part, input.resolve("f-code.parquet"));
    Files.write(input.resolve("g-corrupt.parquet"), b("PAR1 this is not really parquet PAR1"));

    SlimConfig c =
        Stages.config(
            "lake=" + q(lake),
            "ingest.input=[" + q(input + "/*.jsonl*") + "," + q(input + "/*.parquet") + "]",
            "ingest.max_line_bytes=4096");
    summary = Stages.run("ingest", c);
  }

  private static Map<Long, String> reasonsOf(String fileSuffix) {
    Map<Long, String> m = new HashMap<>();
    for (Row r :
        TestSpark.session()
            .read()
            .format("delta")
            .load(lake.resolve("ingest_quarantine").toString())
            .where("file like '%" + fileSuffix + "'")
            .collectAsList()) {
      m.put(r.getLong(r.fieldIndex("line_number")), r.getString(r.fieldIndex("reason")));
    }
    return m;
  }

  @Test
  void fileGroupsAreBalancedByBytesNotByCount() throws IOException {
    Path dir = TestSpark.newDir("ingest-groups");
    for (int i = 0; i < 40; i++) {
      Files.writeString(dir.resolve(String.format("tiny-%02d.jsonl", i)), "{\"text\":\"x\"}\n");
    }
    Files.write(dir.resolve("big-a.jsonl"), new byte[200_000]);
    Files.write(dir.resolve("big-b.jsonl"), new byte[200_000]);
    List<dev.slimspark.io.InputFiles.Entry> files =
        dev.slimspark.io.InputFiles.expand(
            List.of(dir.toString()), new org.apache.hadoop.conf.Configuration());
    assertEquals(42, files.size());
    List<List<dev.slimspark.io.InputFiles.Entry>> groups = IngestReader.balancedGroups(files, 8);
    assertEquals(8, groups.size());
    assertEquals(42, groups.stream().mapToInt(List::size).sum(), "every file exactly once");
    long withBig =
        groups.stream().filter(g -> g.stream().anyMatch(e -> e.path.contains("big-"))).count();
    assertEquals(2, withBig, "the two large files go to different tasks");
    for (List<dev.slimspark.io.InputFiles.Entry> g : groups) {
      if (g.stream().anyMatch(e -> e.path.contains("big-"))) {
        assertEquals(1, g.size(), "a large file's task holds nothing else");
      }
    }
    java.util.function.Function<List<List<dev.slimspark.io.InputFiles.Entry>>, List<List<String>>>
        paths = gs -> gs.stream().map(g -> g.stream().map(e -> e.path).toList()).toList();
    java.util.List<dev.slimspark.io.InputFiles.Entry> shuffled = new java.util.ArrayList<>(files);
    java.util.Collections.reverse(shuffled);
    assertEquals(
        paths.apply(groups),
        paths.apply(IngestReader.balancedGroups(shuffled, 8)),
        "deterministic, whatever the listing order");
  }

  @Test
  void everyBadLineIsQuarantinedWithItsReason() {
    Map<Long, String> m = reasonsOf("a-bad.jsonl");
    assertEquals(
        Map.of(
            2L, "malformed_json",
            3L, "not_json_object",
            4L, "missing_text",
            5L, "null_text",
            6L, "text_not_string",
            7L, "invalid_utf8",
            9L, "line_too_long"),
        m);
    assertEquals(Map.of(1L, "unreadable_file"), reasonsOf("g-corrupt.parquet"));
    assertEquals(Map.of(2L, "null_text"), reasonsOf("f-code.parquet"));
    Map<Long, String> cut = reasonsOf("d-cut.jsonl.gz");
    assertEquals(1, cut.size());
    assertEquals("corrupt_compressed_file", cut.values().iterator().next());
  }

  @Test
  void countsReconcilePerFileAndInTotal() {
    assertEquals(Status.OK, summary.status());
    assertEquals(Boolean.TRUE, summary.extra().get("reconciled"));
    long lines = (Long) summary.counts().get("lines_read");
    long docs = (Long) summary.counts().get("docs");
    long q = (Long) summary.counts().get("quarantined");
    long blank = (Long) summary.counts().get("blank");
    assertEquals(lines, docs + q + blank);
    assertEquals(1L, blank);
    assertEquals(
        6,
        summary.counts().get("files") instanceof Long
            ? ((Long) summary.counts().get("files")).intValue()
            : -1);
    for (Row r :
        TestSpark.session()
            .read()
            .format("delta")
            .load(lake.resolve("ingest_files").toString())
            .collectAsList()) {
      long lr = r.getLong(r.fieldIndex("lines_read"));
      long d = r.getLong(r.fieldIndex("docs"));
      long qq = r.getLong(r.fieldIndex("quarantined"));
      long bl = r.getLong(r.fieldIndex("blank"));
      assertEquals(lr, d + qq + bl, "file " + r.getString(0));
    }
    long docsTable =
        TestSpark.session()
            .read()
            .format("delta")
            .load(lake.resolve("docs_raw").toString())
            .count();
    assertEquals(docs, docsTable);
  }

  @Test
  void docsKeepTextSourceAndMeta() {
    var docs = TestSpark.session().read().format("delta").load(lake.resolve("docs_raw").toString());
    Row bom = docs.where("text = 'with bom'").head();
    assertEquals("unknown", bom.getString(bom.fieldIndex("source")));
    assertEquals(1L, bom.getLong(bom.fieldIndex("line_number")));
    assertEquals(1, docs.where("text = 'crlf doc'").count());
    assertEquals(600 + 0, docs.where("file like '%good%'").count());
    assertEquals(
        300, docs.where("file like '%b-good.jsonl.gz' and source = 'RedPajamaC4'").count());
    Row py = docs.where("text = 'def f(): pass'").head();
    assertEquals("{\"lang\":\"python\"}", py.getString(py.fieldIndex("meta")));
    assertEquals(1L, py.getLong(py.fieldIndex("line_number")));
    long cutDocs = docs.where("file like '%d-cut.jsonl.gz'").count();
    assertTrue(cutDocs > 1000 && cutDocs < 20000, "docs before the damage: " + cutDocs);
    // doc ids are unique
    assertEquals(docs.count(), docs.select("doc_id").distinct().count());
  }

  @Test
  void missingInputIsAUserError() {
    SlimConfig c =
        Stages.config("lake=" + q(lake), "ingest.input=[" + q(input + "/nothing-*.jsonl") + "]");
    UserError e = Assertions.assertThrows(UserError.class, () -> Stages.run("ingest", c));
    assertTrue(e.problem().contains("matched no files"), e.problem());
  }

  @Test
  void failOnQuarantineMarksTheRun() {
    Path lake2 = TestSpark.newDir("lake-strict");
    SlimConfig c =
        Stages.config(
            "lake=" + q(lake2),
            "ingest.input=[" + q(input + "/a-bad.jsonl") + "]",
            "ingest.fail_on_quarantine=true");
    JobSummary s = Stages.run("ingest", c);
    assertEquals(Status.FAILED_ON_QUARANTINE, s.status());
    // The good lines were still written (the 5000-byte line is fine under the default limit).
    assertEquals(
        3,
        TestSpark.session()
            .read()
            .format("delta")
            .load(lake2.resolve("docs_raw").toString())
            .count());
  }
}
