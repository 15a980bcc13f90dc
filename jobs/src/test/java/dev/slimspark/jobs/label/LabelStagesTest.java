package dev.slimspark.jobs.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserError;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.RunsTable;
import dev.slimspark.jobs.Stage;
import dev.slimspark.jobs.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * finetune -> label -> evaluate end to end on a small hand-written set of financial sentences
 * (src/main/resources/label/finance_sentences.csv: 90 rows, bearish 26 / bullish 28 / neutral 36).
 * Every 4th row is held out for testing; the rest trains the head and forms the knn pool.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LabelStagesTest {
  private Path dir;
  private Path lake;
  private Path train;
  private Path test;
  private Path model;
  private JobSummary finetune;
  private JobSummary label1;
  private JobSummary label2;
  private JobSummary eval;
  private String[] sets;

  @BeforeAll
  void runStages() throws IOException {
    dir = TestSpark.newDir("label");
    lake = dir.resolve("lake");
    train = dir.resolve("train.csv");
    test = dir.resolve("test.csv");
    model = dir.resolve("model");
    List<String> lines =
        Files.readAllLines(
            Path.of("src/main/resources/label/finance_sentences.csv"), StandardCharsets.UTF_8);
    List<String> tr = new ArrayList<>(List.of(lines.get(0)));
    List<String> te = new ArrayList<>(List.of(lines.get(0)));
    for (int i = 1; i < lines.size(); i++) {
      (i % 4 == 0 ? te : tr).add(lines.get(i));
    }
    // Blank text must become an error row, not a failed job; a quoted multi-line field must parse.
    te.add("blank-1,\"   \",neutral");
    te.add("multi-1,\"Profit fell sharply,\nand the stock dropped\",bearish");
    Files.write(train, tr, StandardCharsets.UTF_8);
    Files.write(test, te, StandardCharsets.UTF_8);
    sets =
        new String[] {
          "lake=" + Stages.q(lake),
          "finetune.input=" + Stages.q(train),
          "finetune.output=" + Stages.q(model),
          "finetune.batch_size=16",
          // Each LR iteration is a Spark job: few iterations keep the test fast; 68 rows converge
          // quickly.
          "finetune.max_iter=15",
          "label.input=" + Stages.q(test),
          "label.batch_size=16",
          "label.labelers=[{type = \"fine-tuned\", model = "
              + Stages.q(model)
              + "}, "
              + "{type = \"knn-vote\", k = 5, pool = "
              + Stages.q(test)
              + "}, "
              + "{type = \"knn-vote\", k = 1, pool = "
              + Stages.q(test)
              + "}]",
          "evaluate.gold=" + Stages.q(test),
        };
    SlimConfig c = Stages.config(sets);
    finetune = run(new FinetuneStage(), c);
    label1 = run(new LabelStage(), c);
    label2 = run(new LabelStage(), c);
    eval = run(new EvaluateStage(), c);
  }

  /** As Stages.run, for stages not registered in the corpus pipeline. */
  static JobSummary run(Stage stage, SlimConfig c) {
    JobSummary s = stage.run(new RunContext(TestSpark.session(), c));
    RunsTable.record(s);
    return s;
  }

  private Dataset<Row> table(String t) {
    return TestSpark.session().read().format("delta").load(lake.resolve(t).toString());
  }

  @Test
  void finetuneWritesASelfContainedModelDirectory() throws IOException {
    assertEquals(Status.OK, finetune.status());
    assertEquals(68L, finetune.counts().get("trained"));
    // HuggingFace sequence-classification layout: one graph with a logits output.
    for (String f : List.of("config.json", "model.onnx", "tokenizer.json", "head.json")) {
      assertTrue(Files.isRegularFile(model.resolve(f)), f);
    }
    JsonNode cfg = new ObjectMapper().readTree(model.resolve("config.json").toFile());
    assertEquals("bearish", cfg.get("id2label").get("0").asText());
    assertEquals(2, cfg.get("label2id").get("neutral").asInt());
    assertEquals(3, cfg.get("id2label").size());
    assertEquals("cls", cfg.get("pooling").asText(), "auto pooling for the default BGE encoder");
    assertTrue(
        dev.slimspark.udfs.onnx.OnnxModelInfo.read(model.resolve("model.onnx"))
            .outputs()
            .contains("logits"));
    LinearHead head = LinearHead.read(model.resolve("head.json"), new ObjectMapper());
    assertEquals(384, head.hidden());
    assertEquals(65536, head.ngrams().buckets());
  }

  @Test
  void fineTunedLabelerBeatsTheMajorityBaselineOnHeldOutRows() {
    Map<String, Object> ft = result("fine-tuned");
    long docs = (Long) ft.get("docs");
    assertEquals(24, docs, "22 held-out rows + blank + multi-line");
    assertEquals(1L, ft.get("errors"));
    // The majority class (neutral) is 40% of the data; a constant labeler scores about 0.4.
    double acc = (Double) ft.get("accuracy");
    assertTrue(acc >= 0.75, "fine-tuned accuracy " + acc + "\n" + eval.extra().get("report"));
    // Leave-one-out on the 23 test rows (the pool is the labeled file itself).
    double knn = (Double) result("knn-vote:k5").get("accuracy");
    assertTrue(knn >= 0.5, "knn-vote accuracy " + knn);
  }

  @Test
  void knnVoteNeverUsesTheQueryItself() {
    // Both knn labelers' pool is the labeled file itself: the k=1 neighbour would be the query.
    List<Row> rows =
        table("labels")
            .filter("labeler_id like 'knn-vote:k1:%' and error is null")
            .select("doc_id", "demo_ids")
            .collectAsList();
    assertEquals(23, rows.size());
    for (Row r : rows) {
      List<String> demo = r.getList(1);
      assertEquals(1, demo.size());
      assertFalse(demo.contains(r.getString(0)), r.toString());
    }
    Row five =
        table("labels")
            .filter("labeler_id like 'knn-vote:k5:%' and error is null")
            .select("demo_ids", "scores")
            .head();
    assertEquals(5, five.getList(0).size());
    assertEquals(
        1.0, five.getJavaMap(1).values().stream().mapToDouble(x -> (Double) x).sum(), 1e-9);
  }

  @Test
  void labelIsResumableAndEmptyTextIsAnErrorRow() {
    Dataset<Row> l = table("labels");
    assertEquals(3 * 24, l.count());
    assertEquals(
        0,
        l.groupBy("doc_id", "labeler_id").count().filter("count > 1").count(),
        "each row labeled once");
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> second =
        (Map<String, Map<String, Object>>) label2.counts().get("labelers");
    for (Map<String, Object> m : second.values()) {
      assertEquals(24L, m.get("already_labeled"));
      assertEquals(0L, m.get("labeled"));
    }
    Row blank = l.filter("doc_id = 'blank-1'").select("label", "error", "tokens_processed").head();
    assertTrue(blank.isNullAt(0));
    assertEquals(EmbedStep.EMPTY_TEXT, blank.getString(1));
    Row ok =
        l.filter("doc_id = 'multi-1' and labeler_type = 'fine-tuned'")
            .select("label", "tokens_processed", "truncated")
            .head();
    assertEquals("bearish", ok.getString(0));
    assertTrue(ok.getInt(1) > 5);
    assertFalse(ok.getBoolean(2));
  }

  @Test
  void evaluateWritesMetricsAndKappa() {
    Dataset<Row> e = table("label_eval");
    assertEquals(3, e.count());
    Row r = e.filter("labeler_type = 'fine-tuned'").head();
    assertNotNull(r.getAs("kappa_vs"));
    assertEquals(2, r.<scala.collection.Map<String, Double>>getAs("kappa_vs").size());
    assertTrue(String.valueOf(eval.extra().get("report")).contains("macro-F1"));
  }

  @Test
  void writtenTablesMatchTheirSchemaFiles() throws IOException {
    Path schemas = Path.of(System.getProperty("slimspark.repo.root", "..")).resolve("data-schemas");
    for (String t : List.of("labels", "label_eval")) {
      JsonNode node = new ObjectMapper().readTree(schemas.resolve(t + ".json").toFile());
      StructType expected = (StructType) DataType.fromJson(node.get("schema").toString());
      StructType actual = table(t).schema();
      assertEquals(expected.treeString(), actual.treeString(), t);
      for (String f : actual.fieldNames()) {
        assertTrue(node.get("columns").has(f), t + "." + f + " undocumented");
      }
    }
  }

  @Test
  void userErrorsNameTheProblem() throws IOException {
    Path empty = TestSpark.newDir("nomodel");
    UserError e = assertThrows(UserError.class, () -> FineTunedModel.load(empty.toString(), 256));
    assertTrue(e.problem().contains("config.json"), e.problem());
    Files.writeString(empty.resolve("config.json"), "{\"id2label\": {\"0\": \"a\", \"1\": \"b\"}}");
    e = assertThrows(UserError.class, () -> FineTunedModel.load(empty.toString(), 256));
    assertTrue(e.problem().contains("model.onnx"), e.problem());
    assertTrue(e.why().contains("tokenizer.json"), e.why());

    Path gold = dir.resolve("bad-gold.csv");
    Files.write(
        gold, List.of("doc_id,text,label", "fs-003,x,bullish", "fs-999,y,sideways", "fs-007,z,7"));
    List<String> s = new ArrayList<>(List.of(sets));
    s.add("evaluate.gold=" + Stages.q(gold));
    e =
        assertThrows(
            UserError.class,
            () -> run(new EvaluateStage(), Stages.config(s.toArray(new String[0]))));
    assertTrue(e.problem().contains("[7, sideways]"), e.problem());
  }

  private Map<String, Object> result(String prefix) {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rs = (List<Map<String, Object>>) eval.extra().get("results");
    return rs.stream()
        .filter(m -> ((String) m.get("labeler_id")).startsWith(prefix))
        .findFirst()
        .orElseThrow();
  }
}
