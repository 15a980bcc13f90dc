package dev.slimspark.jobs.label;

import dev.slimspark.errors.UserErrors;
import java.util.List;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits finetune's multinomial logistic-regression head on feature vectors and refuses a useless
 * one: a head that learned only the class prior is refit on standardized inputs, and when that
 * fails too, no model is written (a user error).
 */
final class HeadTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(HeadTrainer.class);

  /** Share of training predictions at or above which one class counts as taking them all. */
  static final double COLLAPSE_SHARE = 0.99;

  /** ... unless that class is at least this share of the training labels (a truly skewed set). */
  static final double SKEWED_SHARE = 0.9;

  /**
   * The fitted head and how the fit went.
   *
   * @param fallback "standardize" when the head was refit with standardization, else null
   * @param converged false when L-BFGS stopped at max_iter (not the fitted optimum)
   */
  record Fit(
      LogisticRegressionModel model,
      String fallback,
      int iterations,
      boolean converged,
      double objective) {
    /** Whether the head was trained on standardized inputs. */
    boolean standardized(FinetuneOptions o) {
      return o.standardize() || fallback != null;
    }
  }

  private HeadTrainer() {}

  /**
   * Fits the head on {@code trainVec} (label_idx, weight, features).
   *
   * @param perClass training rows per class, for the collapse check
   */
  static Fit fit(Dataset<Row> trainVec, FinetuneOptions o, long[] perClass, List<String> labels) {
    LogisticRegression lr =
        new LogisticRegression()
            .setFamily("multinomial")
            .setFeaturesCol("features")
            .setLabelCol("label_idx")
            .setWeightCol("weight")
            .setRegParam(o.regParam())
            .setElasticNetParam(o.elasticNet())
            .setMaxIter(o.maxIter())
            .setStandardization(o.standardize());
    LogisticRegressionModel m = lr.fit(trainVec);
    String degenerate = degenerate(m, trainVec, perClass, labels);
    String fallback = null;
    if (degenerate != null && !o.standardize()) {
      // Seen on MiniLM + n-gram features at reg 1e-4: L-BFGS on the raw (tiny-variance) inputs
      // stops at a head that predicts one class; standardized inputs train.
      LOG.warn(
          "finetune: degenerate head ({}); refitting with finetune.standardize = true", degenerate);
      fallback = "standardize";
      m = lr.setStandardization(true).fit(trainVec);
      String again = degenerate(m, trainVec, perClass, labels);
      degenerate = again != null ? degenerate + "; with standardization: " + again : null;
    }
    if (degenerate != null) {
      throw UserErrors.of(
          "finetune trained a useless head: " + degenerate + ".",
          "Logistic regression did not fit these features (too strong regularization, too few iterations, or "
              + "features the solver cannot scale: reg_param "
              + o.regParam()
              + ", max_iter "
              + o.maxIter()
              + ").",
          "Lower finetune.reg_param (e.g. to a tenth), raise finetune.max_iter, try finetune.class_weights = \"balanced\" "
              + "or another finetune.encoder; no model was written.");
    }
    // L-BFGS stops at max_iter or when the objective stops improving (tol); a head cut off at
    // max_iter is not the fitted optimum, so say so (and record it in config.json).
    int iterations = m.summary().totalIterations();
    double[] history = m.summary().objectiveHistory();
    boolean converged = iterations < o.maxIter();
    double objective = history.length == 0 ? Double.NaN : history[history.length - 1];
    if (converged) {
      LOG.info("finetune: LR converged after {} iterations, objective {}", iterations, objective);
    } else {
      LOG.warn(
          "finetune: LR stopped at finetune.max_iter = {} before converging (objective {}); raise"
              + " finetune.max_iter for the fitted optimum",
          iterations,
          objective);
    }
    return new Fit(m, fallback, iterations, converged, objective);
  }

  /**
   * Why {@code m} is a useless head, or null when it is not: its objective is not finite, or one
   * class takes at least {@link #COLLAPSE_SHARE} of its predictions on the training rows while
   * being under {@link #SKEWED_SHARE} of their labels (a head that learned only a prior).
   */
  static String degenerate(
      LogisticRegressionModel m, Dataset<Row> trainVec, long[] perClass, List<String> labels) {
    double[] history = m.summary().objectiveHistory();
    double last = history.length == 0 ? Double.NaN : history[history.length - 1];
    if (!Double.isFinite(last)) {
      return "the training objective is " + last;
    }
    long[] predicted = new long[labels.size()];
    for (Row r : m.transform(trainVec).groupBy("prediction").count().collectAsList()) {
      predicted[(int) r.getDouble(0)] = r.getLong(1);
    }
    return collapsed(perClass, predicted, labels);
  }

  /** The collapse test of {@link #degenerate} on per-class label and prediction counts. */
  static String collapsed(long[] labeled, long[] predicted, List<String> labels) {
    long n = 0;
    int top = 0;
    for (int k = 0; k < predicted.length; k++) {
      n += predicted[k];
      top = predicted[k] > predicted[top] ? k : top;
    }
    long nLabeled = 0;
    for (long x : labeled) {
      nLabeled += x;
    }
    if (n == 0 || nLabeled == 0) {
      return null;
    }
    double share = predicted[top] / (double) n;
    double truth = labeled[top] / (double) nLabeled;
    if (share >= COLLAPSE_SHARE && truth < SKEWED_SHARE) {
      return String.format(
          java.util.Locale.ROOT,
          "it predicts \"%s\" for %.1f%% of the training rows, which are %.1f%% \"%s\"",
          labels.get(top),
          100 * share,
          100 * truth,
          labels.get(top));
    }
    return null;
  }
}
