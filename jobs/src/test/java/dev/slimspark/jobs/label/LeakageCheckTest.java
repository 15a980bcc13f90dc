package dev.slimspark.jobs.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserError;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The train/eval leakage check: planted exact copies (case, punctuation, spacing changed), a near
 * copy (one word changed) and a loose paraphrase below the threshold, counted by {@link
 * TrainEvalOverlap}, reported by evaluate in label_eval (with the scores on the clean gold) and
 * dropped by finetune.
 */
class LeakageCheckTest {
  /** Gold: g1 and g3 exact copies of train rows, g2 a near copy, g4 a loose paraphrase. */
  static final String[][] GOLD = {
    {"g1", "Apple shares JUMP 5% after earnings beat!!", "bullish"},
    {
      "g2",
      "Tesla recalls 50,000 vehicles over faulty brakes, shares fall in early trading",
      "bearish"
    },
    {"g3", "Buy   $AAPL", "bullish"},
    {"g4", "Oil prices slide as OPEC signals higher output next quarter", "bearish"},
    {"g5", "Central bank holds rates steady, in line with forecasts", "neutral"},
    {"g6", "Retailer posts record holiday sales, raises full-year outlook", "bullish"},
    {"g7", "Chipmaker warns of weak demand, cuts revenue guidance", "bearish"},
    {"g8", "Company to present at industry conference next week", "neutral"},
  };

  static final String[][] TRAIN = {
    {"t1", "apple shares jump 5 after earnings beat", "bullish"},
    {
      "t2",
      "Tesla recalls 50,000 vehicles over faulty brakes; shares fall in early trade",
      "bearish"
    },
    {"t3", "buy $aapl", "bullish"},
    {"t4", "Crude oil drops after producers hint at raising supply", "bearish"},
    {"t5", "Bank leaves interest rates unchanged as expected", "neutral"},
    {"t6", "Streaming service adds subscribers, stock climbs", "bullish"},
    {"t7", "Airline cuts forecast as fuel costs soar", "bearish"},
    {"t8", "Firm schedules quarterly call for next Tuesday", "neutral"},
    {"t9", "Miner reports lower output after floods", "bearish"},
    {"t10", "Insurer beats estimates on strong premiums", "bullish"},
    {"t11", "Board announces annual meeting date", "neutral"},
    {"t12", "Software maker raises dividend by ten percent", "bullish"},
  };

  static Path dir;
  static Path gold;
  static Path train;

  @BeforeAll
  static void files() throws Exception {
    dir = TestSpark.newDir("leakage");
    gold = csv("gold.csv", GOLD);
    train = csv("train.csv", TRAIN);
  }

  static Path csv(String name, String[][] rows) throws Exception {
    List<String> lines = new ArrayList<>(List.of("doc_id,text,label"));
    for (String[] r : rows) {
      lines.add(r[0] + ",\"" + r[1] + "\"," + r[2]);
    }
    return Files.write(dir.resolve(name), lines, StandardCharsets.UTF_8);
  }

