package dev.slimspark.jobs.label;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.Stage;
import dev.slimspark.udfs.djl.ModelDir;
import dev.slimspark.udfs.text.TokenNgrams;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finetune: trains a linear classification head on a frozen encoder. Reads a labeled CSV or table
 * ({@code finetune.input}), embeds every text once per partition with the encoder (pooled and
 * L2-normalized), optionally adds token n-gram tf-idf features of the encoder's own token ids
 * ({@code finetune.lexical}, see {@link TokenNgrams}; idf from the training rows), fits a Spark
 * MLlib multinomial logistic regression (optionally class-weighted, L2/elastic-net regularized) on
 * the concatenation and writes a HuggingFace-layout model directory ({@link FineTunedModel}): the
 * head, n-gram features included, is appended to the encoder's ONNX graph, so labeling runs one
 * model.onnx that outputs logits. Rows with empty text are skipped and counted. With {@code
 * finetune.holdout_fraction > 0} a seeded, hash-based share of rows is held out and scored with
 * the Java head ({@link LinearHead}). Before any embedding: at least two classes must have rows
 * with text, classes under {@code finetune.min_rows_per_class} are warned about ({@link ClassCheck}),
 * and {@code finetune.output} must be absent, empty or an earlier model (it is replaced whole).
 */
