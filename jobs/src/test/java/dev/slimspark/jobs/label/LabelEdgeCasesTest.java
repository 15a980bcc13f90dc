package dev.slimspark.jobs.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.cli.Main;
import dev.slimspark.jobs.Status;
import dev.slimspark.testing.StdoutCapture;
import dev.slimspark.udfs.djl.ModelDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * finetune, label and evaluate as a careless or hostile user runs them, through the CLI entry point
 * ({@link Main#run}) with real files: every case ends in exit 2 (user error, problem/cause/fix),
 * exit 3 (a failed check) or exit 0 with a right answer, never exit 0 with a wrong one or exit 1.
 * One head is trained once (the bundled BGE encoder, 68 hand-written sentences) and shared.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LabelEdgeCasesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private Path dir;
  private Path train;
  private Path docs;
  private Path model;
  private Path lake;
  private Cli finetune;
  private Cli label;

  /** One CLI call: exit code, what it printed, and its last JSON summary line (or null). */
  record Cli(int code, String out, String err, JsonNode summary) {
    @Override
    public String toString() {
      return "exit " + code + "\nstdout: " + out + "\nstderr: " + err;
    }
  }

  static Cli cli(String job, List<String> sets) {
    List<String> args = new ArrayList<>(List.of(job));
    for (String s : sets) {
      args.add("--set");
      args.add(s);
    }
    TestSpark.session(); // Main's session is then this JVM's shared test session.
    StdoutCapture cap = new StdoutCapture();
    int code;
    try (cap) {
      code = Main.run(args.toArray(new String[0]));
    }
    JsonNode last = null;
    for (String l : cap.lines()) {
      try {
        last = JSON.readTree(l);
      } catch (IOException e) {
        throw new AssertionError("stdout line is not JSON: " + l, e);
      }
    }
    return new Cli(code, cap.stdout(), cap.stderr(), last);
  }

  private List<String> sets(String... more) {
    List<String> s =
        new ArrayList<>(
            List.of(
                "lake=" + Stages.q(lake),
                "finetune.input=" + Stages.q(train),
                "finetune.output=" + Stages.q(model),
                "finetune.batch_size=16",
                // Embedding features only, few iterations: these tests need a model, not a good
                // one.
                "finetune.lexical=false",
                "finetune.max_iter=10",
                "label.input=" + Stages.q(docs),
                "label.batch_size=16",
                "label.labelers=[{type = \"fine-tuned\", model = " + Stages.q(model) + "}]",
                "evaluate.gold=" + Stages.q(docs)));
    s.addAll(List.of(more));
    return s;
  }

  private Path write(String name, String... lines) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, List.of(lines), StandardCharsets.UTF_8);
    return p;
  }

  @BeforeAll
  void trainAndLabel() throws IOException {
    dir = TestSpark.newDir("label-edges");
    lake = dir.resolve("lake");
    model = dir.resolve("model");
    List<String> lines =
        Files.readAllLines(
            Path.of("src/main/resources/label/finance_sentences.csv"), StandardCharsets.UTF_8);
    List<String> tr = new ArrayList<>(List.of(lines.get(0)));
    List<String> te = new ArrayList<>(List.of(lines.get(0)));
    for (int i = 1; i < lines.size(); i++) {
      (i % 4 == 0 && te.size() <= 10 ? te : tr).add(lines.get(i));
    }
    train = write("train.csv", tr.toArray(new String[0]));
    docs = write("docs.csv", te.toArray(new String[0]));
    // An earlier finetune's output (config.json with its architecture) plus a stray file: replaced
    // whole.
    Files.createDirectories(model);
    Files.writeString(
        model.resolve("config.json"),
        "{\"architectures\": [\"" + FineTunedModel.ARCHITECTURE + "\"]}");
    Files.writeString(model.resolve("stale.bin"), "from an earlier run");
    // 25 per class: bearish and bullish have fewer training rows, so both get a warning.
    finetune = cli("finetune", sets("finetune.min_rows_per_class=25"));
    label = cli("label", sets());
  }

  // 1. Model directories

  @Test
  void finetuneWritesAVersionedManifestAndReadableFiles() throws IOException {
    assertEquals(0, finetune.code(), finetune.toString());
    JsonNode m = JSON.readTree(model.resolve(ModelManifest.FILE).toFile());
    assertEquals(ModelManifest.FORMAT, m.get("format").asText());
    assertEquals(1, m.get("format_version").asInt());
    assertEquals("[\"bearish\",\"bullish\",\"neutral\"]", m.get("labels").toString());
    assertEquals("builtin:bge-small-en-v15-q", m.get("base_model").asText());
    assertEquals(
        Fingerprint.file(model.resolve("model.onnx")),
        m.get("files").get("model.onnx").get("sha256").asText());
    for (String f : ModelManifest.FILES) {
      assertTrue(m.get("files").has(f), f);
    }
    // model.onnx gets the permissions any new file gets here (umask), not createTempFile's 0600.
    Path probe = Files.writeString(dir.resolve("probe"), "x");
    assertEquals(
        Files.getPosixFilePermissions(probe),
        Files.getPosixFilePermissions(model.resolve("model.onnx")));
  }

  @Test
  void aPlainEncoderBesideAnotherModelsConfigIsRefused() throws IOException {
    // The reported case: an encoder without a head, with a classifier's config.json beside it.
    Path fake = Files.createDirectories(dir.resolve("plain-encoder"));
    Path bge = ModelDir.builtinDir("bge-small-en-v15-q");
    Files.copy(bge.resolve("model.onnx"), fake.resolve("model.onnx"));
    Files.copy(bge.resolve("tokenizer.json"), fake.resolve("tokenizer.json"));
    Files.copy(model.resolve("config.json"), fake.resolve("config.json"));
    Cli c =
        cli(
            "label",
            sets(
                "lake=" + Stages.q(dir.resolve("lake-plain")),
                "label.labelers=[{type = \"fine-tuned\", model = " + Stages.q(fake) + "}]"));
    assertEquals(2, c.code(), c.toString());
    assertTrue(
        c.err().contains("has no 'logits' output") && c.err().contains("last_hidden_state"),
        c.err());
    assertFalse(Files.exists(dir.resolve("lake-plain/labels")), "nothing labeled");

    // The same with the manifest copied too: the fingerprint tells the files apart.
    Files.copy(model.resolve(ModelManifest.FILE), fake.resolve(ModelManifest.FILE));
    c =
        cli(
            "label",
            sets(
                "lake=" + Stages.q(dir.resolve("lake-plain")),
                "label.labelers=[{type = \"fine-tuned\", model = " + Stages.q(fake) + "}]"));
    assertEquals(2, c.code(), c.toString());
    assertTrue(c.err().contains("model.onnx is not the file finetune wrote"), c.err());
  }

  @Test
  void aClassifierWhoseLogitsDoNotMatchTheLabelsIsRefused() throws IOException {
    // config.json says two labels, the graph outputs three logits (no manifest: an HF-style
    // export).
    Path two = copyModel("two-labels");
    Files.delete(two.resolve(ModelManifest.FILE));
    ObjectNode cfg = (ObjectNode) JSON.readTree(two.resolve("config.json").toFile());
    ((ObjectNode) cfg.get("id2label")).remove("2");
    JSON.writeValue(two.resolve("config.json").toFile(), cfg);
    Cli c =
        cli(
            "label",
            sets("label.labelers=[{type = \"fine-tuned\", model = " + Stages.q(two) + "}]"));
    assertEquals(2, c.code(), c.toString());
    assertTrue(
        c.err().contains("'logits' output has shape [-1, 3], but config.json names 2 labels"),
        c.err());

    // With the manifest, an edited config.json is caught by its labels and fingerprint.
    Path edited = copyModel("edited");
    JSON.writeValue(edited.resolve("config.json").toFile(), cfg);
    c =
        cli(
            "label",
            sets("label.labelers=[{type = \"fine-tuned\", model = " + Stages.q(edited) + "}]"));
    assertEquals(2, c.code(), c.toString());
    assertTrue(c.err().contains("differ from those finetune recorded"), c.err());
  }

  private Path copyModel(String name) throws IOException {
    Path to = Files.createDirectories(dir.resolve(name));
    try (Stream<Path> s = Files.list(model)) {
      for (Path f : s.toList()) {
        Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return to;
  }

  // 2. Classes in the training data

  @Test
  void aMissingInputTableNamesTheStageThatWritesIt() {
    Cli pipeline = cli("label", sets("label.input=docs_dedup"));
    assertEquals(2, pipeline.code(), pipeline.toString());
    assertTrue(
        pipeline.err().contains("bin/slimspark dedup"),
        "names dedup, not the reading stage: " + pipeline.err());
    Cli own =
        cli(
            "finetune",
            sets(
                "finetune.input=my_training_table",
                "finetune.output=" + Stages.q(dir.resolve("unused"))));
    assertEquals(2, own.code(), own.toString());
    assertTrue(
        own.err().contains("neither a CSV file nor a Delta table")
            && own.err().contains("No slimspark stage writes"),
        own.err());
  }

  @Test
  void trainingOnOneClassIsAUserError() throws IOException {
    List<String> rows = new ArrayList<>(List.of("doc_id,text,label"));
    for (int i = 0; i < 20; i++) {
      rows.add("b-" + i + ",Shares rose " + i + " percent after strong results,bullish");
    }
    Path one = write("one-class.csv", rows.toArray(new String[0]));
    Path out = dir.resolve("one-class-model");
    Cli c =
        cli(
            "finetune",
            sets(
                "finetune.input=" + Stages.q(one),
                "finetune.output=" + Stages.q(out),
                "finetune.labels=[bearish, bullish, neutral]"));
    assertEquals(2, c.code(), c.toString());
    assertTrue(c.err().contains("1 class(es) only") && c.err().contains("bullish=20"), c.err());
    assertFalse(Files.exists(out), "no model written");
  }

  @Test
  void aClassBelowTheMinimumIsAWarningInTheSummary() throws IOException {
    long bearish = Files.readAllLines(train).stream().filter(l -> l.endsWith(",bearish")).count();
    JsonNode w = finetune.summary().get("warnings");
    assertEquals(2, w.size(), w.toString());
    assertTrue(
        w.get(0)
            .asText()
            .startsWith(
                "class \"bearish\" has "
                    + bearish
                    + " training row(s), fewer than finetune.min_rows_per_class = 25"),
        w.toString());
    assertTrue(w.get(1).asText().startsWith("class \"bullish\""), w.toString());
  }

  // 3. Duplicate ids

  @Test
  void duplicateIdsAreAnErrorByDefaultAndFirstWinsWhenAsked() throws IOException {
    Path dup =
        write(
            "dup.csv",
            "doc_id,text,label",
            "d-1,Profit fell sharply,bearish",
            "d-2,Revenue beat estimates,bullish",
            "d-1,Revenue beat estimates and the stock soared,bullish",
            "d-3,The meeting is on Tuesday,neutral",
            "d-2,Revenue beat estimates,bullish");
    Path dupLake = dir.resolve("lake-dup");
    Cli c = cli("label", sets("lake=" + Stages.q(dupLake), "label.input=" + Stages.q(dup)));
    assertEquals(2, c.code(), c.toString());
    assertTrue(
        c.err().contains("2 doc ids occur more than once")
            && c.err().contains("d-1 (2 rows), d-2 (2 rows)"),
        c.err());
    Path noId = write("no-id.csv", "doc_id,text", "e-1,Profit fell", ",Shares soared");
    c = cli("label", sets("lake=" + Stages.q(dupLake), "label.input=" + Stages.q(noId)));
    assertEquals(2, c.code(), c.toString());
    assertTrue(
        c.err().contains("1 rows of label.input") && c.err().contains("have no doc id"), c.err());

    c =
        cli(
            "label",
            sets(
                "lake=" + Stages.q(dupLake),
                "label.input=" + Stages.q(dup),
                "label.duplicate_ids=first"));
    assertEquals(0, c.code(), c.toString());
    JsonNode counts = c.summary().get("counts");
    assertEquals(5, counts.get("rows_in").asLong());
    assertEquals(2, counts.get("duplicate_rows_dropped").asLong());
    assertEquals(3, counts.get("docs_in").asLong());
    assertEquals(2, c.summary().get("duplicate_ids").asLong());
    Dataset<Row> labels = table(dupLake, "labels");
    assertEquals(3, labels.count());
    // The first row of d-1 ("Profit fell sharply": [CLS] + 3 words + [SEP]) is the one labeled, not
    // the longer second.
    assertEquals(5, labels.filter("doc_id = 'd-1'").select("tokens_processed").head().getInt(0));
  }

  @Test
  void evaluateCountsEachDocumentOnceAndReportsMatches() throws IOException {
    // Simulate a labels table that holds a document twice (as a labeling bug once wrote it).
    Path evalLake = dir.resolve("lake-eval");
    copyTree(lake.resolve("labels"), evalLake.resolve("labels"));
    Dataset<Row> labels = table(evalLake, "labels");
    labels
        .filter("doc_id = 'fs-003'")
        .withColumn("run_id", org.apache.spark.sql.functions.lit("99999999-later"))
        .write()
        .format("delta")
        .mode(SaveMode.Append)
        .save(evalLake.resolve("labels").toString());
    // Gold without a text column, with one repeated row and one id nobody labeled.
    List<String> gold = new ArrayList<>(List.of("doc_id,label"));
    for (String l : Files.readAllLines(docs).subList(1, 11)) {
      String[] f = l.split(",");
      gold.add(f[0] + "," + f[f.length - 1]);
    }
    gold.add(gold.get(1));
    gold.add("fs-unlabeled,neutral");
    Path g = write("gold-no-text.csv", gold.toArray(new String[0]));
    Cli c = cli("evaluate", sets("lake=" + Stages.q(evalLake), "evaluate.gold=" + Stages.q(g)));
    assertEquals(0, c.code(), c.toString());
    JsonNode counts = c.summary().get("counts");
    assertEquals(12, counts.get("gold_rows").asLong());
    assertEquals(1, counts.get("gold_duplicate_rows").asLong());
    assertEquals(11, counts.get("gold_ids").asLong());
    assertEquals(10, counts.get("gold_matched").asLong());
    assertEquals(1, counts.get("gold_unmatched").asLong());
    assertEquals(1, counts.get("label_duplicate_rows_ignored").asLong());
    assertEquals(
        10, c.summary().get("results").get(0).get("docs").asLong(), "each document scored once");
  }

  // 4. Gold that matches nothing

  @Test
  void goldWhoseIdsMatchNothingFailsTheCheck() throws IOException {
    Path evalLake = dir.resolve("lake-nomatch");
    copyTree(lake.resolve("labels"), evalLake.resolve("labels"));
    Path g =
        write(
            "gold-other.csv",
            "doc_id,text,label",
            "x-1,Profit fell,bearish",
            "x-2,Shares soared,bullish");
    Cli c = cli("evaluate", sets("lake=" + Stages.q(evalLake), "evaluate.gold=" + Stages.q(g)));
    assertEquals(3, c.code(), c.toString());
    assertEquals(Status.CHECK_FAILED.json(), c.summary().get("status").asText());
    assertEquals(0, c.summary().get("counts").get("gold_matched").asLong());
    assertEquals(2, c.summary().get("counts").get("gold_unmatched").asLong());
    assertTrue(c.err().contains("Only 0 of 2 gold ids") && c.err().contains("fix:"), c.err());
    assertFalse(Files.exists(evalLake.resolve("label_eval")), "no empty evaluation written");

    // 3 of 12 matched is below the default minimum share (0.5).
    List<String> rows = new ArrayList<>(Files.readAllLines(docs).subList(0, 4));
    for (int i = 0; i < 9; i++) {
      rows.add("y-" + i + ",Some text,neutral");
    }
    g = write("gold-partial.csv", rows.toArray(new String[0]));
    c = cli("evaluate", sets("lake=" + Stages.q(evalLake), "evaluate.gold=" + Stages.q(g)));
    assertEquals(3, c.code(), c.toString());
    assertTrue(c.err().contains("Only 3 of 12 gold ids"), c.err());
  }

  // 5. Mistakes that used to be internal errors

  @Test
  void aHeaderOnlyTrainingCsvIsAUserError() throws IOException {
    Path h = write("header-only.csv", "doc_id,text,label");
    Cli c =
        cli(
            "finetune",
            sets(
                "finetune.input=" + Stages.q(h),
                "finetune.output=" + Stages.q(dir.resolve("m-header")),
                "finetune.labels=[bearish, bullish, neutral]"));
    assertEquals(2, c.code(), c.toString());
    assertTrue(c.err().contains("has no data rows"), c.err());
    c = cli("label", sets("label.input=" + Stages.q(h)));
    assertEquals(2, c.code(), c.toString());
    assertTrue(c.err().contains("has no documents"), c.err());
  }

  @Test
  void aRecordWithAMissingFieldIsAUserErrorNamingTheRecord() throws IOException {
    Path bad =
        write(
            "missing-field.csv",
            "doc_id,text,label",
            "a-1,Profit fell,bearish",
            "a-2,Shares soared",
            "a-3,Flat,neutral",
            "a-4,\"Beat, then fell\",bearish");
    Cli c =
        cli(
            "finetune",
            sets(
                "finetune.input=" + Stages.q(bad),
                "finetune.output=" + Stages.q(dir.resolve("m-bad"))));
    assertEquals(2, c.code(), c.toString());
    assertTrue(
        c.err().contains("1 malformed record(s)")
            && c.err().contains("record 2: \"a-2,Shares soared\""),
        c.err());
  }

  // 6. Smaller things

  /** Also: a model directory from before the manifest still labels (with a warning in the log). */
  @Test
  void aLatin1CsvIsReportedAndCanBeReadWithItsEncoding() throws IOException {
    Path latin = dir.resolve("latin1.csv");
    Files.writeString(
        latin,
        "doc_id,text\nl-1,Caf\u00e9 chain's profit jumped\nl-2,Na\u00efve guidance cut\nl-3,Plain text\n",
        StandardCharsets.ISO_8859_1);
    Cli c =
        cli(
            "label",
            sets("lake=" + Stages.q(dir.resolve("lake-latin")), "label.input=" + Stages.q(latin)));
    assertEquals(0, c.code(), c.toString());
    JsonNode w = c.summary().get("warnings");
    assertEquals(1, w.size(), w.toString());
    assertTrue(
        w.get(0).asText().startsWith("2 of 3 rows of")
            && w.get(0).asText().contains("label.encoding = \"ISO-8859-1\""),
        w.toString());
    Path old = copyModel("pre-manifest");
    Files.delete(old.resolve(ModelManifest.FILE));
    c =
        cli(
            "label",
            sets(
                "lake=" + Stages.q(dir.resolve("lake-latin2")),
                "label.input=" + Stages.q(latin),
                "label.encoding=ISO-8859-1",
                "label.labelers=[{type = \"fine-tuned\", model = " + Stages.q(old) + "}]"));
    assertEquals(0, c.code(), c.toString());
    assertEquals(0, c.summary().get("warnings").size());
    assertEquals(3, c.summary().get("counts").get("docs_in").asLong());
  }

  @Test
  void anIdColumnUnderAnotherNameIsNamedInTheError() throws IOException {
    Path ids = write("id-column.csv", "id,text", "n-1,Profit fell", "n-2,Shares soared");
    Cli c = cli("label", sets("label.input=" + Stages.q(ids)));
    assertEquals(2, c.code(), c.toString());
    assertTrue(c.err().contains("Set label.id_column = \"id\""), c.err());
  }

  @Test
  void finetuneRefusesAnUnrelatedNonEmptyOutputAndReplacesItsOwn() throws IOException {
    Path other = Files.createDirectories(dir.resolve("not-a-model"));
    Files.writeString(other.resolve("notes.txt"), "keep me");
    Cli c = cli("finetune", sets("finetune.output=" + Stages.q(other)));
    assertEquals(2, c.code(), c.toString());
    assertTrue(
        c.err().contains("is not empty and is not a model directory finetune wrote")
            && c.err().contains("notes.txt"),
        c.err());
    assertEquals("keep me", Files.readString(other.resolve("notes.txt")));
    // A directory finetune wrote is replaced whole (see trainAndLabel): the stray file did not
    // survive.
    assertEquals(0, finetune.code(), finetune.toString());
    assertFalse(Files.exists(model.resolve("stale.bin")));
    assertTrue(Files.isRegularFile(model.resolve(ModelManifest.FILE)));
    try (Stream<Path> s = Files.list(dir)) {
      assertTrue(
          s.noneMatch(p -> p.getFileName().toString().startsWith(".model.")),
          "no temporary directory left");
    }
  }

  @Test
  void labelReportsModelLoadTimeApartFromThroughput() {
    assertEquals(0, label.code(), label.toString());
    JsonNode l = label.summary().get("counts").get("labelers").elements().next();
    assertEquals(10, l.get("labeled").asLong());
    assertTrue(l.get("model_load_seconds").isNumber(), l.toString());
    double load = l.get("model_load_seconds").asDouble();
    double wall = l.get("wall_seconds").asDouble();
    assertTrue(load >= 0 && load <= wall, l.toString());
    assertEquals(
        10 / (wall - load),
        l.get("docs_per_second").asDouble(),
        1e-6 * l.get("docs_per_second").asDouble());
  }

  private static Dataset<Row> table(Path lake, String t) {
    return TestSpark.session().read().format("delta").load(lake.resolve(t).toString());
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
  }
}
