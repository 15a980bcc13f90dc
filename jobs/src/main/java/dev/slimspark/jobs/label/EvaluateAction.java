package dev.slimspark.jobs.label;

import static org.apache.spark.sql.functions.col;

import dev.slimspark.errors.UserError;
import dev.slimspark.errors.UserErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluate's work proper, on the label rows and the gold rows: accuracy, macro-F1, per-class
 * precision/recall/F1, confusion matrix, Cohen's kappa against gold and between every pair of
 * labelers (on the documents both labeled), and cost. Each (labeler, document) and each gold id
 * counts once ({@link EvalInputs}). Reads no config and writes nothing.
 */
public final class EvaluateAction {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluateAction.class);

  private EvaluateAction() {}

  /**
   * Scores the labelers in {@code labels} (the labels table's rows) against {@code gold} (id, text,
   * label rows).
   *
   * @param runId written into each {@code label_eval} row
   */
  public static EvaluateResult evaluate(
      Dataset<Row> labels, Dataset<Row> gold, EvaluateOptions o, String runId) {
    return evaluate(labels, gold, o, runId, null);
  }

  /**
   * As {@link #evaluate(Dataset, Dataset, EvaluateOptions, String)}, with the leakage check's
   * result ({@code leak}, null = none): its counts go into each row, and every labeler is also
   * scored on the gold without the near-duplicate items.
   */
  public static EvaluateResult evaluate(
      Dataset<Row> labels,
      Dataset<Row> gold,
      EvaluateOptions o,
      String runId,
      LabelEvalRows.Leak leak) {
    if (!o.labelers().isEmpty()) {
      labels = labels.filter(col("labeler_id").isin(o.labelers().toArray()));
    }
    EvalInputs.Gold gs = EvalInputs.gold(gold, o.gold());
    EvalInputs.Labels lb = null;
    try {
      lb = EvalInputs.labels(labels, gs.gold());
      return score(labels, gs, lb, o, runId, leak);
    } finally {
      gs.gold().unpersist();
      if (lb != null) {
        lb.cached().unpersist();
      }
    }
  }

  /**
   * The evaluation proper, on deduplicated gold and label rows; {@code all} = every label row (for
   * the class list).
   */
  private static EvaluateResult score(
      Dataset<Row> all,
      EvalInputs.Gold gs,
      EvalInputs.Labels lb,
      EvaluateOptions o,
      String runId,
      LabelEvalRows.Leak leak) {
    Dataset<Row> gold = gs.gold().select("id", "label");
    Dataset<Row> labels = lb.labels();
    // Label set and gold check first (cheap distincts), so a bad gold file fails fast.
    List<String> classes = classes(all, o.labels());
    requireKnownGoldLabels(gold, classes, o.gold());
    // One small aggregate per (labeler, gold, predicted): everything else is driver math.
    Dataset<Row> joined =
        labels.join(
            gold.select(col("id"), col("label").as("gold")),
            labels.col("doc_id").equalTo(col("id")),
            "inner");
    long matched = joined.select("doc_id").distinct().count();
    UserError unmatched =
        EvalInputs.matchCheck(o.gold(), gs.ids(), matched, o.minMatchedShare(), o.goldIdColumn());
    if (unmatched != null) {
      return new EvaluateResult(
          gs.rows(),
          gs.duplicateRows(),
          gs.ids(),
          matched,
          lb.duplicateRows(),
          unmatched,
          List.of(),
          List.of(),
          "");
    }
    Map<String, LabelerTally> tallies = LabelerTally.of(cells(joined), classes);
    Map<String, LabelerTally> clean =
        leak == null
            ? Map.of()
            : LabelerTally.of(
                cells(
                    joined.join(
                        leak.evalIds().select(col("id").as("_leak_id")),
                        col("doc_id").equalTo(col("_leak_id")),
                        "left_anti")),
                classes);
    Map<String, Map<String, Double>> kappas = pairwiseKappa(joined, classes);
    List<Row> rows = new ArrayList<>();
    List<Map<String, Object>> results = new ArrayList<>();
    StringBuilder report = new StringBuilder();
    for (Map.Entry<String, LabelerTally> e : tallies.entrySet()) {
      String id = e.getKey();
      LabelerTally t = e.getValue();
      Metrics m = new Metrics(classes, t.confusion);
      Map<String, Double> kv = kappas.getOrDefault(id, Map.of());
      rows.add(LabelEvalRows.row(runId, o.gold(), id, t, m, classes, kv, leak, clean.get(id)));
      report.append(LabelEvalRows.report(id, t, m, kv));
      results.add(LabelEvalRows.brief(id, t, m, rows.get(rows.size() - 1)));
    }
    LOG.info("label evaluation against {}:\n{}", o.gold(), report);
    return new EvaluateResult(
        gs.rows(),
        gs.duplicateRows(),
        gs.ids(),
        matched,
        lb.duplicateRows(),
        null,
        rows,
        results,
        report.toString());
  }

  /** One small aggregate per (labeler, gold, predicted): everything else is driver math. */
  private static List<Row> cells(Dataset<Row> joined) {
    return joined
        .groupBy("labeler_id", "labeler_type", "model_version", "gold", "label")
        .agg(
            functions.count(functions.lit(1)).as("n"),
            functions.sum("tokens_processed").as("tokens"),
            functions.sum("device_ms").as("ms"))
        .collectAsList();
  }

  /** The configured classes, else every label predicted, sorted. */
  private static List<String> classes(Dataset<Row> all, List<String> configured) {
    if (!configured.isEmpty()) {
      return configured;
    }
    TreeSet<String> predicted = new TreeSet<>();
    for (Row r : all.filter(col("label").isNotNull()).select("label").distinct().collectAsList()) {
      predicted.add(r.getString(0));
    }
    return new ArrayList<>(predicted);
  }

  /** Every gold row is checked, not only those the labelers covered. */
  private static void requireKnownGoldLabels(
      Dataset<Row> gold, List<String> classes, String goldSrc) {
    List<String> rawGold = new ArrayList<>();
    for (Row r : gold.select("label").distinct().collectAsList()) {
      rawGold.add(r.isNullAt(0) ? null : r.getString(0));
    }
    List<String> unknown = LabeledData.unknown(rawGold, classes);
    if (!unknown.isEmpty()) {
      throw UserErrors.of(
          "Gold labels "
              + unknown
              + " in "
              + goldSrc
              + " are not among the labels "
              + classes
              + ".",
          "Gold labels must be label names the labelers produce (or integer ids into evaluate.labels).",
          "Set evaluate.labels to the label names in id order (e.g. [\"bearish\", \"bullish\", \"neutral\"]) or fix the gold file.");
    }
  }

  /** Cohen's kappa for every pair of labelers on the documents both labeled without error. */
  static Map<String, Map<String, Double>> pairwiseKappa(Dataset<Row> joined, List<String> classes) {
    Dataset<Row> a =
        joined
            .filter(col("label").isNotNull())
            .select(col("doc_id").as("d"), col("labeler_id").as("la"), col("label").as("pa"));
    Dataset<Row> b =
        joined
            .filter(col("label").isNotNull())
            .select(col("doc_id").as("d2"), col("labeler_id").as("lb"), col("label").as("pb"));
    List<Row> pairs =
        a.join(b, a.col("d").equalTo(b.col("d2")).and(a.col("la").notEqual(b.col("lb"))))
            .groupBy("la", "lb", "pa", "pb")
            .count()
            .collectAsList();
    Map<String, long[][]> m = new TreeMap<>();
    int k = classes.size();
    for (Row r : pairs) {
      int i = classes.indexOf(r.getString(2));
      int j = classes.indexOf(r.getString(3));
      if (i < 0 || j < 0) {
        continue;
      }
      m.computeIfAbsent(r.getString(0) + "\n" + r.getString(1), x -> new long[k][k])[i][j] +=
          r.getLong(4);
    }
    Map<String, Map<String, Double>> out = new TreeMap<>();
    for (Map.Entry<String, long[][]> e : m.entrySet()) {
      String[] ab = e.getKey().split("\n");
      out.computeIfAbsent(ab[0], x -> new TreeMap<>())
          .put(ab[1], new Metrics(classes, e.getValue()).kappa());
    }
    return out;
  }
}
