package dev.slimspark.jobs.label;

import static org.apache.spark.sql.functions.col;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserError;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.Stage;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluate: compares each labeler in {@code labels} with gold labels ({@code evaluate.gold}, CSV or
 * table, joined on doc id): accuracy, macro-F1, per-class precision/recall/F1, confusion matrix,
 * Cohen's kappa against gold and between every pair of labelers (on the documents both labeled),
 * and cost (docs per device-second, tokens per doc, device-seconds per 1,000 docs). Appends one row
 * per labeler to {@code label_eval} and logs a text table (also in the summary as {@code report}).
 * Rows with an error count as errors and are left out of the quality metrics; gold labels outside
 * the label set are a user error listing them. Each (labeler, document) and each gold id counts once
 * ({@link EvalInputs}); when fewer than {@code evaluate.min_matched_share} of the gold ids have
 * labels the job fails its check (exit 3) and writes nothing. The gold text column is optional.
 */
public final class EvaluateStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluateStage.class);

  static final StructType PER_CLASS =
      new StructType()
          .add("label", DataTypes.StringType)
          .add("precision", DataTypes.DoubleType)
          .add("recall", DataTypes.DoubleType)
          .add("f1", DataTypes.DoubleType)
          .add("support", DataTypes.LongType);

  static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType)
          .add("labeler_id", DataTypes.StringType)
          .add("labeler_type", DataTypes.StringType)
          .add("model_version", DataTypes.StringType)
          .add("gold", DataTypes.StringType)
          .add("docs", DataTypes.LongType)
          .add("errors", DataTypes.LongType)
          .add("accuracy", DataTypes.DoubleType)
          .add("macro_f1", DataTypes.DoubleType)
          .add("kappa_vs_gold", DataTypes.DoubleType)
          .add("classes", DataTypes.createArrayType(DataTypes.StringType))
          .add("per_class", DataTypes.createArrayType(PER_CLASS))
          .add("confusion", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.LongType)))
          .add("kappa_vs", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType))
          .add("docs_per_device_second", DataTypes.DoubleType)
          .add("tokens_per_doc", DataTypes.DoubleType)
          .add("device_seconds_per_1000_docs", DataTypes.DoubleType);

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
    SlimConfig c = ctx.config();
    Lake lake = ctx.lake();
    JobSummary summary = new JobSummary(name(), ctx);
    String goldSrc = c.getString("evaluate.gold");
    summary.input(lake.path(Table.LABELS)).input(goldSrc);
    Dataset<Row> labels = lake.read(Table.LABELS);
    List<String> only = c.getStringList("evaluate.labelers");
    if (!only.isEmpty()) {
      labels = labels.filter(col("labeler_id").isin(only.toArray()));
    }
    double minShare = c.getDouble("evaluate.min_matched_share");
    if (minShare < 0 || minShare > 1) {
      throw UserErrors.badConfigValue("evaluate.min_matched_share", String.valueOf(minShare), "in [0, 1]");
    }
    List<String> warnings = new ArrayList<>();
    Dataset<Row> gold =
        LabeledData.read(
            ctx.spark(), lake, goldSrc,
            new LabeledData.Columns("evaluate.gold_id_column", c.getString("evaluate.gold_id_column"),
                c.getString("evaluate.gold_text_column"), false, c.getString("evaluate.gold_label_column"), "evaluate.gold_encoding",
                c.getString("evaluate.gold_encoding")),
            name(), warnings);
    EvalInputs.Gold gs = EvalInputs.gold(gold, goldSrc);
    EvalInputs.Labels lb = null;
    try {
      lb = EvalInputs.labels(labels, gs.gold());
      return score(ctx, summary, goldSrc, labels, gs, lb, minShare, warnings);
    } finally {
      gs.gold().unpersist();
      if (lb != null) {
        lb.cached().unpersist();
      }
    }
  }

  /** The evaluation proper, on deduplicated gold and label rows; {@code all} = every label row (for the class list). */
  private JobSummary score(RunContext ctx, JobSummary summary, String goldSrc, Dataset<Row> all, EvalInputs.Gold gs,
      EvalInputs.Labels lb, double minShare, List<String> warnings) {
    SlimConfig c = ctx.config();
    Lake lake = ctx.lake();
    Dataset<Row> gold = gs.gold().select("id", "label");
    Dataset<Row> labels = lb.labels();
    // Label set and gold check first (cheap distincts), so a bad gold file fails fast.
    List<String> classes = c.getStringList("evaluate.labels");
    if (classes.isEmpty()) {
      TreeSet<String> predicted = new TreeSet<>();
      for (Row r : all.filter(col("label").isNotNull()).select("label").distinct().collectAsList()) {
        predicted.add(r.getString(0));
      }
      classes = new ArrayList<>(predicted);
    }
    // Every gold row is checked, not only those the labelers covered.
    List<String> rawGold = new ArrayList<>();
    for (Row r : gold.select("label").distinct().collectAsList()) {
      rawGold.add(r.isNullAt(0) ? null : r.getString(0));
    }
    List<String> unknown = LabeledData.unknown(rawGold, classes);
    if (!unknown.isEmpty()) {
      throw UserErrors.of(
          "Gold labels " + unknown + " in " + goldSrc + " are not among the labels " + classes + ".",
          "Gold labels must be label names the labelers produce (or integer ids into evaluate.labels).",
          "Set evaluate.labels to the label names in id order (e.g. [\"bearish\", \"bullish\", \"neutral\"]) or fix the gold file.");
    }
    // One small aggregate per (labeler, gold, predicted): everything else is driver math.
    Dataset<Row> joined =
        labels.join(gold.select(col("id"), col("label").as("gold")), labels.col("doc_id").equalTo(col("id")), "inner");
    long matched = joined.select("doc_id").distinct().count();
    summary.count("gold_rows", gs.rows()).count("gold_duplicate_rows", gs.duplicateRows()).count("gold_ids", gs.ids())
        .count("gold_matched", matched).count("gold_unmatched", gs.ids() - matched)
        .count("label_duplicate_rows_ignored", lb.duplicateRows());
    summary.put("matched_share", gs.ids() == 0 ? 0.0 : (double) matched / gs.ids());
    summary.put("warnings", warnings);
    UserError unmatched = EvalInputs.matchCheck(goldSrc, gs.ids(), matched, minShare, c.getString("evaluate.gold_id_column"));
    if (unmatched != null) {
      LOG.error("evaluate: {}", unmatched.render());
      summary.failCheck(unmatched);
      summary.count("labelers", 0);
      return summary;
    }
    List<Row> cells =
        joined.groupBy("labeler_id", "labeler_type", "model_version", "gold", "label")
            .agg(org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1)).as("n"),
                org.apache.spark.sql.functions.sum("tokens_processed").as("tokens"),
                org.apache.spark.sql.functions.sum("device_ms").as("ms"))
            .collectAsList();
    Map<String, long[][]> cm = new TreeMap<>();
    Map<String, String[]> meta = new HashMap<>();
    Map<String, long[]> cost = new HashMap<>(); // docs, errors, tokens
    Map<String, Double> ms = new HashMap<>();
    int k = classes.size();
    for (Row r : cells) {
      String id = r.getString(0);
      meta.putIfAbsent(id, new String[] {r.getString(1), r.isNullAt(2) ? null : r.getString(2)});
      long n = r.getLong(5);
      long[] cs = cost.computeIfAbsent(id, x -> new long[3]);
      cs[0] += n;
      cs[2] += r.isNullAt(6) ? 0 : r.getLong(6);
      ms.merge(id, r.isNullAt(7) ? 0 : r.getDouble(7), Double::sum);
      long[][] m = cm.computeIfAbsent(id, x -> new long[k][k]);
      if (r.isNullAt(4)) {
        cs[1] += n;
        continue;
      }
      int g = classes.indexOf(LabeledData.canonical(r.getString(3), classes));
      int p = classes.indexOf(r.getString(4));
      if (p < 0) {
        cs[1] += n; // A prediction outside the class list: counted as an error.
        continue;
      }
      m[g][p] += n;
    }
    Map<String, Map<String, Double>> kappas = pairwiseKappa(joined, classes);
    List<Row> out = new ArrayList<>();
    StringBuilder report = new StringBuilder();
    List<Map<String, Object>> brief = new ArrayList<>();
    for (Map.Entry<String, long[][]> e : cm.entrySet()) {
      String id = e.getKey();
      Metrics m = new Metrics(classes, e.getValue());
      long[] cs = cost.get(id);
      double devSec = ms.get(id) / 1000;
      List<Row> pc = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        pc.add(RowFactory.create(classes.get(i), m.precision(i), m.recall(i), m.f1(i), m.support(i)));
      }
      List<Object> conf = new ArrayList<>();
      for (long[] row : e.getValue()) {
        List<Long> l = new ArrayList<>();
        for (long x : row) {
          l.add(x);
        }
        conf.add(scala.collection.JavaConverters.asScalaBuffer(l).toSeq());
      }
      double dps = devSec > 0 ? cs[0] / devSec : 0;
      double tpd = cs[0] == 0 ? 0 : (double) cs[2] / cs[0];
      double per1000 = cs[0] == 0 ? 0 : devSec / cs[0] * 1000;
      Map<String, Double> kv = kappas.getOrDefault(id, Map.of());
      out.add(
          RowFactory.create(
              ctx.runId(), id, meta.get(id)[0], meta.get(id)[1], goldSrc, cs[0], cs[1], m.accuracy(), m.macroF1(), m.kappa(),
              scala.collection.JavaConverters.asScalaBuffer(new ArrayList<>(classes)).toSeq(),
              scala.collection.JavaConverters.asScalaBuffer(pc).toSeq(),
              scala.collection.JavaConverters.asScalaBuffer(conf).toSeq(),
              scala.collection.JavaConverters.mapAsScalaMap(new LinkedHashMap<>(kv)), dps, tpd, per1000));
      report.append(m.table(id + " (" + meta.get(id)[0] + ")"));
      report.append(String.format("  errors=%d  docs/device-s=%.1f  tokens/doc=%.1f  device-s/1000 docs=%.3f%n", cs[1], dps, tpd, per1000));
      for (Map.Entry<String, Double> x : kv.entrySet()) {
        report.append(String.format("  kappa vs %s = %.4f%n", x.getKey(), x.getValue()));
      }
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("labeler_id", id);
      b.put("docs", cs[0]);
      b.put("errors", cs[1]);
      b.put("accuracy", m.accuracy());
      b.put("macro_f1", m.macroF1());
      b.put("kappa_vs_gold", m.kappa());
      b.put("device_seconds_per_1000_docs", per1000);
      brief.add(b);
    }
    LOG.info("label evaluation against {}:\n{}", goldSrc, report);
    long v =
        lake.write(ctx.spark().createDataFrame(out, SCHEMA), Table.LABEL_EVAL, SaveMode.Append, ctx.commitMetadata(name()));
    summary.output(Table.LABEL_EVAL.id(), lake.path(Table.LABEL_EVAL), v);
    summary.count("labelers", cm.size());
    summary.put("results", brief);
    summary.put("report", report.toString());
    return summary;
  }

  /** Cohen's kappa for every pair of labelers on the documents both labeled without error. */
  static Map<String, Map<String, Double>> pairwiseKappa(Dataset<Row> joined, List<String> classes) {
    Dataset<Row> a = joined.filter(col("label").isNotNull()).select(col("doc_id").as("d"), col("labeler_id").as("la"), col("label").as("pa"));
    Dataset<Row> b = joined.filter(col("label").isNotNull()).select(col("doc_id").as("d2"), col("labeler_id").as("lb"), col("label").as("pb"));
    List<Row> pairs =
        a.join(b, a.col("d").equalTo(b.col("d2")).and(a.col("la").notEqual(b.col("lb"))))
            .groupBy("la", "lb", "pa", "pb").count().collectAsList();
    Map<String, long[][]> m = new TreeMap<>();
    int k = classes.size();
    for (Row r : pairs) {
      int i = classes.indexOf(r.getString(2));
      int j = classes.indexOf(r.getString(3));
      if (i < 0 || j < 0) {
        continue;
      }
      m.computeIfAbsent(r.getString(0) + "\n" + r.getString(1), x -> new long[k][k])[i][j] += r.getLong(4);
    }
    Map<String, Map<String, Double>> out = new TreeMap<>();
    for (Map.Entry<String, long[][]> e : m.entrySet()) {
      String[] ab = e.getKey().split("\n");
      out.computeIfAbsent(ab[0], x -> new TreeMap<>()).put(ab[1], new Metrics(classes, e.getValue()).kappa());
    }
    return out;
  }
}
