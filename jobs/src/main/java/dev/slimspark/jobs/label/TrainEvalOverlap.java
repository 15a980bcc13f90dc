package dev.slimspark.jobs.label;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.udf;

import dev.slimspark.udfs.minhash.BandHasher;
import dev.slimspark.udfs.minhash.Jaccard;
import dev.slimspark.udfs.minhash.LshParams;
import dev.slimspark.udfs.minhash.MinHasher;
import dev.slimspark.udfs.minhash.Normalization;
import dev.slimspark.udfs.minhash.ShingleType;
import dev.slimspark.udfs.minhash.Shingler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Train/eval leakage: which evaluation items have a training row with the same normalized text
 * (exact: lowercase, punctuation removed, whitespace collapsed, dedup's "slimpajama"
 * normalization), and which have one at Jaccard >= threshold over character 5-gram shingles (near,
 * exact included). Candidates come from MinHash LSH (the dedup stage's udfs: 128 permutations,
 * bands chosen for the threshold leaning to recall), then every candidate pair is verified by the
 * exact Jaccard of the two shingle sets, so no pair below the threshold counts. Texts shorter than
 * one shingle match exactly only. Both sides are joined, never collected; the driver gets counts
 * and a few example pairs.
 */
public final class TrainEvalOverlap {
  static final int SHINGLE = 5;
  static final int NUM_PERM = 128;
  static final long SEED = 42L;
  static final int EXAMPLES = 3;

