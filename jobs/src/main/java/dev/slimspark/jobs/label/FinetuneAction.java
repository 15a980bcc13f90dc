package dev.slimspark.jobs.label;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.udfs.text.TokenNgrams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finetune's training proper, on a Dataset of (id, text, label) rows: resolves and checks the label
 * names ({@link ClassCheck}), embeds every text once (cached: idf and L-BFGS pass over it many
 * times), splits off the seeded holdout, weights the classes, fits the head ({@link HeadTrainer})
 * and scores the holdout. Reads no config and writes nothing: the stage writes the model.
 */
public final class FinetuneAction {
  private static final Logger LOG = LoggerFactory.getLogger(FinetuneAction.class);

  private FinetuneAction() {}

  /**
   * Trains a head on {@code data}.
   *
   * @param input the training source as configured, named in messages
   * @param ngrams the token n-gram features of the encoder's vocabulary, null without lexical
   *     features
   * @param warnings receives the classes with too few rows (and already holds the reader's
   *     warnings)
   */
  public static FinetuneResult train(
      Dataset<Row> data,
      FinetuneOptions o,
      String input,
      TokenNgrams ngrams,
      List<String> warnings) {
    List<String> labels = labelNames(data, o, input, warnings);
    Dataset<Row> feats =
        HeadFeatures.embedded(data, o.encoderSettings(), o.lexical(), labels).cache();
    try {
      return trainOn(feats, data.count(), o, labels, ngrams, warnings);
    } finally {
      feats.unpersist();
    }
  }

  /** The label names, every raw label checked against them, and at least two classes with text. */
  static List<String> labelNames(
      Dataset<Row> data, FinetuneOptions o, String input, List<String> warnings) {
    // Rows per raw label value, and how many of them have text to train on (blank text is skipped).
    Map<String, long[]> raw = new HashMap<>();
    for (Row r :
        data.groupBy("label")
            .agg(
                functions.count(lit(1)),
                functions.sum(functions.when(col("text").rlike("\\S"), 1L).otherwise(0L)))
            .collectAsList()) {
      raw.put(
          r.isNullAt(0) ? null : r.getString(0),
          new long[] {r.getLong(1), r.isNullAt(2) ? 0 : r.getLong(2)});
    }
    List<String> present = raw.keySet().stream().filter(l -> l != null).toList();
    List<String> labels = LabeledData.labelNames(o.labels(), new ArrayList<>(present));
    List<String> unknown = LabeledData.unknown(new ArrayList<>(raw.keySet()), labels);
    if (!unknown.isEmpty()) {
      throw UserErrors.of(
          "Labels " + unknown + " in " + input + " are not in finetune.labels " + labels + ".",
          "Every label must be one of finetune.labels (by name, or by integer id 0.."
              + (labels.size() - 1)
              + ").",
          "Add the missing names to finetune.labels or clean the input.");
    }
    ClassCheck.require(input, labels, raw, o.minRowsPerClass(), warnings);
    return labels;
  }

