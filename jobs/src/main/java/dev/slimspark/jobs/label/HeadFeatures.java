package dev.slimspark.jobs.label;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import dev.slimspark.udfs.text.TokenNgrams;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The rows finetune trains and scores on: per text its embedding and the encoder's token ids
 * ({@link #embedded}), the token n-gram idf over the training rows, and the feature vector the
 * logistic regression sees, [embedding | token n-gram tf-idf].
 */
final class HeadFeatures {
  /**
   * Columns of {@link #embedded}: the head's inputs per text, label_idx at 1, embedding at 2, ids
   * at 3.
   */
  static final StructType EMBEDDED =
      new StructType()
          .add("id", DataTypes.StringType)
          .add("label_idx", DataTypes.DoubleType)
          .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false))
          .add("token_ids", DataTypes.createArrayType(DataTypes.LongType, false))
          .add("tokens", DataTypes.IntegerType)
          .add("truncated", DataTypes.BooleanType);

  private HeadFeatures() {}

  /** True when the row's id falls in the seeded holdout (stable across partitionings). */
  static org.apache.spark.sql.Column holdout(double fraction, long seed) {
    return pmod(xxhash64(col("id"), lit(seed)), lit(1_000_000L))
        .lt(lit((long) Math.round(fraction * 1_000_000)));
  }

  /**
   * (id, text, label) rows embedded by the encoder, as {@link #EMBEDDED} rows; texts the encoder
   * could not embed (blank) are left out. Lazy: the caller caches it.
   */
  static Dataset<Row> embedded(
      Dataset<Row> data, EncoderSettings enc, boolean lexical, List<String> labels) {
    Dataset<Row> emb = EmbedStep.apply(data, "text", enc, lexical);
    int vi = emb.schema().fieldIndex("vector");
    int li = emb.schema().fieldIndex("label");
    int ti = emb.schema().fieldIndex("tokens_processed");
    int tri = emb.schema().fieldIndex("truncated");
    int ii = lexical ? emb.schema().fieldIndex("token_ids") : -1;
    return emb.filter(col("error").isNull())
        .map(
            (MapFunction<Row, Row>)
                r ->
                    RowFactory.create(
                        r.getString(0),
                        (double) labels.indexOf(LabeledData.canonical(r.getString(li), labels)),
                        EmbedStep.vector(r, vi),
                        ii < 0 ? new long[0] : ids(r, ii),
                        r.getInt(ti),
                        r.getBoolean(tri)),
            Encoders.row(EMBEDDED));
  }

  /**
   * (gold index, predicted index, rows) of {@code held} (label_idx at 1, vector at 2, ids at 3).
   */
  static Dataset<Row> confusion(Dataset<Row> held, LinearHead head) {
    MapFunction<Row, Row> score =
        r ->
            RowFactory.create(
                (int) r.getDouble(1), argmax(head.logits(EmbedStep.vector(r, 2), ids(r, 3))));
    StructType pair =
        new StructType().add("gold", DataTypes.IntegerType).add("pred", DataTypes.IntegerType);
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
        train
            .select("token_ids")
            .javaRDD()
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
                  TokenNgrams.Sparse lex =
                      ngrams == null
                          ? new TokenNgrams.Sparse(new int[0], new double[0])
                          : ngrams.vector(ids(r, 3), idf);
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
                  return RowFactory.create(
                      r.getDouble(0),
                      r.getDouble(1),
                      org.apache.spark.ml.linalg.Vectors.sparse(dims, idx, val));
                },
            Encoders.row(s));
  }

  /** Index of the largest score (the first on ties). */
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
