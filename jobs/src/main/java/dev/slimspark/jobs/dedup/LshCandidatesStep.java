package dev.slimspark.jobs.dedup;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Candidate edges from LSH buckets. Each (band, band key) bucket with several documents yields star
 * edges member → bucket minimum (not all pairs), so a bucket of m docs costs m - 1 edges, and
 * connectivity within the bucket is preserved.
 *
 * <p>Hot buckets (boilerplate: a cookie banner in 200,000 pages puts them all in one bucket per
 * band) are split, never skipped: when some bucket holds more than {@code subBucketSize} docs,
 * every (band, key) is salted into S = ceil(largest / subBucketSize) sub-buckets by a seeded hash
 * of the node; in a bucket above {@code subBucketSize} each member links to its sub-bucket's
 * minimum and each sub-bucket minimum to the bucket minimum (a two-level star: still m - 1 edges,
 * still connected). So no join key carries more than about {@code subBucketSize} rows and no task
 * holds a whole hot bucket, and the edges of one hot bucket no longer all point at one node (which
 * made verification and connected components join a hot key). Buckets up to {@code subBucketSize}
 * keep the plain star, so ordinary corpora give exactly the former edges.
 *
 * <p>{@code maxBucketSize} (0 = no limit, the default) remains as an opt-in cap: buckets above it
 * are skipped, counted, and the distinct docs they held are counted as unchecked there (they may
 * still meet their duplicates in another band).
 *
 * <p>Output {@code (src, dst)} with {@code dst < src}, distinct, checkpointed. Risk of star edges
 * under verification: two members similar to each other but not to the (sub-)bucket min lose their
 * link through this bucket (other bands usually recover it).
 */
public final class LshCandidatesStep {
  private static final Logger LOG = LoggerFactory.getLogger(LshCandidatesStep.class);

  /**
   * Edges plus counts.
   *
   * @param splitBuckets buckets above subBucketSize, linked through sub-buckets
   * @param subBuckets S, the salt count used (1 when nothing was split)
   * @param skippedBuckets buckets above maxBucketSize (0 unless a cap is set)
   * @param docsInSkippedBuckets distinct docs in those buckets: unchecked there
   */
  public record Result(
      Dataset<Row> edges,
      long multiBuckets,
      long splitBuckets,
      int subBuckets,
      long largestBucket,
      long skippedBuckets,
      long docsInSkippedBuckets,
      long edgeCount) {}

  private LshCandidatesStep() {}

  public static Result run(Dataset<Row> signatures, DedupOptions opts) {
    Dataset<Row> exploded =
        signatures.select(
            col(Cols.NODE), posexplode(col(Cols.BAND_KEYS)).as(new String[] {"band", "key"}));
    // Partial aggregation: a hot key costs one row per map task here, not one task.
    Dataset<Row> buckets =
        Lineage.cut(
            exploded
                .groupBy("band", "key")
                .agg(min(Cols.NODE).as("bmin"), count("*").as("size"))
                .where(col("size").gt(1)),
            opts);
    long cap = opts.maxBucketSize() > 0 ? opts.maxBucketSize() : Long.MAX_VALUE;
    int sub = opts.subBucketSize();
    Row b =
        buckets
            .agg(
                count(lit(1)),
                sum(when(col("size").gt(cap), 1L).otherwise(0L)),
                sum(when(col("size").gt(sub).and(col("size").leq(cap)), 1L).otherwise(0L)),
                max("size"))
            .first();
    long multi = b.getLong(0);
    long skipped = b.isNullAt(1) ? 0 : b.getLong(1);
    long split = b.isNullAt(2) ? 0 : b.getLong(2);
    long largest = b.isNullAt(3) ? 0 : b.getLong(3);
    long unchecked = skipped == 0 ? 0 : docsIn(exploded, buckets.where(col("size").gt(cap)));
    Dataset<Row> kept = buckets.where(col("size").leq(cap));
    int salts =
        split == 0
            ? 1
            : (int) Math.min(Integer.MAX_VALUE, (Math.min(largest, cap) + sub - 1) / sub);
    Dataset<Row> edges =
        Lineage.cut(
            (split == 0 ? starEdges(exploded, kept) : saltedEdges(exploded, kept, salts, opts))
                .distinct(),
            opts);
    Lineage.release(buckets);
    long n = edges.count();
    LOG.info(
        "lsh: {} multi-doc buckets (largest {}), {} split into {} sub-buckets (> {} docs), {} skipped"
            + " (> max_bucket_size {}) holding {} docs, {} candidate edges",
        multi,
        largest,
        split,
        salts,
        sub,
        skipped,
        opts.maxBucketSize(),
        unchecked,
        n);
    return new Result(edges, multi, split, salts, largest, skipped, unchecked, n);
  }

  /** Member → bucket min. Big side streamed, unique bucket side buffered. */
  private static Dataset<Row> starEdges(Dataset<Row> exploded, Dataset<Row> buckets) {
    return exploded
        .join(buckets, new String[] {"band", "key"})
        .where(col(Cols.NODE).notEqual(col("bmin")))
        .select(col(Cols.NODE).as(Cols.SRC), col("bmin").as(Cols.DST));
  }

  /**
   * Two-level star: member → sub-bucket min (bucket min for buckets up to subBucketSize), and
   * sub-bucket min → bucket min. Joins are keyed by (band, key, salt), so a hot bucket spreads over
   * {@code salts} keys.
   */
  private static Dataset<Row> saltedEdges(
      Dataset<Row> exploded, Dataset<Row> buckets, int salts, DedupOptions opts) {
    Column salt = pmod(xxhash64(col(Cols.NODE), lit(opts.seed())), lit((long) salts)).as("salt");
    Dataset<Row> salted = exploded.select(col(Cols.NODE), col("band"), col("key"), salt);
    // At most `salts` rows per bucket: a small side whatever the skew.
    Dataset<Row> subs =
        salted
            .groupBy("band", "key", "salt")
            .agg(min(Cols.NODE).as("smin"))
            .join(buckets, new String[] {"band", "key"});
    Column big = col("size").gt(opts.subBucketSize());
    Dataset<Row> members =
        salted
            .join(subs, new String[] {"band", "key", "salt"})
            .select(
                col(Cols.NODE).as(Cols.SRC),
                when(big, col("smin")).otherwise(col("bmin")).as(Cols.DST));
    Dataset<Row> chain = subs.where(big).select(col("smin").as(Cols.SRC), col("bmin").as(Cols.DST));
    return members.union(chain).where(col(Cols.SRC).notEqual(col(Cols.DST)));
  }

  /** Distinct docs of the given buckets. */
  private static long docsIn(Dataset<Row> exploded, Dataset<Row> buckets) {
    return exploded
        .join(buckets.select("band", "key"), new String[] {"band", "key"})
        .agg(countDistinct(Cols.NODE))
        .first()
        .getLong(0);
  }
}