  static Dataset<Row> rows(String[][] rows) {
    List<Row> l = new ArrayList<>();
    for (String[] r : rows) {
      l.add(RowFactory.create(r[0], r[1]));
    }
    StructType s =
        new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType);
    return TestSpark.session().createDataFrame(l, s);
  }

  @Test
  void exactAndNearCopiesAreFoundAndVerified() {
    TrainEvalOverlap.Result r = TrainEvalOverlap.of(rows(TRAIN), rows(GOLD), 0.8);
    assertEquals(12, r.trainRows());
    assertEquals(8, r.evalRows());
    assertEquals(2, r.evalExact(), "g1 and g3: same normalized text");
    assertEquals(3, r.evalNear(), "g2 too; g4 is a paraphrase well below 0.8");
    assertEquals(2, r.trainExact());
    assertEquals(3, r.trainNear());
    assertEquals(ids(r.evalIds(), "id"), new TreeSet<>(List.of("g1", "g2", "g3")));
    assertEquals(ids(r.trainIds().filter("exact"), "id"), new TreeSet<>(List.of("t1", "t3")));
    assertEquals(3, r.examples().size());
    // A looser threshold only adds pairs that really are closer than it.
    TrainEvalOverlap.Result loose = TrainEvalOverlap.of(rows(TRAIN), rows(GOLD), 0.3);
    assertTrue(loose.evalNear() >= 3 && loose.evalExact() == 2);
  }

  @Test
  void evaluateReportsTheOverlapAndTheScoresOnTheCleanGold() {
    Path lake = TestSpark.newDir("leakage-lake");
    writeLabels(lake);
    String[] sets = {
      "lake=" + Stages.q(lake),
      "evaluate.gold=" + Stages.q(gold),
      "evaluate.labels=[bearish, bullish, neutral]"
    };
    // First without the check: the table then gains the new columns on the next append.
    JobSummary plain = LabelStagesTest.run(new EvaluateStage(), Stages.config(sets));
    assertTrue(plain.ok(), plain.toJson());
    List<String> withCheck = new ArrayList<>(List.of(sets));
    withCheck.add("evaluate.overlap.train=" + Stages.q(train));
    JobSummary s =
        LabelStagesTest.run(new EvaluateStage(), Stages.config(withCheck.toArray(new String[0])));
    assertTrue(s.ok(), s.toJson());
    @SuppressWarnings("unchecked")
    Map<String, Object> ov = (Map<String, Object>) s.extra().get("overlap");
    assertEquals(3L, ov.get("eval_near"));
    assertEquals(2L, ov.get("eval_exact"));
    List<Row> evals =
        new Lake(TestSpark.session(), lake.toString())
            .read(Table.LABEL_EVAL)
            .orderBy("run_id")
            .collectAsList();
    assertEquals(2, evals.size());
    Row before = evals.get(0);
    Row after = evals.get(1);
    assertNull(before.getAs("gold_overlap_near"));
    assertEquals(2L, (Long) after.getAs("gold_overlap_exact"));
    assertEquals(3L, (Long) after.getAs("gold_overlap_near"));
    assertEquals(0.8, (Double) after.getAs("overlap_threshold"));
    // The labeler is right on the three leaked items and on 2 of the 5 clean ones.
    assertEquals(5.0 / 8, (Double) after.getAs("accuracy"), 1e-9);
    assertEquals(5L, (Long) after.getAs("docs_clean"));
    assertEquals(2.0 / 5, (Double) after.getAs("accuracy_clean"), 1e-9);
  }

  @Test
  void evaluateRefusesTheCheckWithoutGoldText() {
    Path lake = TestSpark.newDir("leakage-lake-notext");
    writeLabels(lake);
    SlimConfig c =
        Stages.config(
            "lake=" + Stages.q(lake),
            "evaluate.gold=" + Stages.q(gold),
            "evaluate.gold_text_column=missing",
            "evaluate.overlap.train=" + Stages.q(train));
    UserError e = assertThrows(UserError.class, () -> new EvaluateStage().run(ctx(c)));
    assertTrue(e.problem().contains("evaluate.overlap.train"), e.problem());
  }

  @Test
  void finetuneReportsAndDropsTheOverlappingTrainingRows() {
    Path lake = TestSpark.newDir("leakage-ft-lake");
    SlimConfig c =
        Stages.config(
            "lake=" + Stages.q(lake),
            "finetune.input=" + Stages.q(train),
            "finetune.output=" + Stages.q(dir.resolve("model")),
            "finetune.lexical=false",
            "finetune.max_iter=5",
            "finetune.min_rows_per_class=1",
            "finetune.overlap.eval=" + Stages.q(gold),
            "finetune.overlap.drop=near");
    JobSummary s = LabelStagesTest.run(new FinetuneStage(), c);
    assertTrue(s.ok(), s.toJson());
    assertEquals(12L, s.counts().get("rows_read"));
    assertEquals(3L, s.counts().get("overlap_dropped"));
    assertEquals(9L, s.counts().get("rows_in"));
    assertEquals(9L, s.counts().get("trained"));
    @SuppressWarnings("unchecked")
    Map<String, Object> ov = (Map<String, Object>) s.extra().get("overlap");
    assertEquals(3L, ov.get("train_near"));
    assertEquals("near", ov.get("drop"));
  }

  static dev.slimspark.jobs.RunContext ctx(SlimConfig c) {
    return new dev.slimspark.jobs.RunContext(TestSpark.session(), c);
  }

  /** Labeler m1: right on g1-g3 (the leaked ones) and on g4, g5; wrong on g6-g8. */
  static void writeLabels(Path lake) {
    SparkSession spark = TestSpark.session();
    String[] predicted = {
      "bullish", "bearish", "bullish", "bearish", "neutral", "neutral", "neutral", "bearish"
    };
    List<Row> l = new ArrayList<>();
    LabelsTable.Ident m1 = new LabelsTable.Ident("m1", "fine-tuned", "v1");
    for (int i = 0; i < GOLD.length; i++) {
      l.add(m1.row(GOLD[i][0], predicted[i], null, null, 10, false, null, 5.0, "r1"));
    }
    new Lake(spark, lake.toString())
        .write(spark.createDataFrame(l, LabelsTable.SCHEMA), Table.LABELS, SaveMode.Overwrite, "t");
  }

  static TreeSet<String> ids(Dataset<Row> d, String c) {
    TreeSet<String> s = new TreeSet<>();
    for (Row r : d.select(c).collectAsList()) {
      s.add(r.getString(0));
    }
    return s;
  }
}
