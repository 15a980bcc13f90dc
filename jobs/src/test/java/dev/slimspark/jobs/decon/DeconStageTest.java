package dev.slimspark.jobs.decon;

import static dev.slimspark.Stages.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.cli.Main;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.Status;
import dev.slimspark.sample.ContaminationPlanter;
import dev.slimspark.testing.StdoutCapture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stage on a corpus with 300 planted eval items (case, punctuation, line-break and
 * surrounding-text changes), read from eval sets in all five file formats: every planted item is
 * found, cut or dropped as configured, the clean corpus flags nothing, no eval sets means skipped,
 * and a bad eval set file is a user error (exit 2).
 */
class DeconStageTest {
  static final int DOCS = 400;
  static final int ITEMS = 300;
  static final List<String> FORMATS = List.of("csv", "jsonl", "text", "parquet", "phrasebank");
  static ContaminationPlanter.Corpus corpus;
  static Path sets;
  static String evalSets;

  @BeforeAll
  static void corpus() throws IOException {
    corpus = ContaminationPlanter.generate(DOCS, ITEMS, 18L);
    sets = TestSpark.newDir("decon-sets");
    List<List<String>> byFormat = new ArrayList<>();
    FORMATS.forEach(f -> byFormat.add(new ArrayList<>()));
    for (int i = 0; i < ITEMS; i++) {
      byFormat.get(i % FORMATS.size()).add(corpus.items().get(i));
    }
    List<String> entries = new ArrayList<>();
    for (int f = 0; f < FORMATS.size(); f++) {
      String format = FORMATS.get(f);
      Path p = sets.resolve("set-" + format);
      writeSet(format, p, byFormat.get(f));
      entries.add("{name = " + format + ", path = " + q(p) + ", format = " + format + "}");
    }
    evalSets = "decontaminate.eval_sets=[" + String.join(", ", entries) + "]";
  }

  static void writeSet(String format, Path p, List<String> items) throws IOException {
    List<String> lines = new ArrayList<>();
    switch (format) {
      case "csv" -> {
        lines.add("id,text");
        for (int i = 0; i < items.size(); i++) {
          lines.add(i + ",\"" + items.get(i).replace("\"", "\"\"") + "\"");
        }
      }
      case "jsonl" ->
          items.forEach(t -> lines.add("{\"text\": \"" + t.replace("\"", "\\\"") + "\"}"));
      case "phrasebank" -> items.forEach(t -> lines.add(t + "@neutral"));
      case "text" -> lines.addAll(items);
      default -> {
        List<Row> rows = items.stream().map(t -> RowFactory.create(t)).toList();
        TestSpark.session()
            .createDataFrame(rows, new StructType().add("text", DataTypes.StringType))
            .write()
            .parquet(p.toString());
        return;
      }
    }
    Files.write(p, lines, StandardCharsets.UTF_8);
  }

