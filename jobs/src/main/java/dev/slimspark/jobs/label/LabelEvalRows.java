package dev.slimspark.jobs.label;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * A labeler's evaluation in its three forms: a {@code label_eval} row ({@link #SCHEMA}), its block
 * of the text report, and its brief entry in the summary's {@code results}.
 */
final class LabelEvalRows {
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
          .add(
              "confusion", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.LongType)))
          .add("kappa_vs", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType))
          .add("docs_per_device_second", DataTypes.DoubleType)
          .add("tokens_per_doc", DataTypes.DoubleType)
          .add("device_seconds_per_1000_docs", DataTypes.DoubleType)
          .add("overlap_train", DataTypes.StringType)
          .add("overlap_threshold", DataTypes.DoubleType)
          .add("gold_overlap_exact", DataTypes.LongType)
          .add("gold_overlap_near", DataTypes.LongType)
          .add("docs_clean", DataTypes.LongType)
          .add("accuracy_clean", DataTypes.DoubleType)
          .add("macro_f1_clean", DataTypes.DoubleType);

  /**
   * The leakage check's result for the gold: the training data checked, the threshold, the gold ids
   * with an exact / near-duplicate training row, and those near ids (column id).
   */
  record Leak(String train, double threshold, long exact, long near, Dataset<Row> evalIds) {}

  private LabelEvalRows() {}

  /**
   * The {@code label_eval} row of labeler {@code id}; {@code kappaVs}: its kappa against each other
   * labeler.
   */
  static Row row(
      String runId,
      String gold,
      String id,
      LabelerTally t,
      Metrics m,
      List<String> classes,
      Map<String, Double> kappaVs,
      Leak leak,
      LabelerTally clean) {
    List<Row> pc = new ArrayList<>();
    for (int i = 0; i < classes.size(); i++) {
      pc.add(RowFactory.create(classes.get(i), m.precision(i), m.recall(i), m.f1(i), m.support(i)));
    }
    List<Object> conf = new ArrayList<>();
    for (long[] row : t.confusion) {
      List<Long> l = new ArrayList<>();
      for (long x : row) {
        l.add(x);
      }
      conf.add(JavaConverters.asScalaBuffer(l).toSeq());
    }
    return RowFactory.create(
        runId,
        id,
        t.type,
        t.modelVersion,
        gold,
        t.docs,
        t.errors,
        m.accuracy(),
        m.macroF1(),
        m.kappa(),
        JavaConverters.asScalaBuffer(new ArrayList<>(classes)).toSeq(),
        JavaConverters.asScalaBuffer(pc).toSeq(),
        JavaConverters.asScalaBuffer(conf).toSeq(),
        JavaConverters.mapAsScalaMap(new LinkedHashMap<>(kappaVs)),
        t.docsPerDeviceSecond(),
        t.tokensPerDoc(),
        t.deviceSecondsPer1000Docs(),
        leak == null ? null : leak.train(),
        leak == null ? null : leak.threshold(),
        leak == null ? null : leak.exact(),
        leak == null ? null : leak.near(),
        leak == null ? null : clean == null ? 0L : clean.docs,
        cleanMetrics(leak, clean, classes, true),
        cleanMetrics(leak, clean, classes, false));
  }

  /** Accuracy or macro-F1 on the gold without near duplicates; null without a check or rows. */
  private static Double cleanMetrics(
      Leak leak, LabelerTally clean, List<String> classes, boolean accuracy) {
    if (leak == null || clean == null) {
      return null;
    }
    Metrics m = new Metrics(classes, clean.confusion);
    return m.total() == 0 ? null : accuracy ? m.accuracy() : m.macroF1();
  }

  /** The labeler's block of the text report: its metrics table, cost and kappas. */
  static String report(String id, LabelerTally t, Metrics m, Map<String, Double> kappaVs) {
    StringBuilder report = new StringBuilder();
    report.append(m.table(id + " (" + t.type + ")"));
    report.append(
        String.format(
            "  errors=%d  docs/device-s=%.1f  tokens/doc=%.1f  device-s/1000 docs=%.3f%n",
            t.errors, t.docsPerDeviceSecond(), t.tokensPerDoc(), t.deviceSecondsPer1000Docs()));
    for (Map.Entry<String, Double> x : kappaVs.entrySet()) {
      report.append(String.format("  kappa vs %s = %.4f%n", x.getKey(), x.getValue()));
    }
    return report.toString();
  }

  /** The labeler's entry in the summary's {@code results}. */
  static Map<String, Object> brief(String id, LabelerTally t, Metrics m, Row row) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("labeler_id", id);
    b.put("docs", t.docs);
    b.put("errors", t.errors);
    b.put("accuracy", m.accuracy());
    b.put("macro_f1", m.macroF1());
    b.put("kappa_vs_gold", m.kappa());
    b.put("device_seconds_per_1000_docs", t.deviceSecondsPer1000Docs());
    for (String c : new String[] {"docs_clean", "accuracy_clean", "macro_f1_clean"}) {
      if (!row.isNullAt(SCHEMA.fieldIndex("overlap_train"))) {
        b.put(c, row.get(SCHEMA.fieldIndex(c)));
      }
    }
    return b;
  }
}
