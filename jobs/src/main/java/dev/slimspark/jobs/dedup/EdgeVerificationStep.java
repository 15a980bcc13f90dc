package dev.slimspark.jobs.dedup;

import static org.apache.spark.sql.functions.col;

import dev.slimspark.jobs.dedup.DedupOptions.Verification;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops candidate edges whose similarity is below the threshold: signature estimate (cheap) or
 * exact shingle-set Jaccard (re-shingles both texts of every edge; the bucket minimum's text is
 * joined once per edge, so a giant bucket means a skewed join of text). With NONE every candidate
 * edge is kept and {@code sim} is null.
 *
 * <p>Output {@code (src, dst, sim)}, checkpointed.
 */
public final class EdgeVerificationStep {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeVerificationStep.class);

  /** Verified edges plus counts. */
  public record Result(Dataset<Row> edges, long kept, long rejected) {}

  private EdgeVerificationStep() {}

  public static Result run(
      Dataset<Row> candidates,
      long candidateCount,
      Dataset<Row> signatures,
      Dataset<Row> texts,
      DedupOptions opts) {
    if (opts.verification() == Verification.NONE) {
      return new Result(
          candidates.withColumn(Cols.SIM, org.apache.spark.sql.functions.lit(null).cast("double")),
          candidateCount,
          0);
    }
    boolean exact = opts.verification() == Verification.EXACT;
    Dataset<Row> verified =
        Lineage.cut(
            PairSimilarity.compute(candidates, signatures, texts, opts, exact)
                .where(col(Cols.SIM).geq(opts.threshold()))
                .select(Cols.SRC, Cols.DST, Cols.SIM),
            opts);
    long kept = verified.count();
    LOG.info(
        "verification {}: {} of {} candidate edges kept (sim >= {})",
        opts.verification(),
        kept,
        candidateCount,
        opts.threshold());
    return new Result(verified, kept, candidateCount - kept);
  }
}
