package dev.slimspark.jobs.label;

import static org.apache.spark.sql.functions.col;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.Stage;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluate: compares each labeler in {@code labels} with gold labels ({@code evaluate.gold}, CSV or
 * table, joined on doc id): accuracy, macro-F1, per-class precision/recall/F1, confusion matrix,
 * Cohen's kappa against gold and between every pair of labelers (on the documents both labeled),
 * and cost (docs per device-second, tokens per doc, device-seconds per 1,000 docs). Appends one row
 * per labeler to {@code label_eval} and logs a text table (also in the summary as {@code report}).
 * Rows with an error count as errors and are left out of the quality metrics; gold labels outside
 * the label set are a user error listing them. Each (labeler, document) and each gold id counts
 * once ({@link EvalInputs}); when fewer than {@code evaluate.min_matched_share} of the gold ids
 * have labels the job fails its check (exit 3) and writes nothing. The gold text column is
 * optional.
 *
 * <p>This class reads {@code labels} and the gold source, lets {@link EvaluateAction} score them
 * and writes {@code label_eval}; {@link EvaluateOptions} holds the checked settings.
 */
public final class EvaluateStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluateStage.class);

  @Override
  public String name() {
    return "evaluate";
  }

  @Override
  public String description() {
    return "score labelers against gold labels (accuracy, macro-F1, kappa, cost) -> label_eval";
  }

  @Override
  public String[] configPrefixes() {
    return new String[] {"lake", "evaluate"};
  }

  @Override
  public JobSummary run(RunContext ctx) {
    EvaluateOptions o = EvaluateOptions.from(ctx.config());
    Lake lake = ctx.lake();
    JobSummary summary = new JobSummary(name(), ctx);
    summary.input(lake.path(Table.LABELS)).input(o.gold());
    Dataset<Row> labels = lake.read(Table.LABELS);
    List<String> warnings = new ArrayList<>();
    Dataset<Row> gold =
        LabeledData.read(ctx.spark(), lake, o.gold(), o.goldColumns(), name(), warnings);
    Overlap ov = EvaluateOptions.overlap(ctx.config());
    LabelEvalRows.Leak leak = ov.enabled() ? leakage(ctx, o, ov, gold, summary, warnings) : null;
    EvaluateResult r = EvaluateAction.evaluate(labels, gold, o, ctx.runId(), leak);
    summary
        .count("gold_rows", r.goldRows())
        .count("gold_duplicate_rows", r.goldDuplicateRows())
        .count("gold_ids", r.goldIds())
        .count("gold_matched", r.matched())
        .count("gold_unmatched", r.goldIds() - r.matched())
        .count("label_duplicate_rows_ignored", r.labelDuplicateRowsIgnored());
    summary.put("matched_share", r.matchedShare());
    summary.put("warnings", warnings);
    if (r.unmatched() != null) {
      LOG.error("evaluate: {}", r.unmatched().render());
      summary.failCheck(r.unmatched());
      summary.count("labelers", 0);
      return summary;
    }
    // Evolving: a label_eval written before the leakage columns existed gains them (null there).
    long v =
        lake.appendEvolving(
            ctx.spark().createDataFrame(r.rows(), LabelEvalRows.SCHEMA),
            Table.LABEL_EVAL,
            ctx.commitMetadata(name()));
    summary.output(Table.LABEL_EVAL.id(), lake.path(Table.LABEL_EVAL), v);
    summary.count("labelers", r.labelers());
    summary.put("results", r.results());
    summary.put("report", r.report());
    return summary;
  }

  /** evaluate.overlap: the gold's overlap with the training data, into the summary. */
  private LabelEvalRows.Leak leakage(
      RunContext ctx,
      EvaluateOptions o,
      Overlap ov,
      Dataset<Row> gold,
      JobSummary summary,
      List<String> warnings) {
    if (gold.filter(col("text").isNotNull()).limit(1).count() == 0) {
      throw UserErrors.of(
          "evaluate.overlap.train is set, but the gold " + o.gold() + " has no text.",
          "The leakage check compares the gold texts (column '"
              + o.goldTextColumn()
              + "') with the training texts.",
          "Set evaluate.gold_text_column to the gold's text column, or evaluate.overlap.train = \"\".");
    }
    summary.input(ov.other());
    Dataset<Row> train =
        LabeledData.read(
            ctx.spark(), ctx.lake(), ov.other(), o.overlapTrainColumns(), name(), warnings);
    TrainEvalOverlap.Result r = TrainEvalOverlap.of(train, gold, ov.threshold());
    summary.put("overlap", r.toMap(ov.other()));
    LOG.info(
        "evaluate: {} of {} gold items have a training row in {} at Jaccard >= {} ({} exact)",
        r.evalNear(),
        r.evalRows(),
        ov.other(),
        ov.threshold(),
        r.evalExact());
    return new LabelEvalRows.Leak(
        ov.other(), ov.threshold(), r.evalExact(), r.evalNear(), r.evalIds());
  }
}
