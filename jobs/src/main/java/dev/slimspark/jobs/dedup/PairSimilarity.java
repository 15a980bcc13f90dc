package dev.slimspark.jobs.dedup;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import dev.slimspark.udfs.minhash.Jaccard;
import dev.slimspark.udfs.minhash.Shingler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Similarity of node pairs {@code (src, dst)}: signature-estimated Jaccard (pure SQL over the two
 * signature arrays), or exact Jaccard of the two hashed shingle sets by re-shingling both texts.
 * Exact mode falls back to the estimate when a text exceeds {@code exactVerifyMaxChars} (the set
 * costs 8 bytes per shingle) or when a node has no text (old-corpus nodes in incremental mode:
 * their text is never read, only their stored signature). Pairs whose nodes have no signature are
 * dropped (inner joins).
 */
final class PairSimilarity {
  private PairSimilarity() {}

  /** Adds column {@code sim} to {@code pairs (src, dst, ...)}. */
  static Dataset<Row> compute(
      Dataset<Row> pairs,
      Dataset<Row> signatures,
      Dataset<Row> texts,
      DedupOptions opts,
      boolean exact) {
    Dataset<Row> j =
        pairs
            .join(
                signatures.select(col(Cols.NODE).as(Cols.SRC), col(Cols.SIG).as("sig_a")), Cols.SRC)
            .join(
                signatures.select(col(Cols.NODE).as(Cols.DST), col(Cols.SIG).as("sig_b")),
                Cols.DST);
    Column estimate =
        expr("aggregate(zip_with(sig_a, sig_b, (x, y) -> IF(x = y, 1, 0)), 0, (acc, v) -> acc + v)")
            .divide(opts.numPerm());
    Column sim = estimate;
    if (exact) {
      // Left joins: old-corpus nodes (incremental mode) have a signature but no text here.
      j =
          j.join(
                  texts.select(col(Cols.NODE).as(Cols.SRC), col(Cols.TEXT).as("text_a")),
                  new String[] {Cols.SRC},
                  "left")
              .join(
                  texts.select(col(Cols.NODE).as(Cols.DST), col(Cols.TEXT).as("text_b")),
                  new String[] {Cols.DST},
                  "left");
      int max = opts.exactVerifyMaxChars();
      sim =
          when(col("text_a").isNull().or(col("text_b").isNull()), estimate)
              .when(length(col("text_a")).gt(max).or(length(col("text_b")).gt(max)), estimate)
              .otherwise(exactUdf(opts).apply(col("text_a"), col("text_b")));
    }
    return j.withColumn(Cols.SIM, sim.cast("double")).drop("sig_a", "sig_b", "text_a", "text_b");
  }

  private static UserDefinedFunction exactUdf(DedupOptions opts) {
    return udf(new ExactJaccardFn(opts), DataTypes.DoubleType);
  }

  private static final class ExactJaccardFn implements UDF2<String, String, Double> {
    private static final long serialVersionUID = 1L;
    private final DedupOptions opts;

    ExactJaccardFn(DedupOptions opts) {
      this.opts = opts;
    }

    @Override
    public Double call(String a, String b) {
      Shingler s = MinHashStep.shingler(opts); // cheap: one ring buffer of n longs
      return Jaccard.exact(Jaccard.shingleSet(a, s), Jaccard.shingleSet(b, s));
    }
  }
}
