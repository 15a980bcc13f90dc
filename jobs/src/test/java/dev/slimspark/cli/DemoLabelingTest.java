package dev.slimspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.testing.StdoutCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The demo's labeling part with the demo's own settings (finetune defaults): both offline labelers
 * label the held-out sentences and are evaluated, and the fine-tuned head is a real classifier
 * (beats the majority class, no fallback needed), not a collapsed one.
 */
class DemoLabelingTest {
  @Test
  void demoTrainsLabelsAndEvaluatesTheBundledSample() throws IOException {
    Path dir = TestSpark.newDir("demo-label");
    List<String> sets = new ArrayList<>(List.of("lake=" + Stages.q(dir.resolve("lake"))));
    sets.addAll(DemoLabeling.prepare(dir.resolve("labeled"), dir.resolve("model")));
    assertEquals(
        23,
        Files.readAllLines(dir.resolve("labeled/test.csv")).size(),
        "header + 22 held-out sentences");
    assertEquals(
        69,
        Files.readAllLines(dir.resolve("labeled/train.csv")).size(),
        "header + 68 training sentences");

    StdoutCapture out = new StdoutCapture();
    int code;
    try (out) {
      code = DemoLabeling.run(TestSpark.session(), null, sets);
    }
    assertEquals(0, code, out.stdout() + out.stderr());
    assertEquals(List.of("finetune=ok", "label=ok", "evaluate=ok"), out.jobStatuses());
    assertTrue(
        out.lines().stream().noneMatch(l -> l.contains("\"fallback\"")),
        "the demo's head trains without a fallback");

    Dataset<Row> eval =
        TestSpark.session().read().format("delta").load(dir.resolve("lake/label_eval").toString());
    List<Row> rows =
        eval.select("labeler_type", "accuracy", "docs").orderBy("labeler_type").collectAsList();
    assertEquals(2, rows.size(), rows.toString());
    assertEquals("fine-tuned", rows.get(0).getString(0));
    assertEquals("knn-vote", rows.get(1).getString(0));
    // The largest class of the 22 held-out sentences is 10 of them: a constant labeler scores <=
    // 0.45.
    assertTrue(rows.get(0).getDouble(1) >= 0.75, "fine-tuned accuracy " + rows.get(0));
    assertEquals(22L, rows.get(0).getLong(2));
  }
}
