package dev.slimspark.jobs.dedup;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.posexplode;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Candidate edges from LSH buckets. Each (band, band key) bucket with several documents yields
 * star edges member → bucket minimum (not all pairs), so a bucket of m docs costs m - 1 edges,
 * and connectivity within the bucket is preserved. Buckets above {@code maxBucketSize} are
 * skipped and counted (risk: lost recall there; they usually are boilerplate).
 *
 * <p>Output {@code (src, dst)} with {@code dst < src} (dst = bucket min), distinct, checkpointed.
 * Risk of star edges under verification: two members similar to each other but not to the
 * bucket min lose their link through this bucket (other bands usually recover it).
 */
public final class LshCandidatesStep {
  private static final Logger LOG = LoggerFactory.getLogger(LshCandidatesStep.class);

  /** Edges plus counts. */
  public record Result(Dataset<Row> edges, long multiBuckets, long skippedBuckets, long edgeCount) {}

  private LshCandidatesStep() {}

  public static Result run(Dataset<Row> signatures, DedupOptions opts) {
    Dataset<Row> exploded =
        signatures.select(col(Cols.NODE), posexplode(col(Cols.BAND_KEYS)).as(new String[] {"band", "key"}));
    Dataset<Row> buckets =
        Lineage.cut(
            exploded
                .groupBy("band", "key")
                .agg(min(Cols.NODE).as("bmin"), count("*").as("size"))
                .where(col("size").gt(1)),
            opts);
    Row b = buckets.agg(count(lit(1)), sum(when(col("size").gt(opts.maxBucketSize()), 1L).otherwise(0L))).first();
    long multi = b.getLong(0);
    long skipped = b.isNullAt(1) ? 0 : b.getLong(1);
    // Big side streamed, unique bucket side buffered: a huge bucket is linear work, not memory.
    Dataset<Row> edges =
        Lineage.cut(
            exploded
                .join(buckets.where(col("size").leq(opts.maxBucketSize())), new String[] {"band", "key"})
                .where(col(Cols.NODE).notEqual(col("bmin")))
                .select(col(Cols.NODE).as(Cols.SRC), col("bmin").as(Cols.DST))
                .distinct(),
            opts);
    Lineage.release(buckets);
    long n = edges.count();
    LOG.info("lsh: {} multi-doc buckets, {} skipped (> {} docs), {} candidate edges",
        multi, skipped, opts.maxBucketSize(), n);
    return new Result(edges, multi, skipped, n);
  }
}