  /** A lake whose docs_dedup holds {@code texts} as docs d0, d1, ... */
  static Path lake(String name, List<String> texts) {
    Path lake = TestSpark.newDir(name);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      String t = texts.get(i);
      rows.add(
          RowFactory.create("d" + i, "src", t, (long) t.getBytes(StandardCharsets.UTF_8).length));
    }
    StructType s =
        new StructType()
            .add("doc_id", DataTypes.StringType)
            .add("source", DataTypes.StringType)
            .add("text", DataTypes.StringType)
            .add("byte_length", DataTypes.LongType);
    TestSpark.session()
        .createDataFrame(rows, s)
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .save(lake.resolve("docs_dedup").toString());
    return lake;
  }

  static Dataset<Row> table(Path lake, String t) {
    return TestSpark.session().read().format("delta").load(lake.resolve(t).toString());
  }

  static String norm(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").trim();
  }

  @Test
  void everyPlantedItemIsFoundAndCutOrDropped() throws IOException {
    Path lake = lake("decon-planted", corpus.planted());
    JobSummary s = Stages.run("decontaminate", Stages.config("lake=" + q(lake), evalSets));
    assertEquals(Status.OK, s.status(), s.toJson());
    assertEquals(Boolean.TRUE, s.extra().get("reconciled"), s.toJson());
    Set<String> found = new HashSet<>();
    for (Row r : table(lake, "decon_hits").select("doc_id", "eval_item").collectAsList()) {
      found.add(r.getString(0) + "|" + r.getString(1));
    }
    Set<Integer> plantedDocs = new HashSet<>();
    int hit = 0;
    for (ContaminationPlanter.Plant p : corpus.plants()) {
      plantedDocs.add(p.doc());
      hit += found.contains("d" + p.doc() + "|" + corpus.items().get(p.item())) ? 1 : 0;
    }
    assertTrue(hit >= 0.99 * ITEMS, "recall " + hit + " of " + ITEMS);
    long cut = (Long) s.counts().get("docs_cut");
    long dropped = (Long) s.counts().get("docs_dropped");
    assertEquals(plantedDocs.size(), cut + dropped, s.toJson());
    assertTrue(cut > dropped, "most docs are long enough to keep after a cut: " + s.toJson());
    // What remains of the cut docs holds no planted item any more.
    for (Row r : table(lake, "docs_decon").select("text").collectAsList()) {
      String text = norm(r.getString(0));
      for (String item : corpus.items()) {
        assertFalse(text.contains(norm(item)), item);
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> bySet =
        (Map<String, Map<String, Object>>) s.counts().get("by_eval_set");
    assertEquals(FORMATS.size(), bySet.size(), bySet.toString());
    for (String f : FORMATS) {
      assertEquals((long) ITEMS / FORMATS.size(), bySet.get(f).get("items"), f);
      assertEquals(1.0, (Double) bySet.get(f).get("contamination_rate"), 0.02, f);
    }
    assertEquals(FORMATS.size(), table(lake, "decon_summary").count());
    for (String t : List.of("decon_hits", "decon_summary")) {
      assertMatchesSchemaFile(t, table(lake, t).schema());
    }
    // docs_decon has the input's columns (docs_dedup's in the pipeline: data-schemas/docs_decon).
    assertEquals(
        table(lake, "docs_dedup").schema().treeString(),
        table(lake, "docs_decon").schema().treeString());

    // Every dropped document says why; cut ones have no reason.
    Map<?, ?> byReason = (Map<?, ?>) s.counts().get("docs_dropped_by_reason");
    assertEquals(dropped, byReason.values().stream().mapToLong(v -> (Long) v).sum(), s.toJson());
    assertTrue(
        Set.of("too_many_cuts", "too_short_after_cut").containsAll(byReason.keySet()), s.toJson());
    assertEquals(
        0,
        table(lake, "decon_hits").where("(action = 'cut') <> (reason IS NULL)").count(),
        "reason is null exactly when cut");

    // Cut documents carry their new byte_length.
    assertEquals(
        0, table(lake, "docs_decon").where("byte_length <> octet_length(text)").count(), "bytes");

    // The Bloom filter (texts read back from the corpus) and the shuffle join (no broadcast of
    // the decisions) give the same tables as the hash set with broadcasts.
    List<String> keptExact = sortedRows(lake, "docs_decon", "doc_id", "text", "byte_length");
    List<String> hitsExact = sortedRows(lake, "decon_hits", "doc_id", "eval_item", "matched_text");
    JobSummary other =
        Stages.run(
            "decontaminate",
            Stages.config(
                "lake=" + q(lake),
                evalSets,
                "decontaminate.broadcast_max_ngrams=10",
                "decontaminate.hits_broadcast_max_docs=0"));
    assertEquals("bloom", ((Map<?, ?>) other.extra().get("index")).get("shipped_as"));
    assertEquals(keptExact, sortedRows(lake, "docs_decon", "doc_id", "text", "byte_length"));
    assertEquals(hitsExact, sortedRows(lake, "decon_hits", "doc_id", "eval_item", "matched_text"));

    JobSummary drop =
        Stages.run(
            "decontaminate",
            Stages.config("lake=" + q(lake), evalSets, "decontaminate.policy=drop"));
    assertEquals(Status.OK, drop.status(), drop.toJson());
    assertEquals((long) plantedDocs.size(), drop.counts().get("docs_dropped"));
    assertEquals((long) DOCS - plantedDocs.size(), drop.counts().get("docs_out"));
    assertEquals(0, table(lake, "decon_hits").where("action <> 'dropped'").count());
    assertEquals(
        Map.of("policy_drop", (long) plantedDocs.size()),
        drop.counts().get("docs_dropped_by_reason"));
  }

  /** The table's rows as strings of the given columns, sorted. */
  static List<String> sortedRows(Path lake, String t, String... cols) {
    List<String> out = new ArrayList<>();
    for (Row r : table(lake, t).selectExpr(cols).collectAsList()) {
      out.add(r.toString());
    }
    java.util.Collections.sort(out);
    return out;
  }

  /** data-schemas/T.json holds this schema ({@code -Dslimspark.schemas.write=true} writes it). */
  static void assertMatchesSchemaFile(String t, StructType actual) throws IOException {
    Path f =
        Path.of(System.getProperty("slimspark.repo.root", ".."))
            .resolve("data-schemas/" + t + ".json");
    ObjectMapper json = new ObjectMapper();
    if (Boolean.getBoolean("slimspark.schemas.write")) {
      ObjectNode node = json.createObjectNode();
      node.put("table", t);
      node.put("description", "TODO");
      node.set("schema", json.readTree(actual.json()));
      ObjectNode cols = node.putObject("columns");
      for (String c : actual.fieldNames()) {
        cols.put(c, "TODO");
      }
      json.writerWithDefaultPrettyPrinter().writeValue(f.toFile(), node);
      return;
    }
    StructType expected =
        (StructType) DataType.fromJson(json.readTree(f.toFile()).get("schema").toString());
    assertEquals(expected.treeString(), actual.treeString(), t);
  }

  @Test
  void theCleanCorpusFlagsNothing() {
    Path lake = lake("decon-clean", corpus.clean());
    JobSummary s = Stages.run("decontaminate", Stages.config("lake=" + q(lake), evalSets));
    assertEquals(Status.OK, s.status(), s.toJson());
    assertEquals(0L, s.counts().get("hits"), s.toJson());
    assertEquals((long) DOCS, s.counts().get("docs_out"));
  }

  @Test
  void withoutEvalSetsTheStageIsSkipped() {
    Path lake = lake("decon-none", corpus.clean().subList(0, 3));
    JobSummary s = Stages.run("decontaminate", Stages.config("lake=" + q(lake)));
    assertEquals(Status.SKIPPED, s.status(), s.toJson());
    assertTrue(String.valueOf(s.extra().get("reason")).contains("no eval sets"), s.toJson());
    assertFalse(Files.exists(lake.resolve("docs_decon")));
  }

  @Test
  void aBadEvalSetFileIsAUserError() {
    Path lake = lake("decon-bad", corpus.clean().subList(0, 3));
    String missing = "{name = gone, path = " + q(sets.resolve("nope.csv")) + ", format = csv}";
    String column =
        "{name = col, path = " + q(sets.resolve("set-csv")) + ", format = csv, column = body}";
    for (String entry : List.of(missing, column)) {
      StdoutCapture c = new StdoutCapture();
      int code;
      try (c) {
        code =
            Main.run(
                new String[] {
                  "decontaminate",
                  "--set",
                  "lake=" + lake,
                  "--set",
                  "decontaminate.eval_sets=[" + entry + "]"
                });
      }
      assertEquals(2, code, c.stderr());
      assertTrue(c.stderr().contains("Eval set") && c.stderr().contains("fix"), c.stderr());
    }
  }
}