  /** Holdout split, class weights, fit and holdout scores on the cached embedded rows. */
  private static FinetuneResult trainOn(
      Dataset<Row> feats,
      long rowsIn,
      FinetuneOptions o,
      List<String> labels,
      TokenNgrams ngrams,
      List<String> warnings) {
    double frac = o.holdoutFraction();
    Dataset<Row> train =
        frac > 0 ? feats.filter(HeadFeatures.holdout(frac, o.seed()).unary_$bang()) : feats;
    Dataset<Row> held =
        frac > 0 ? feats.filter(HeadFeatures.holdout(frac, o.seed())) : feats.limit(0);
    long[] perClass = rowsPerClass(train, labels, frac);
    long nTrain = Arrays.stream(perClass).sum();
    float[] idf = ngrams == null ? null : HeadFeatures.idf(train, ngrams, nTrain);
    int hidden = EmbedStep.vector(feats.head(), 2).length;
    Dataset<Row> trainVec =
        HeadFeatures.featureVectors(
                train.withColumn("weight", classWeight(o, perClass)), hidden, ngrams, idf)
            .cache();
    HeadTrainer.Fit fit;
    try {
      fit = HeadTrainer.fit(trainVec, o, perClass, labels);
    } finally {
      trainVec.unpersist();
    }
    LinearHead head = head(fit, labels, o.resolvedPooling(), hidden, ngrams, idf);
    Metrics holdout = null;
    long nHeld = 0;
    if (frac > 0) {
      holdout = score(held, head, labels);
      nHeld = holdout.total();
      LOG.info("finetune holdout:\n{}", holdout.table("holdout"));
    }
    Map<String, Long> pc = new LinkedHashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      pc.put(labels.get(i), perClass[i]);
    }
    Row agg =
        feats.agg(functions.sum("tokens"), functions.sum(col("truncated").cast("long"))).head();
    return new FinetuneResult(
        head,
        labels,
        pc,
        rowsIn,
        feats.count(),
        nTrain,
        nHeld,
        holdout,
        agg.isNullAt(0) ? 0 : agg.getLong(0),
        agg.isNullAt(1) ? 0 : agg.getLong(1),
        fit,
        warnings);
  }

  /** Training rows per class; fewer than two classes left after the holdout is a user error. */
  private static long[] rowsPerClass(Dataset<Row> train, List<String> labels, double frac) {
    long[] perClass = new long[labels.size()];
    for (Row r : train.groupBy("label_idx").count().collectAsList()) {
      perClass[(int) r.getDouble(0)] = r.getLong(1);
    }
    long present = Arrays.stream(perClass).filter(x -> x > 0).count();
    if (present < 2) {
      throw UserErrors.of(
          "After the holdout only "
              + present
              + " class has training rows ("
              + Arrays.toString(perClass)
              + " for "
              + labels
              + ").",
          "finetune.holdout_fraction = " + frac + " left no training rows for the other classes.",
          "Lower finetune.holdout_fraction or add rows of every class.");
    }
    return perClass;
  }

  /**
   * The weight column: "balanced" gives class k n / (classes * n_k), so every class weighs the
   * same.
   */
  private static org.apache.spark.sql.Column classWeight(FinetuneOptions o, long[] perClass) {
    long nTrain = Arrays.stream(perClass).sum();
    long present = Arrays.stream(perClass).filter(x -> x > 0).count();
    org.apache.spark.sql.Column w = lit(1.0);
    for (int k = perClass.length - 1; k >= 0; k--) {
      double weight =
          o.balancedClassWeights() && perClass[k] > 0
              ? (double) nTrain / (present * perClass[k])
              : 1.0;
      w = functions.when(col("label_idx").equalTo(k), lit(weight)).otherwise(w);
    }
    return w;
  }

  /**
   * The fitted model's coefficients as a {@link LinearHead} (embedding weights, then n-gram
   * weights).
   */
  private static LinearHead head(
      HeadTrainer.Fit fit,
      List<String> labels,
      String pooling,
      int hidden,
      TokenNgrams ngrams,
      float[] idf) {
    Matrix coef = fit.model().coefficientMatrix();
    Vector icpt = fit.model().interceptVector();
    int k = labels.size();
    float[][] wm = new float[k][hidden];
    float[][] wl = ngrams == null ? null : new float[k][ngrams.dims()];
    float[] b = new float[k];
    for (int i = 0; i < Math.min(k, coef.numRows()); i++) {
      for (int j = 0; j < hidden; j++) {
        wm[i][j] = (float) coef.apply(i, j);
      }
      for (int j = 0; wl != null && j < ngrams.dims(); j++) {
        wl[i][j] = (float) coef.apply(i, hidden + j);
      }
      b[i] = (float) icpt.apply(i);
    }
    return new LinearHead(labels, pooling, wm, b, ngrams, idf, wl);
  }

  /**
   * The held-out rows scored on the executors; only the k x k confusion counts reach the driver.
   */
  private static Metrics score(Dataset<Row> held, LinearHead head, List<String> labels) {
    int k = labels.size();
    long[][] cm = new long[k][k];
    for (Row r : HeadFeatures.confusion(held, head).collectAsList()) {
      cm[r.getInt(0)][r.getInt(1)] = r.getLong(2);
    }
    return new Metrics(labels, cm);
  }
}