  /**
   * The overlap of one training set with one evaluation set.
   *
   * @param trainIds distinct ids of training rows overlapping an eval item (id, exact): exact =
   *     true when the overlap is an exact match
   */
  public record Result(
      double threshold,
      long trainRows,
      long evalRows,
      long evalExact,
      long evalNear,
      long trainExact,
      long trainNear,
      Dataset<Row> trainIds,
      Dataset<Row> evalIds,
      List<Map<String, Object>> examples) {
    /** The summary's "overlap" object. */
    public Map<String, Object> toMap(String other) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("other", other);
      m.put("threshold", threshold);
      m.put("train_rows", trainRows);
      m.put("eval_rows", evalRows);
      m.put("eval_exact", evalExact);
      m.put("eval_near", evalNear);
      m.put("eval_near_share", evalRows == 0 ? 0.0 : (double) evalNear / evalRows);
      m.put("train_exact", trainExact);
      m.put("train_near", trainNear);
      m.put("examples", examples);
      return m;
    }
  }

  private static final StructType PREP =
      new StructType()
          .add("norm", DataTypes.StringType)
          .add("bands", DataTypes.createArrayType(DataTypes.LongType, false))
          .add("shingles", DataTypes.createArrayType(DataTypes.LongType, false));

  private TrainEvalOverlap() {}

  /** Overlap of {@code train} and {@code eval}, both (id, text, ...) rows. */
  public static Result of(Dataset<Row> train, Dataset<Row> eval, double threshold) {
    UserDefinedFunction prep = prepare(threshold);
    Dataset<Row> t = prepared(train, prep, "t").cache();
    Dataset<Row> e = prepared(eval, prep, "e").cache();
    try {
      Dataset<Row> exact =
          e.join(t, e.col("e_norm").equalTo(t.col("t_norm")).and(e.col("e_norm").notEqual("")))
              .select(col("e_id"), col("t_id"));
      Dataset<Row> near = nearPairs(t, e, threshold).union(exact.withColumn("j", exactOne()));
      near = near.groupBy("e_id", "t_id").agg(org.apache.spark.sql.functions.max("j").as("j"));
      Dataset<Row> exactTagged =
          exact.withColumn("exact", org.apache.spark.sql.functions.lit(true));
      Row c =
          near.join(exactTagged, new String[] {"e_id", "t_id"}, "left")
              .agg(
                  countDistinct(col("e_id")),
                  countDistinct(col("t_id")),
                  countDistinct(org.apache.spark.sql.functions.when(col("exact"), col("e_id"))),
                  countDistinct(org.apache.spark.sql.functions.when(col("exact"), col("t_id"))))
              .head();
      Row n = t.agg(org.apache.spark.sql.functions.count("t_id")).head();
      Row m = e.agg(org.apache.spark.sql.functions.count("e_id")).head();
      Dataset<Row> trainIds =
          near.join(exactTagged, new String[] {"e_id", "t_id"}, "left")
              .groupBy(col("t_id").as("id"))
              .agg(org.apache.spark.sql.functions.max(col("exact")).isNotNull().as("exact"));
      // Materialized: the callers use them after the cached inputs are released.
      trainIds = trainIds.localCheckpoint();
      Dataset<Row> evalIds = near.select(col("e_id").as("id")).distinct().localCheckpoint();
      return new Result(
          threshold,
          n.getLong(0),
          m.getLong(0),
          c.getLong(2),
          c.getLong(0),
          c.getLong(3),
          c.getLong(1),
          trainIds,
          evalIds,
          examples(near, t, e));
    } finally {
      t.unpersist();
      e.unpersist();
    }
  }

  private static Column exactOne() {
    return org.apache.spark.sql.functions.lit(1.0);
  }

  /** (p_id, p_norm, p_bands, p_shingles) of rows with text. */
  private static Dataset<Row> prepared(Dataset<Row> rows, UserDefinedFunction prep, String p) {
    return rows.filter(col("text").isNotNull())
        .select(col("id"), col("text"), prep.apply(col("text")).as("s"))
        .select(
            col("id").as(p + "_id"),
            col("text").as(p + "_text"),
            col("s.norm").as(p + "_norm"),
            col("s.bands").as(p + "_bands"),
            col("s.shingles").as(p + "_shingles"));
  }

  /** Candidate pairs by LSH band collision, kept when the exact shingle Jaccard >= threshold. */
  private static Dataset<Row> nearPairs(Dataset<Row> t, Dataset<Row> e, double threshold) {
    Dataset<Row> tb = t.select(col("t_id"), posexplode(col("t_bands")).as(new String[] {"b", "k"}));
    Dataset<Row> eb = e.select(col("e_id"), posexplode(col("e_bands")).as(new String[] {"b", "k"}));
    Dataset<Row> cand = eb.join(tb, new String[] {"b", "k"}).select("e_id", "t_id").distinct();
    UDF2<scala.collection.Seq<Long>, scala.collection.Seq<Long>, Double> jac =
        (a, b) -> Jaccard.exact(toArray(a), toArray(b));
    UserDefinedFunction j = udf(jac, DataTypes.DoubleType);
    return cand.join(e.select("e_id", "e_shingles"), "e_id")
        .join(t.select("t_id", "t_shingles"), "t_id")
        .withColumn("j", j.apply(col("e_shingles"), col("t_shingles")))
        .filter(col("j").geq(threshold))
        .select("e_id", "t_id", "j");
  }

  /** A few pairs (smallest eval ids) with both texts, for the summary. */
  private static List<Map<String, Object>> examples(
      Dataset<Row> near, Dataset<Row> t, Dataset<Row> e) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Row r :
        near.join(e.select("e_id", "e_text"), "e_id")
            .join(t.select("t_id", "t_text"), "t_id")
            .orderBy(col("e_id"), col("t_id"))
            .limit(EXAMPLES)
            .collectAsList()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("eval_id", r.getAs("e_id"));
      m.put("train_id", r.getAs("t_id"));
      m.put("jaccard", r.getAs("j"));
      m.put("eval_text", clip(r.getAs("e_text")));
      m.put("train_text", clip(r.getAs("t_text")));
      out.add(m);
    }
    return out;
  }

  private static String clip(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  private static long[] toArray(scala.collection.Seq<Long> s) {
    long[] v = new long[s.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = s.apply(i);
    }
    return v;
  }

  /** text -> (normalized text, LSH band keys, sorted distinct shingle hashes). */
  private static UserDefinedFunction prepare(double threshold) {
    LshParams lsh = LshParams.optimal(threshold, NUM_PERM, 0.2, 0.8);
    UDF1<String, Row> f =
        text -> {
          Shingler sh = new Shingler(ShingleType.CHAR, SHINGLE, Normalization.SLIMPAJAMA, SEED);
          String norm = Normalization.SLIMPAJAMA.apply(text).trim();
          long[] shingles = Jaccard.shingleSet(text, sh);
          List<Long> bands = new ArrayList<>();
          if (shingles.length > 0) {
            long[] sig = new MinHasher(NUM_PERM, SEED, sh).signature(text);
            long[] keys = new long[lsh.bands()];
            new BandHasher(lsh, SEED).bandKeys(sig, keys);
            for (long k : keys) {
              bands.add(k);
            }
          }
          List<Long> s = new ArrayList<>(shingles.length);
          for (long x : shingles) {
            s.add(x);
          }
          return RowFactory.create(norm, bands, s);
        };
    return udf(f, PREP);
  }
}
