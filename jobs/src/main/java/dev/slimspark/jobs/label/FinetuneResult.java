package dev.slimspark.jobs.label;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link FinetuneAction#train} produced: the trained head and the counts and fit facts that
 * the summary and the model's config.json report.
 *
 * @param labels label names in id order
 * @param perClass training rows per label, in label order
 * @param rowsIn input rows, blank text included
 * @param embedded rows with text the encoder embedded (the rest had empty text)
 * @param trained rows trained on
 * @param heldOut rows held out and scored (0 without a holdout)
 * @param holdout scores of the held-out rows, null without a holdout
 * @param tokens tokens the encoder processed; {@code truncated}: texts cut at max_length
 * @param warnings classes with too few rows, CSV rows with invalid bytes
 */
public record FinetuneResult(
    LinearHead head,
    List<String> labels,
    Map<String, Long> perClass,
    long rowsIn,
    long embedded,
    long trained,
    long heldOut,
    Metrics holdout,
    long tokens,
    long truncated,
    HeadTrainer.Fit fit,
    List<String> warnings) {

  /**
   * The training facts recorded in the model's config.json (key order as written there).
   *
   * @param input the training source, as configured
   */
  public Map<String, Object> trainingInfo(FinetuneOptions o, String input) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("input", input);
    info.put("rows_trained", trained);
    info.put("per_class", perClass);
    info.put("class_weights", o.classWeights());
    info.put("reg_param", o.regParam());
    info.put("elastic_net", o.elasticNet());
    info.put("standardize", fit.standardized(o));
    info.put("lr_iterations", fit.iterations());
    info.put("lr_converged", fit.converged());
    info.put("lr_objective", fit.objective());
    if (fit.fallback() != null) {
      info.put("fallback", fit.fallback());
    }
    info.put("seed", o.seed());
    info.put("encoder", o.encoder());
    info.put("pooling", o.resolvedPooling());
    info.put("lexical_buckets", head.ngrams() == null ? 0 : head.ngrams().buckets());
    if (holdout != null) {
      info.put("holdout_rows", heldOut);
      info.put("holdout_accuracy", holdout.accuracy());
      info.put("holdout_macro_f1", holdout.macroF1());
    }
    info.put("warnings", warnings);
    return info;
  }
}
