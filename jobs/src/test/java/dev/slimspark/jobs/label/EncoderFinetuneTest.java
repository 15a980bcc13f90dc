package dev.slimspark.jobs.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.RunContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * finetune's encoder mode on a tiny configuration (the float32 MiniLM, 32 rows, a few steps): the
 * training loss falls, the model directory records its training and loads back, and {@code label}
 * (ONNX Runtime, on the executors) gives the held-out rows the labels the trainer (PyTorch)
 * predicted for them.
 */
class EncoderFinetuneTest {
  @Test
  void trainsTheEncoderAndLabelReproducesItsPredictions() throws Exception {
    Path dir = TestSpark.newDir("encoder-finetune");
    List<String> lines =
        Files.readAllLines(
            Path.of("src/main/resources/label/finance_sentences.csv"), StandardCharsets.UTF_8);
    Path csv = dir.resolve("train.csv");
    Files.write(csv, lines.subList(0, 33), StandardCharsets.UTF_8);
    Path model = dir.resolve("model");
    SlimConfig c =
        Stages.config(
            "lake=" + Stages.q(dir.resolve("lake")),
            "finetune.input=" + Stages.q(csv),
            "finetune.output=" + Stages.q(model),
            "finetune.mode=encoder",
            "finetune.encoder=builtin:all-minilm-l6-v2",
            "finetune.max_length=32",
            "finetune.holdout_fraction=0.25",
            "finetune.epochs=3",
            "finetune.patience=3",
            "finetune.train_batch_size=8",
            "finetune.learning_rate=1e-4",
            "finetune.threads=2",
            // The leakage check runs in encoder mode too: the training file against itself.
            "finetune.overlap.eval=" + Stages.q(csv),
            "label.input=" + Stages.q(csv),
            "label.batch_size=16",
            "label.labelers=[{type = \"fine-tuned\", model = " + Stages.q(model) + "}]");
    RunContext ctx = new RunContext(TestSpark.session(), c);
    dev.slimspark.jobs.JobSummary summary = new dev.slimspark.jobs.JobSummary("finetune", ctx);
    FinetuneEncoderStep.Written w =
        FinetuneEncoderStep.trainAndWrite(ctx, FinetuneOptions.from(c), summary);
    @SuppressWarnings("unchecked")
    Map<String, Object> overlap = (Map<String, Object>) summary.extra().get("overlap");
    assertEquals(32L, ((Number) overlap.get("eval_exact")).longValue(), "overlap " + overlap);
    FinetuneEncoderAction.Outcome r = w.outcome();
    List<EncoderTrainer.Epoch> epochs = r.result().epochs();
    assertEquals(3, epochs.size());
    EncoderTrainer.Epoch probe = r.result().probe();
    assertEquals(0, probe.epoch());
    assertTrue(Double.isFinite(probe.trainLoss()) && probe.heldMacroF1() != null, "probe " + probe);
    for (EncoderTrainer.Epoch e : epochs) {
      assertTrue(Double.isFinite(e.trainLoss()), "finite loss: " + epochs);
    }
    assertTrue(
        epochs.get(2).trainLoss() < epochs.get(0).trainLoss() * 0.8,
        "the training loss falls: " + epochs);
    assertEquals(32, r.trained() + r.heldOut());
    assertFalse(r.heldPredictions().isEmpty());

    JsonNode cfg = new ObjectMapper().readTree(model.resolve("config.json").toFile());
    JsonNode t = cfg.get("training");
    assertEquals("encoder", t.get("mode").asText());
    assertEquals("builtin:all-minilm-l6-v2", t.get("encoder").asText());
    assertEquals(42, t.get("seed").asInt());
    assertEquals(64, t.get("data_hash").asText().length());
    assertEquals(3, t.get("epochs").size());
    assertEquals(epochs.get(2).trainLoss(), t.get("epochs").get(2).get("train_loss").asDouble());
    assertEquals(1e-4, t.get("hyper_parameters").get("learning_rate").asDouble());
    assertEquals(1.0, t.get("hyper_parameters").get("max_grad_norm").asDouble());
    assertEquals(probe.trainLoss(), t.get("probe").get("train_loss").asDouble());
    FineTunedModel loaded = FineTunedModel.load(model.toString(), 256);
    assertEquals(r.labels(), loaded.labels());

    LabelStagesTest.run(new LabelStage(), c);
    Map<String, String> labeled = new HashMap<>();
    for (Row x :
        TestSpark.session()
            .read()
            .format("delta")
            .load(dir.resolve("lake").resolve("labels").toString())
            .select("doc_id", "label")
            .collectAsList()) {
      labeled.put(x.getString(0), x.getString(1));
    }
    assertEquals(32, labeled.size());
    for (Map.Entry<String, String> e : r.heldPredictions().entrySet()) {
      assertEquals(e.getValue(), labeled.get(e.getKey()), "label of held-out row " + e.getKey());
    }
  }
}
