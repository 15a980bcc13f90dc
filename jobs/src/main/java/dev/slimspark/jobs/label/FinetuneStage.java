package dev.slimspark.jobs.label;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.Stage;
import dev.slimspark.udfs.djl.ModelDir;
import dev.slimspark.udfs.text.TokenNgrams;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Finetune: trains a linear classification head on a frozen encoder. Reads a labeled CSV or table
 * ({@code finetune.input}), embeds every text once per partition with the encoder (pooled and
 * L2-normalized), optionally adds token n-gram tf-idf features of the encoder's own token ids
 * ({@code finetune.lexical}, see {@link TokenNgrams}; idf from the training rows), fits a Spark
 * MLlib multinomial logistic regression (optionally class-weighted, L2/elastic-net regularized) on
 * the concatenation and writes a HuggingFace-layout model directory ({@link FineTunedModel}): the
 * head, n-gram features included, is appended to the encoder's ONNX graph, so labeling runs one
 * model.onnx that outputs logits. Rows with empty text are skipped and counted. With {@code
 * finetune.holdout_fraction > 0} a seeded, hash-based share of rows is held out and scored with the
 * Java head ({@link LinearHead}). Before any embedding: at least two classes must have rows with
 * text, classes under {@code finetune.min_rows_per_class} are warned about ({@link ClassCheck}),
 * and {@code finetune.output} must be absent, empty or an earlier model (it is replaced whole).
 *
 * <p>With {@code finetune.mode = "encoder"} the encoder's weights are trained too ({@link
 * FinetuneEncoderStep}); the model directory has the same layout.
 *
 * <p>This class checks the files ({@link FinetuneOptions} checked the values), reads the input,
 * lets {@link FinetuneAction} train, writes the model and maps the {@link FinetuneResult} to the
 * summary.
 */
public final class FinetuneStage implements Stage {
  @Override
  public String name() {
    return "finetune";
  }

  @Override
  public String description() {
    return "train a logistic-regression head on frozen encoder embeddings (+ token n-grams) -> ONNX classifier directory (finetune.output)";
  }

  @Override
  public String[] configPrefixes() {
    return new String[] {"lake", "finetune"};
  }

  @Override
  public JobSummary run(RunContext ctx) {
    FinetuneOptions o = FinetuneOptions.from(ctx.config());
    JobSummary summary = new JobSummary(name(), ctx);
    summary.input(o.input());
    if (o.trainsEncoder()) {
      return FinetuneEncoderStep.run(ctx, o, summary);
    }
    Path encoderDir = o.encoderSettings().validate();
    TokenNgrams ngrams = o.lexical() ? lexicalFeatures(encoderDir, o.lexicalBuckets()) : null;
    Path dir = Path.of(o.output()).toAbsolutePath();
    FineTunedModel.checkOutput(dir);

    List<String> warnings = new ArrayList<>();
    Dataset<Row> data =
        LabeledData.read(ctx.spark(), ctx.lake(), o.input(), o.columns(), name(), warnings);
    data = leakageCheck(ctx, o, data, summary, warnings);
    FinetuneResult r = FinetuneAction.train(data, o, o.input(), ngrams, warnings);
    String version = "finetune-" + ctx.runId() + "-" + ctx.configHash();
    try {
      FineTunedModel.writeReplacing(
          dir, encoderDir, r.head(), o.maxLength(), version, r.trainingInfo(o, o.input()));
    } catch (IOException e) {
      throw UserErrors.of(
          "Cannot write the model directory " + o.output() + ".",
          e.getMessage(),
          "Check that the path is writable.");
    }
    return summarize(summary, r, dir, version);
  }

  /**
   * finetune.overlap: the training rows' exact and near-duplicate overlap with the eval data into
   * the summary ("overlap"), and the training data without the rows finetune.overlap.drop names.
   */
  static Dataset<Row> leakageCheck(
      RunContext ctx,
      FinetuneOptions o,
      Dataset<Row> data,
      JobSummary summary,
      List<String> warnings) {
    Overlap ov = FinetuneOptions.overlap(ctx.config());
    if (!ov.enabled()) {
      return data;
    }
    summary.input(ov.other());
    Dataset<Row> eval =
        LabeledData.read(
            ctx.spark(), ctx.lake(), ov.other(), o.overlapEvalColumns(), "finetune", warnings);
    TrainEvalOverlap.Result leak = TrainEvalOverlap.of(data, eval, ov.threshold());
    Map<String, Object> m = leak.toMap(ov.other());
    m.put("drop", ov.drop().configName());
    summary.put("overlap", m);
    if (leak.evalNear() > 0) {
      warnings.add(
          leak.evalNear()
              + " of "
              + leak.evalRows()
              + " eval items in "
              + ov.other()
              + " have a training row at Jaccard >= "
              + ov.threshold()
              + " ("
              + leak.evalExact()
              + " exact); finetune.overlap.drop = "
              + ov.drop().configName()
              + ".");
    }
    if (ov.drop() == Overlap.Drop.NONE) {
      return data;
    }
    Dataset<Row> ids =
        ov.drop() == Overlap.Drop.EXACT
            ? leak.trainIds().filter(org.apache.spark.sql.functions.col("exact"))
            : leak.trainIds();
    long read = data.count();
    Dataset<Row> kept = data.join(ids.select("id"), "id", "left_anti");
    long dropped = read - kept.count();
    summary.count("rows_read", read).count("overlap_dropped", dropped);
    return kept;
  }

  /** The token n-gram features over the encoder's vocabulary (its tokenizer.json). */
  private static TokenNgrams lexicalFeatures(Path encoderDir, int buckets) {
    try {
      return new TokenNgrams(TokenNgrams.vocabSize(ModelDir.tokenizerFile(encoderDir)), buckets);
    } catch (IOException e) {
      throw UserErrors.of(
          "Cannot read the encoder's tokenizer.json in " + encoderDir + ".",
          e.getMessage(),
          "Point finetune.encoder at a directory with a HuggingFace tokenizer.json, or set finetune.lexical = false.");
    }
  }

  /** The summary's "holdout" entry (rows, accuracy, macro-F1), absent without a holdout. */
  static void putHoldout(JobSummary summary, long rows, Metrics holdout) {
    if (holdout != null) {
      summary.put(
          "holdout",
          Map.of("rows", rows, "accuracy", holdout.accuracy(), "macro_f1", holdout.macroF1()));
    }
  }

  private static JobSummary summarize(
      JobSummary summary, FinetuneResult r, Path dir, String version) {
    summary.put("lr_iterations", r.fit().iterations());
    summary.put("lr_converged", r.fit().converged());
    if (r.fit().fallback() != null) {
      summary.put("fallback", r.fit().fallback());
    }
    putHoldout(summary, r.heldOut(), r.holdout());
    summary
        .count("rows_in", r.rowsIn())
        .count("embedded", r.embedded())
        .count("empty_text", r.rowsIn() - r.embedded())
        .count("trained", r.trained())
        .count("held_out", r.heldOut())
        .count("tokens", r.tokens())
        .count("truncated", r.truncated())
        .count("per_class", r.perClass());
    summary.put("model_dir", dir.toString());
    summary.put("model_version", version);
    summary.put("labels", r.labels());
    summary.put("warnings", r.warnings());
    return summary;
  }
}
