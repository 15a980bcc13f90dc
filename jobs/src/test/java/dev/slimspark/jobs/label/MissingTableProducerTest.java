package dev.slimspark.jobs.label;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.errors.UserError;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A labeling stage whose input table is missing names the command that writes it (from the table
 * catalog), not the stage that reads it: evaluate without labels says run label, finetune on a
 * pipeline table says run that table's stage.
 */
class MissingTableProducerTest {
  private static UserError fails(Stage stage, String... sets) {
    return assertThrows(
        UserError.class, () -> stage.run(new RunContext(TestSpark.session(), Stages.config(sets))));
  }

  @Test
  void evaluateWithoutLabelsNamesLabel() throws IOException {
    Path dir = TestSpark.newDir("missing-labels");
    Path gold = Files.write(dir.resolve("gold.csv"), List.of("doc_id,text,label", "a,x,bullish"));
    UserError e =
        fails(
            new EvaluateStage(),
            "lake=" + Stages.q(dir.resolve("lake")),
            "evaluate.gold=" + Stages.q(gold));
    assertTrue(e.fix().contains("bin/slimspark label "), e.render());
  }

  @Test
  void finetuneOnAMissingPipelineTableNamesItsProducer() {
    Path dir = TestSpark.newDir("missing-filtered");
    UserError e =
        fails(
            new FinetuneStage(),
            "lake=" + Stages.q(dir.resolve("lake")),
            "finetune.input=docs_filtered",
            "finetune.output=" + Stages.q(dir.resolve("model")));
    assertTrue(e.fix().contains("bin/slimspark filter "), e.render());
  }
}
