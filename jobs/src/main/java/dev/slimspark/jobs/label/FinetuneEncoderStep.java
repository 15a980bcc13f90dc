package dev.slimspark.jobs.label;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.udfs.djl.ModelDir;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Finetune with {@code mode = "encoder"}: checks the files, reads the input, trains ({@link
 * FinetuneEncoderAction}), writes the model directory (config.json's {@code training} records the
 * base model, the data hash, seed, hyper-parameters, per-epoch loss and held-out scores) and fills
 * the summary.
 */
final class FinetuneEncoderStep {
  private FinetuneEncoderStep() {}

  /** The trained outcome and what the summary needs besides it. */
  record Written(
      FinetuneEncoderAction.Outcome outcome,
      long rowsIn,
      Path dir,
      String version,
      List<String> warnings) {}

  static JobSummary run(RunContext ctx, FinetuneOptions o, JobSummary summary) {
    Written w = trainAndWrite(ctx, o, summary);
    FinetuneEncoderAction.Outcome r = w.outcome();
    long rowsIn = w.rowsIn();
    Path dir = w.dir();
    String version = w.version();
    List<String> warnings = w.warnings();
    EncoderTrainer.Result t = r.result();
    summary.put("mode", "encoder");
    summary.put("epochs_run", t.epochs().size());
    summary.put("best_epoch", t.bestEpoch());
    summary.put("probe", t.probe().toMap());
    summary.put("train_wall_s", t.wallS());
    summary.put("train_cpu_s", t.cpuS());
    FinetuneStage.putHoldout(summary, r.heldOut(), r.holdout());
    summary
        .count("rows_in", rowsIn)
        .count("embedded", r.usable())
        .count("empty_text", rowsIn - r.usable())
        .count("trained", r.trained())
        .count("held_out", r.heldOut())
        .count("tokens", r.tokens())
        .count("truncated", r.truncated())
        .count("per_class", r.perClass());
    summary.put("model_dir", dir.toString());
    summary.put("model_version", version);
    summary.put("labels", r.labels());
    summary.put("warnings", warnings);
    return summary;
  }

  /** {@link #trainAndWrite(RunContext, FinetuneOptions, JobSummary)} with a summary of its own. */
  static Written trainAndWrite(RunContext ctx, FinetuneOptions o) {
    return trainAndWrite(ctx, o, new JobSummary("finetune", ctx));
  }

  /**
   * Checks the files, reads the input, runs the train/eval leakage check (finetune.overlap, into
   * {@code summary}, as head mode does), trains and writes the model directory.
   */
  static Written trainAndWrite(RunContext ctx, FinetuneOptions o, JobSummary summary) {
    try {
      ModelDir.validate(ModelDir.resolve(ModelDir.floatTwin(o.encoder())));
    } catch (ModelDir.MissingModelFileException e) {
      throw EncoderSettings.missing(e);
    }
    Path dir = Path.of(o.output()).toAbsolutePath();
    FineTunedModel.checkOutput(dir);
    List<String> warnings = new ArrayList<>();
    Dataset<Row> data =
        LabeledData.read(ctx.spark(), ctx.lake(), o.input(), o.columns(), "finetune", warnings);
    data = FinetuneStage.leakageCheck(ctx, o, data, summary, warnings);
    long rowsIn = data.count();
    String dataHash = DataHash.of(data);
    FinetuneEncoderAction.Outcome r = FinetuneEncoderAction.train(data, o, o.input(), warnings);
    String version = "finetune-" + ctx.runId() + "-" + ctx.configHash();
    try {
      FineTunedModel.writeReplacing(
          dir,
          r.onnx(),
          r.tokenizer(),
          r.head(),
          o.maxLength(),
          version,
          trainingInfo(o, r, dataHash, warnings));
    } catch (IOException e) {
      throw UserErrors.of(
          "Cannot write the model directory " + o.output() + ".",
          e.getMessage(),
          "Check that the path is writable.");
    }
    return new Written(r, rowsIn, dir, version, warnings);
  }

  /**
   * config.json's {@code training}: what a re-run needs to reproduce the model, and how it went.
   */
  static Map<String, Object> trainingInfo(
      FinetuneOptions o, FinetuneEncoderAction.Outcome r, String dataHash, List<String> warnings) {
    EncoderTraining t = o.training();
    EncoderTrainer.Result res = r.result();
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("mode", "encoder");
    info.put("input", o.input());
    info.put("data_hash", dataHash);
    info.put("rows_trained", r.trained());
    info.put("per_class", r.perClass());
    info.put("class_weights", o.classWeights());
    info.put("seed", o.seed());
    info.put("encoder", r.baseModel());
    info.put("encoder_configured", o.encoder());
    info.put("pooling", o.resolvedPooling());
    info.put("max_length", o.maxLength());
    Map<String, Object> hp = new LinkedHashMap<>();
    hp.put("epochs", t.epochs());
    hp.put("learning_rate", t.learningRate());
    hp.put("head_learning_rate", t.headLearningRate());
    hp.put("warmup_fraction", t.warmupFraction());
    hp.put("weight_decay", t.weightDecay());
    hp.put("train_batch_size", t.batchSize());
    hp.put("train_layers", t.trainLayers());
    hp.put("patience", t.patience());
    hp.put("max_grad_norm", t.maxGradNorm());
    hp.put(
        "optimizer",
        "linear probe, then AdamW (decay on matrices, clipped gradient norm), linear warmup then linear decay");
    info.put("hyper_parameters", hp);
    info.put("probe", res.probe().toMap());
    info.put("epochs", res.epochs().stream().map(EncoderTrainer.Epoch::toMap).toList());
    info.put("best_epoch", res.bestEpoch());
    info.put("steps", res.steps());
    info.put("train_wall_s", res.wallS());
    info.put("train_cpu_s", res.cpuS());
    if (r.holdout() != null) {
      info.put("holdout_fraction", o.holdoutFraction());
      info.put("holdout_rows", r.heldOut());
      info.put("holdout_accuracy", r.holdout().accuracy());
      info.put("holdout_macro_f1", r.holdout().macroF1());
    }
    info.put("warnings", warnings);
    return info;
  }
}
