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
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finetune: trains a linear classification head on frozen sentence embeddings. Reads a labeled CSV
 * or table ({@code finetune.input}), embeds every text once per partition with the encoder, fits a
 * Spark MLlib multinomial logistic regression (optionally class-weighted, L2/elastic-net
 * regularized) and writes a self-contained model directory ({@link FineTunedModel}) for the
 * {@code fine-tuned} labeler. Rows with empty text are skipped and counted. With {@code
 * finetune.holdout_fraction > 0} a seeded, hash-based share of rows is held out and scored.
 */
public final class FinetuneStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(FinetuneStage.class);

  @Override
  public String name() {
    return "finetune";
  }

  @Override
  public String description() {
    return "train a logistic-regression head on frozen encoder embeddings -> model directory (finetune.output)";
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
    EncoderSettings enc =
        new EncoderSettings(
            c.getString("finetune.encoder"), c.getInt("finetune.max_length"), c.getInt("finetune.batch_size"), false);
    Path encoderDir = enc.validate();
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

    Dataset<Row> data =
        LabeledData.read(
            ctx.spark(), ctx.lake(), input, c.getString("finetune.id_column"), c.getString("finetune.text_column"),
            c.getString("finetune.label_column"), name());
    List<String> raw = new ArrayList<>();
    for (Row r : data.select("label").distinct().collectAsList()) {
      raw.add(r.isNullAt(0) ? null : r.getString(0));
    }
    List<String> labels = LabeledData.labelNames(c.getStringList("finetune.labels"), nonNull(raw));
    List<String> unknown = LabeledData.unknown(raw, labels);
    if (!unknown.isEmpty()) {
      throw UserErrors.of(
          "Labels " + unknown + " in " + input + " are not in finetune.labels " + labels + ".",
          "Every label must be one of finetune.labels (by name, or by integer id 0.." + (labels.size() - 1) + ").",
          "Add the missing names to finetune.labels or clean the input.");
    }
    if (labels.size() < 2) {
      throw UserErrors.of("Only one label (" + labels + ") in " + input + ".", "A classifier needs at least two classes.", "Add examples of other classes.");
    }

    // Embed once; cached because LR iterates over it many times.
    Dataset<Row> emb = EmbedStep.apply(data, "text", enc);
    StructType ts =
        new StructType()
            .add("id", DataTypes.StringType)
            .add("label_idx", DataTypes.DoubleType)
            .add("features", new org.apache.spark.ml.linalg.VectorUDT())
            .add("tokens", DataTypes.IntegerType)
            .add("truncated", DataTypes.BooleanType);
    List<String> names = labels;
    int vi = emb.schema().fieldIndex("vector");
    int li = emb.schema().fieldIndex("label");
    int ti = emb.schema().fieldIndex("tokens_processed");
    int tri = emb.schema().fieldIndex("truncated");
    Dataset<Row> feats =
        emb.filter(col("error").isNull())
            .map(
                (org.apache.spark.api.java.function.MapFunction<Row, Row>)
                    r -> {
                      float[] f = EmbedStep.vector(r, vi);
                      double[] d = new double[f.length];
                      for (int k = 0; k < f.length; k++) {
                        d[k] = f[k];
                      }
                      return RowFactory.create(
                          r.getString(0), (double) names.indexOf(LabeledData.canonical(r.getString(li), names)),
                          org.apache.spark.ml.linalg.Vectors.dense(d), r.getInt(ti), r.getBoolean(tri));
                    },
                org.apache.spark.sql.Encoders.row(ts))
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
      double[] classWeight = new double[labels.size()];
      for (int k = 0; k < classWeight.length; k++) {
        // "balanced": n / (classes * n_k), so every class carries the same total weight.
        classWeight[k] = weighting.equals("balanced") && perClass[k] > 0 ? (double) nTrain / (present * perClass[k]) : 1.0;
      }
      org.apache.spark.sql.Column w = lit(1.0);
      for (int k = classWeight.length - 1; k >= 0; k--) {
        w = org.apache.spark.sql.functions.when(col("label_idx").equalTo(k), lit(classWeight[k])).otherwise(w);
      }
      LogisticRegression lr =
          new LogisticRegression()
              .setFamily("multinomial")
              .setFeaturesCol("features")
              .setLabelCol("label_idx")
              .setWeightCol("weight")
              .setRegParam(c.getDouble("finetune.reg_param"))
              .setElasticNetParam(c.getDouble("finetune.elastic_net"))
              .setMaxIter(c.getInt("finetune.max_iter"))
              .setStandardization(c.getBoolean("finetune.standardize"));
      LogisticRegressionModel m = lr.fit(train.withColumn("weight", w));
      Matrix coef = m.coefficientMatrix();
      Vector icpt = m.interceptVector();
      int k = labels.size();
      float[][] wm = new float[k][coef.numCols()];
      float[] b = new float[k];
      for (int i = 0; i < Math.min(k, coef.numRows()); i++) {
        for (int j = 0; j < coef.numCols(); j++) {
          wm[i][j] = (float) coef.apply(i, j);
        }
        b[i] = (float) icpt.apply(i);
      }
      String version = "finetune-" + ctx.runId() + "-" + ctx.configHash();
      FineTunedModel model = new FineTunedModel(labels, wm, b, encoderDir.toString(), enc.maxLength(), version);

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
      info.put("seed", seed);
      info.put("encoder", enc.spec());
      long nHeld = 0;
      if (frac > 0) {
        long[][] cm = new long[k][k];
        for (Row r : held.collectAsList()) {
          double[] s = model.scores(toFloat(((Vector) r.get(2)).toArray()));
          cm[(int) r.getDouble(1)][argmax(s)]++;
          nHeld++;
        }
        Metrics mt = new Metrics(labels, cm);
        info.put("holdout_rows", nHeld);
        info.put("holdout_accuracy", mt.accuracy());
        info.put("holdout_macro_f1", mt.macroF1());
        LOG.info("finetune holdout:\n{}", mt.table("holdout"));
        summary.put("holdout", Map.of("rows", nHeld, "accuracy", mt.accuracy(), "macro_f1", mt.macroF1()));
      }
      Path dir = Path.of(out).toAbsolutePath();
      FineTunedModel.write(dir, encoderDir, labels, wm, b, enc.maxLength(), version, info);
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

  static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
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