public final class FinetuneStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(FinetuneStage.class);

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

  /** True when the row's id falls in the seeded holdout (stable across partitionings). */
  static org.apache.spark.sql.Column holdout(double fraction, long seed) {
    return pmod(xxhash64(col("id"), lit(seed)), lit(1_000_000L)).lt(lit((long) Math.round(fraction * 1_000_000)));
  }

  @Override
  public JobSummary run(RunContext ctx) {
    SlimConfig c = ctx.config();
    JobSummary summary = new JobSummary(name(), ctx);
    String input = c.getString("finetune.input");
    summary.input(input);
    String encoderSpec = c.getString("finetune.encoder");
    String pooling = c.getEnum("finetune.pooling", "auto", "mean", "cls");
    if (pooling.equals("auto")) {
      pooling = ModelDir.defaultPooling(encoderSpec);
    }
    EncoderSettings enc =
        new EncoderSettings(encoderSpec, c.getInt("finetune.max_length"), c.getInt("finetune.batch_size"), false, pooling);
    Path encoderDir = enc.validate();
    boolean lexical = c.getBoolean("finetune.lexical");
    int buckets = c.getInt("finetune.lexical_buckets");
    if (lexical && buckets < 1) {
      throw UserErrors.badConfigValue("finetune.lexical_buckets", String.valueOf(buckets), "at least 1");
    }
    TokenNgrams ngrams;
    try {
      ngrams = lexical ? new TokenNgrams(TokenNgrams.vocabSize(ModelDir.tokenizerFile(encoderDir)), buckets) : null;
    } catch (IOException e) {
      throw UserErrors.of("Cannot read the encoder's tokenizer.json in " + encoderDir + ".", e.getMessage(),
          "Point finetune.encoder at a directory with a HuggingFace tokenizer.json, or set finetune.lexical = false.");
    }
    String out = c.getString("finetune.output");
    if (out.isBlank()) {
      throw UserErrors.badConfigValue("finetune.output", "\"\"", "a directory path for the model");
    }
    double frac = c.getDouble("finetune.holdout_fraction");
    if (frac < 0 || frac >= 1) {
      throw UserErrors.badConfigValue("finetune.holdout_fraction", String.valueOf(frac), "in [0, 1)");
    }
    long seed = c.getInt("finetune.seed");
    String weighting = c.getEnum("finetune.class_weights", "balanced", "none");
    int minRows = c.getInt("finetune.min_rows_per_class");
    FineTunedModel.checkOutput(Path.of(out).toAbsolutePath());

    List<String> warnings = new ArrayList<>();
    Dataset<Row> data =
        LabeledData.read(
            ctx.spark(), ctx.lake(), input,
            new LabeledData.Columns("finetune.id_column", c.getString("finetune.id_column"), c.getString("finetune.text_column"),
                true, c.getString("finetune.label_column"), "finetune.encoding", c.getString("finetune.encoding")),
            name(), warnings);
    // Rows per raw label value, and how many of them have text to train on (blank text is skipped).
    Map<String, long[]> raw = new java.util.HashMap<>();
    for (Row r : data.groupBy("label").agg(org.apache.spark.sql.functions.count(lit(1)),
        org.apache.spark.sql.functions.sum(org.apache.spark.sql.functions.when(col("text").rlike("\\S"), 1L).otherwise(0L)))
        .collectAsList()) {
      raw.put(r.isNullAt(0) ? null : r.getString(0), new long[] {r.getLong(1), r.isNullAt(2) ? 0 : r.getLong(2)});
    }
    List<String> labels = LabeledData.labelNames(c.getStringList("finetune.labels"), nonNull(new ArrayList<>(raw.keySet())));
    List<String> unknown = LabeledData.unknown(new ArrayList<>(raw.keySet()), labels);
    if (!unknown.isEmpty()) {
      throw UserErrors.of(
          "Labels " + unknown + " in " + input + " are not in finetune.labels " + labels + ".",
          "Every label must be one of finetune.labels (by name, or by integer id 0.." + (labels.size() - 1) + ").",
          "Add the missing names to finetune.labels or clean the input.");
    }
    ClassCheck.require(input, labels, raw, minRows, warnings);

    // Embed once; cached because idf and LR pass over it many times.
    Dataset<Row> emb = EmbedStep.apply(data, "text", enc, lexical);
    StructType ts =
        new StructType()
            .add("id", DataTypes.StringType)
            .add("label_idx", DataTypes.DoubleType)
            .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false))
            .add("token_ids", DataTypes.createArrayType(DataTypes.LongType, false))
            .add("tokens", DataTypes.IntegerType)
            .add("truncated", DataTypes.BooleanType);
    List<String> names = labels;
    int vi = emb.schema().fieldIndex("vector");
    int li = emb.schema().fieldIndex("label");
    int ti = emb.schema().fieldIndex("tokens_processed");
    int tri = emb.schema().fieldIndex("truncated");
    int ii = lexical ? emb.schema().fieldIndex("token_ids") : -1;
    Dataset<Row> feats =
        emb.filter(col("error").isNull())
            .map(
                (MapFunction<Row, Row>)
                    r -> RowFactory.create(
                        r.getString(0), (double) names.indexOf(LabeledData.canonical(r.getString(li), names)),
                        EmbedStep.vector(r, vi), ii < 0 ? new long[0] : ids(r, ii), r.getInt(ti), r.getBoolean(tri)),
                Encoders.row(ts))
            .cache();
    try {
      long total = data.count();
      Dataset<Row> train = frac > 0 ? feats.filter(holdout(frac, seed).unary_$bang()) : feats;
      Dataset<Row> held = frac > 0 ? feats.filter(holdout(frac, seed)) : feats.limit(0);
      long[] perClass = new long[labels.size()];
      for (Row r : train.groupBy("label_idx").count().collectAsList()) {
        perClass[(int) r.getDouble(0)] = r.getLong(1);
      }
      long nTrain = 0;
      for (long x : perClass) {
        nTrain += x;
      }
      int present = 0;
      for (long x : perClass) {
        present += x > 0 ? 1 : 0;
      }
      if (present < 2) {
        throw UserErrors.of(
            "After the holdout only " + present + " class has training rows (" + Arrays.toString(perClass) + " for " + labels + ").",
            "finetune.holdout_fraction = " + frac + " left no training rows for the other classes.",
            "Lower finetune.holdout_fraction or add rows of every class.");
      }
      double[] classWeight = new double[labels.size()];
      for (int k = 0; k < classWeight.length; k++) {
        // "balanced": n / (classes * n_k), so every class carries the same total weight.
        classWeight[k] = weighting.equals("balanced") && perClass[k] > 0 ? (double) nTrain / (present * perClass[k]) : 1.0;
      }
      org.apache.spark.sql.Column w = lit(1.0);
      for (int k = classWeight.length - 1; k >= 0; k--) {
        w = org.apache.spark.sql.functions.when(col("label_idx").equalTo(k), lit(classWeight[k])).otherwise(w);
      }
      float[] idf = ngrams == null ? null : idf(train, ngrams, nTrain);
      int hidden = EmbedStep.vector(feats.head(), 2).length;
      Dataset<Row> trainVec = featureVectors(train.withColumn("weight", w), hidden, ngrams, idf);
      boolean standardize = c.getBoolean("finetune.standardize");
      LogisticRegression lr =
          new LogisticRegression()
              .setFamily("multinomial")
              .setFeaturesCol("features")
              .setLabelCol("label_idx")
              .setWeightCol("weight")
              .setRegParam(c.getDouble("finetune.reg_param"))
              .setElasticNetParam(c.getDouble("finetune.elastic_net"))
              .setMaxIter(c.getInt("finetune.max_iter"))
              .setStandardization(standardize);
      trainVec = trainVec.cache();
      LogisticRegressionModel m = lr.fit(trainVec);
      String degenerate = degenerate(m, trainVec, perClass, labels);
      String fallback = null;
      if (degenerate != null && !standardize) {
        // Seen on MiniLM + n-gram features at reg 1e-4: L-BFGS on the raw (tiny-variance) inputs
        // stops at a head that predicts one class; standardized inputs train.
        LOG.warn("finetune: degenerate head ({}); refitting with finetune.standardize = true", degenerate);
        fallback = "standardize";
        m = lr.setStandardization(true).fit(trainVec);
        String again = degenerate(m, trainVec, perClass, labels);
        if (again != null) {
          degenerate = degenerate + "; with standardization: " + again;
        } else {
          degenerate = null;
        }
      }
      trainVec.unpersist();
      if (degenerate != null) {
        throw UserErrors.of(
            "finetune trained a useless head: " + degenerate + ".",
            "Logistic regression did not fit these features (too strong regularization, too few iterations, or "
                + "features the solver cannot scale: reg_param " + c.getDouble("finetune.reg_param") + ", max_iter "
                + c.getInt("finetune.max_iter") + ").",
            "Lower finetune.reg_param (e.g. to a tenth), raise finetune.max_iter, try finetune.class_weights = \"balanced\" "
                + "or another finetune.encoder; no model was written.");
      }
      // L-BFGS stops at max_iter or when the objective stops improving (tol); a head cut off at
      // max_iter is not the fitted optimum, so say so (and record it in config.json).
      int iterations = m.summary().totalIterations();
      double[] history = m.summary().objectiveHistory();
      boolean converged = iterations < c.getInt("finetune.max_iter");
      double objective = history.length == 0 ? Double.NaN : history[history.length - 1];
      if (converged) {
        LOG.info("finetune: LR converged after {} iterations, objective {}", iterations, objective);
      } else {
        LOG.warn("finetune: LR stopped at finetune.max_iter = {} before converging (objective {}); raise"
            + " finetune.max_iter for the fitted optimum", iterations, objective);
      }
      Matrix coef = m.coefficientMatrix();
      Vector icpt = m.interceptVector();
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
      LinearHead head = new LinearHead(labels, pooling, wm, b, ngrams, idf, wl);
      String version = "finetune-" + ctx.runId() + "-" + ctx.configHash();

      Map<String, Object> info = new LinkedHashMap<>();
      info.put("input", input);
      info.put("rows_trained", nTrain);
      Map<String, Long> pc = new LinkedHashMap<>();
      for (int i = 0; i < k; i++) {
        pc.put(labels.get(i), perClass[i]);
      }
      info.put("per_class", pc);
      info.put("class_weights", weighting);
      info.put("reg_param", c.getDouble("finetune.reg_param"));
      info.put("elastic_net", c.getDouble("finetune.elastic_net"));
      info.put("standardize", standardize || fallback != null);
      info.put("lr_iterations", iterations);
      info.put("lr_converged", converged);
      info.put("lr_objective", objective);
      summary.put("lr_iterations", iterations);
      summary.put("lr_converged", converged);
      if (fallback != null) {
        info.put("fallback", fallback);
        summary.put("fallback", fallback);
      }
      info.put("seed", seed);
      info.put("encoder", enc.spec());
      info.put("pooling", pooling);
      info.put("lexical_buckets", ngrams == null ? 0 : ngrams.buckets());
      long nHeld = 0;
      if (frac > 0) {
        // Scored on the executors; only the k x k confusion counts reach the driver.
        long[][] cm = new long[k][k];
        for (Row r : confusion(held, head).collectAsList()) {
          cm[r.getInt(0)][r.getInt(1)] = r.getLong(2);
          nHeld += r.getLong(2);
        }
        Metrics mt = new Metrics(labels, cm);
        info.put("holdout_rows", nHeld);
        info.put("holdout_accuracy", mt.accuracy());
        info.put("holdout_macro_f1", mt.macroF1());
        LOG.info("finetune holdout:\n{}", mt.table("holdout"));
        summary.put("holdout", Map.of("rows", nHeld, "accuracy", mt.accuracy(), "macro_f1", mt.macroF1()));
      }
      Path dir = Path.of(out).toAbsolutePath();
      info.put("warnings", warnings);
      FineTunedModel.writeReplacing(dir, encoderDir, head, enc.maxLength(), version, info);
      Row agg = feats.agg(org.apache.spark.sql.functions.sum("tokens"),
          org.apache.spark.sql.functions.sum(col("truncated").cast("long"))).head();
      long embedded = feats.count();
      summary
          .count("rows_in", total)
          .count("embedded", embedded)
          .count("empty_text", total - embedded)
          .count("trained", nTrain)
          .count("held_out", nHeld)
          .count("tokens", agg.isNullAt(0) ? 0 : agg.getLong(0))
          .count("truncated", agg.isNullAt(1) ? 0 : agg.getLong(1))
          .count("per_class", pc);
      summary.put("model_dir", dir.toString());
      summary.put("model_version", version);
      summary.put("labels", labels);
      summary.put("warnings", warnings);
      return summary;
    } catch (IOException e) {
      throw UserErrors.of("Cannot write the model directory " + out + ".", e.getMessage(), "Check that the path is writable.");
    } finally {
      feats.unpersist();
    }
  }

  private static List<String> nonNull(List<String> l) {
    List<String> o = new ArrayList<>();
    for (String s : l) {
      if (s != null) {
        o.add(s);
      }
    }
    return o;
  }

  /** (gold index, predicted index, rows) of {@code held} (label_idx at 1, vector at 2, ids at 3). */
  static Dataset<Row> confusion(Dataset<Row> held, LinearHead head) {
    MapFunction<Row, Row> score = r ->
        RowFactory.create(
            (int) r.getDouble(1), argmax(head.logits(EmbedStep.vector(r, 2), ids(r, 3))));
    StructType pair = new StructType().add("gold", DataTypes.IntegerType).add("pred", DataTypes.IntegerType);
    return held.map(score, Encoders.row(pair)).groupBy("gold", "pred").count();
  }

  /** A row's long-array column (Spark hands back a Seq or a long[]). */
  static long[] ids(Row r, int i) {
    if (r.isNullAt(i)) {
      return new long[0];
    }
    Object o = r.get(i);
    if (o instanceof long[] l) {
      return l;
    }
    List<Object> l = r.getList(i);
    long[] x = new long[l.size()];
    for (int k = 0; k < x.length; k++) {
      x[k] = ((Number) l.get(k)).longValue();
    }
    return x;
  }

  /** Smoothed idf per term over the training rows' token ids (0 for terms never seen). */
  static float[] idf(Dataset<Row> train, TokenNgrams ngrams, long n) {
    org.apache.spark.api.java.JavaPairRDD<Integer, Long> df =
        train.select("token_ids").javaRDD()
            .flatMapToPair(
                r -> {
                  List<scala.Tuple2<Integer, Long>> out = new ArrayList<>();
                  for (int t : ngrams.termCounts(ids(r, 0)).keySet()) {
                    out.add(new scala.Tuple2<>(t, 1L));
                  }
                  return out.iterator();
                })
            .reduceByKey(Long::sum);
    float[] idf = new float[ngrams.dims()];
    for (scala.Tuple2<Integer, Long> e : df.collect()) {
      idf[e._1()] = (float) TokenNgrams.idf(n, e._2());
    }
    return idf;
  }

  /** label_idx, weight, features = [embedding | token n-gram tf-idf] as one (sparse) vector. */
  static Dataset<Row> featureVectors(Dataset<Row> in, int hidden, TokenNgrams ngrams, float[] idf) {
    StructType s =
        new StructType()
            .add("label_idx", DataTypes.DoubleType)
            .add("weight", DataTypes.DoubleType)
            .add("features", new org.apache.spark.ml.linalg.VectorUDT());
    int dims = hidden + (ngrams == null ? 0 : ngrams.dims());
    return in.select("label_idx", "weight", "embedding", "token_ids")
        .map(
            (MapFunction<Row, Row>)
                r -> {
                  float[] e = EmbedStep.vector(r, 2);
                  TokenNgrams.Sparse lex = ngrams == null ? new TokenNgrams.Sparse(new int[0], new double[0]) : ngrams.vector(ids(r, 3), idf);
                  int[] idx = new int[hidden + lex.indices().length];
                  double[] val = new double[idx.length];
                  for (int j = 0; j < hidden; j++) {
                    idx[j] = j;
                    val[j] = e[j];
                  }
                  for (int j = 0; j < lex.indices().length; j++) {
                    idx[hidden + j] = hidden + lex.indices()[j];
                    val[hidden + j] = lex.values()[j];
                  }
                  return RowFactory.create(r.getDouble(0), r.getDouble(1), org.apache.spark.ml.linalg.Vectors.sparse(dims, idx, val));
                },
            Encoders.row(s));
  }

  /** Share of training predictions at or above which one class counts as taking them all. */
  static final double COLLAPSE_SHARE = 0.99;
  /** ... unless that class is at least this share of the training labels (a truly skewed set). */
  static final double SKEWED_SHARE = 0.9;

  /**
   * Why {@code m} is a useless head, or null when it is not: its objective is not finite, or one
   * class takes at least {@link #COLLAPSE_SHARE} of its predictions on the training rows while
   * being under {@link #SKEWED_SHARE} of their labels (a head that learned only a prior).
   */
  static String degenerate(LogisticRegressionModel m, Dataset<Row> trainVec, long[] perClass, List<String> labels) {
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
      return String.format(java.util.Locale.ROOT, "it predicts \"%s\" for %.1f%% of the training rows, which are %.1f%% \"%s\"",
          labels.get(top), 100 * share, 100 * truth, labels.get(top));
    }
    return null;
  }

  static int argmax(double[] s) {
    int best = 0;
    for (int i = 1; i < s.length; i++) {
      if (s[i] > s[best]) {
        best = i;
      }
    }
    return best;
  }
}
