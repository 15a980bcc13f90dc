package dev.slimspark.jobs.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.errors.UserError;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * finetune never writes a head that predicts one class for (almost) everything: it refits with
 * standardization, or fails with a user error. The collapse is provoked on the hand-written
 * sentences (neutral 39%) with the MiniLM encoder, no class weights and a strong L2 penalty: on the
 * raw unit-length embeddings (per-dimension spread ~0.05) the penalty leaves only the class prior,
 * i.e. "neutral" everywhere, while on standardized inputs the same penalty is mild.
 */
class FinetuneGuardTest {
  static final List<String> LABELS = List.of("bearish", "bullish", "neutral");

  @Test
  void collapseNeedsOneClassInNearlyAllPredictionsButNotInTheLabels() {
    assertNull(HeadTrainer.collapsed(new long[] {22, 24, 35}, new long[] {20, 25, 36}, LABELS));
    String why = HeadTrainer.collapsed(new long[] {22, 24, 35}, new long[] {0, 0, 81}, LABELS);
    assertEquals(
        "it predicts \"neutral\" for 100.0% of the training rows, which are 43.2% \"neutral\"",
        why);
    // 99% of predictions is the threshold: 1 of 100 elsewhere still counts as collapsed.
    assertTrue(
        HeadTrainer.collapsed(new long[] {30, 30, 40}, new long[] {1, 0, 99}, LABELS) != null);
    assertNull(HeadTrainer.collapsed(new long[] {30, 30, 40}, new long[] {2, 0, 98}, LABELS));
    // A truly skewed set may be predicted as its majority class.
    assertNull(HeadTrainer.collapsed(new long[] {2, 3, 95}, new long[] {0, 0, 100}, LABELS));
    assertNull(HeadTrainer.collapsed(new long[] {0, 0, 0}, new long[] {0, 0, 0}, LABELS));
  }

  private static String[] sets(Path model, double reg) {
    return new String[] {
      "lake=" + Stages.q(model.resolveSibling("lake")),
      "finetune.input="
          + Stages.q(Path.of("src/main/resources/label/finance_sentences.csv").toAbsolutePath()),
      "finetune.output=" + Stages.q(model),
      "finetune.encoder=builtin:all-minilm-l6-v2-q",
      "finetune.lexical=false",
      "finetune.class_weights=none",
      "finetune.reg_param=" + reg,
      "finetune.max_iter=15",
      "finetune.batch_size=16",
    };
  }

  @Test
  void aCollapsedHeadIsRefitWithStandardization() throws IOException {
    Path model = TestSpark.newDir("guard").resolve("model");
    JobSummary s = LabelStagesTest.run(new FinetuneStage(), Stages.config(sets(model, 1.0)));
    assertEquals(Status.OK, s.status());
    assertEquals("standardize", s.extra().get("fallback"));
    JsonNode training =
        new ObjectMapper().readTree(model.resolve("config.json").toFile()).get("training");
    assertEquals("standardize", training.get("fallback").asText());
    assertTrue(training.get("standardize").asBoolean());
  }

  @Test
  void aHealthyHeadRecordsItsSolverAndScoresTheHoldoutOnTheExecutors() throws IOException {
    Path model = TestSpark.newDir("guard").resolve("model");
    String[] base = sets(model, 1e-3);
    String[] conf = java.util.Arrays.copyOf(base, base.length + 3);
    conf[base.length] = "finetune.holdout_fraction=0.25";
    conf[base.length + 1] = "finetune.class_weights=balanced";
    conf[base.length + 2] = "finetune.standardize=true"; // MiniLM alone at 15 iterations needs it
    JobSummary s = LabelStagesTest.run(new FinetuneStage(), Stages.config(conf));
    assertEquals(Status.OK, s.status());
    assertNull(s.extra().get("fallback"));
    long trained = ((Number) s.counts().get("trained")).longValue();
    long held = ((Number) s.counts().get("held_out")).longValue();
    assertEquals(((Number) s.counts().get("embedded")).longValue(), trained + held);
    assertTrue(held > 5 && trained > 40, "held " + held + ", trained " + trained);
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> holdout =
        (java.util.Map<String, Object>) s.extra().get("holdout");
    assertEquals(held, ((Number) holdout.get("rows")).longValue());
    double acc = ((Number) holdout.get("accuracy")).doubleValue();
    assertTrue(acc >= 0 && acc <= 1, "accuracy " + acc);
    JsonNode training =
        new ObjectMapper().readTree(model.resolve("config.json").toFile()).get("training");
    int iterations = ((Number) s.extra().get("lr_iterations")).intValue();
    assertTrue(iterations > 0 && iterations <= 15, "iterations " + iterations);
    assertEquals(iterations, training.get("lr_iterations").asInt());
    assertEquals(iterations < 15, training.get("lr_converged").asBoolean());
    assertEquals(held, training.get("holdout_rows").asLong());
  }

  @Test
  void aHeadThatCollapsesEitherWayIsAUserErrorAndNoModel() throws IOException {
    Path model = TestSpark.newDir("guard").resolve("model");
    UserError e =
        assertThrows(
            UserError.class,
            () -> LabelStagesTest.run(new FinetuneStage(), Stages.config(sets(model, 1e4))));
    assertTrue(
        e.problem().contains("useless head") && e.problem().contains("\"neutral\""), e.problem());
    assertTrue(e.problem().contains("with standardization"), e.problem());
    assertTrue(e.fix().contains("finetune.reg_param"), e.fix());
    assertFalse(Files.exists(model), "no model written");
  }
}
