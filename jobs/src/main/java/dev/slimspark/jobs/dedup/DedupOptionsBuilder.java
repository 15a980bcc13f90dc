package dev.slimspark.jobs.dedup;

import static dev.slimspark.jobs.dedup.DedupOptions.DEFAULT_BANDS;
import static dev.slimspark.jobs.dedup.DedupOptions.DEFAULT_EXACT_VERIFY_MAX_CHARS;
import static dev.slimspark.jobs.dedup.DedupOptions.DEFAULT_FN_WEIGHT;
import static dev.slimspark.jobs.dedup.DedupOptions.DEFAULT_FP_WEIGHT;
import static dev.slimspark.jobs.dedup.DedupOptions.DEFAULT_MAX_BUCKET_SIZE;
import static dev.slimspark.jobs.dedup.DedupOptions.DEFAULT_MAX_CC_ITERATIONS;
import static dev.slimspark.jobs.dedup.DedupOptions.DEFAULT_NORMALIZATION;
import static dev.slimspark.jobs.dedup.DedupOptions.DEFAULT_NUM_PERM;
import static dev.slimspark.jobs.dedup.DedupOptions.DEFAULT_ROWS;
import static dev.slimspark.jobs.dedup.DedupOptions.DEFAULT_SEED;
import static dev.slimspark.jobs.dedup.DedupOptions.DEFAULT_SHINGLE_SIZE;
import static dev.slimspark.jobs.dedup.DedupOptions.DEFAULT_SHINGLE_TYPE;
import static dev.slimspark.jobs.dedup.DedupOptions.DEFAULT_SOURCE_PRIORITY;
import static dev.slimspark.jobs.dedup.DedupOptions.DEFAULT_SUB_BUCKET_SIZE;
import static dev.slimspark.jobs.dedup.DedupOptions.DEFAULT_THRESHOLD;
import static dev.slimspark.jobs.dedup.DedupOptions.DEFAULT_VERIFICATION;

import dev.slimspark.jobs.dedup.DedupOptions.Verification;
import dev.slimspark.udfs.minhash.Normalization;
import dev.slimspark.udfs.minhash.ShingleType;
import java.util.List;

/**
 * Mutable builder of {@link DedupOptions} ({@link DedupOptions#builder()}); unset fields take the
 * DEFAULT_ constants.
 */
public final class DedupOptionsBuilder {
  // Package-private: the DedupOptions constructor reads them.
  double threshold = DEFAULT_THRESHOLD;
  int numPerm = DEFAULT_NUM_PERM;
  ShingleType shingleType = DEFAULT_SHINGLE_TYPE;
  int shingleSize = DEFAULT_SHINGLE_SIZE;
  Normalization normalization = DEFAULT_NORMALIZATION;
  long seed = DEFAULT_SEED;
  Verification verification = DEFAULT_VERIFICATION;
  int bands = DEFAULT_BANDS;
  int rows = DEFAULT_ROWS;
  double fpWeight = DEFAULT_FP_WEIGHT;
  double fnWeight = DEFAULT_FN_WEIGHT;
  List<String> sourcePriority = DEFAULT_SOURCE_PRIORITY;
  int maxBucketSize = DEFAULT_MAX_BUCKET_SIZE;
  int subBucketSize = DEFAULT_SUB_BUCKET_SIZE;
  int maxCcIterations = DEFAULT_MAX_CC_ITERATIONS;
  int exactVerifyMaxChars = DEFAULT_EXACT_VERIFY_MAX_CHARS;
  boolean reliableCheckpoint;

  DedupOptionsBuilder() {}

  public DedupOptionsBuilder threshold(double v) {
    threshold = v;
    return this;
  }

  public DedupOptionsBuilder numPerm(int v) {
    numPerm = v;
    return this;
  }

  /** Shingle type; resets the size to the type's default unless {@link #shingleSize} follows. */
  public DedupOptionsBuilder shingleType(ShingleType v) {
    shingleType = v;
    shingleSize = 0;
    return this;
  }

  public DedupOptionsBuilder shingleSize(int v) {
    shingleSize = v;
    return this;
  }

  public DedupOptionsBuilder normalization(Normalization v) {
    normalization = v;
    return this;
  }

  public DedupOptionsBuilder seed(long v) {
    seed = v;
    return this;
  }

  public DedupOptionsBuilder verification(Verification v) {
    verification = v;
    return this;
  }

  /** Explicit banding (both > 0) instead of the optimum. */
  public DedupOptionsBuilder bandsAndRows(int b, int r) {
    bands = b;
    rows = r;
    return this;
  }

  public DedupOptionsBuilder errorWeights(double fp, double fn) {
    fpWeight = fp;
    fnWeight = fn;
    return this;
  }

  /**
   * Sources in decreasing preference; the kept doc of a cluster is the best-ranked, then smallest
   * doc_id.
   */
  public DedupOptionsBuilder sourcePriority(List<String> v) {
    sourcePriority = v;
    return this;
  }

  /** Skip (and report) buckets above v members; 0 = never skip. */
  public DedupOptionsBuilder maxBucketSize(int v) {
    maxBucketSize = v;
    return this;
  }

  /** Split buckets above v members into linked sub-buckets of about v. */
  public DedupOptionsBuilder subBucketSize(int v) {
    subBucketSize = v;
    return this;
  }

  public DedupOptionsBuilder maxCcIterations(int v) {
    maxCcIterations = v;
    return this;
  }

  public DedupOptionsBuilder exactVerifyMaxChars(int v) {
    exactVerifyMaxChars = v;
    return this;
  }

  /**
   * Reliable (checkpoint dir) instead of local checkpoints: survives executor loss, costs a write.
   */
  public DedupOptionsBuilder reliableCheckpoint(boolean v) {
    reliableCheckpoint = v;
    return this;
  }

  public DedupOptions build() {
    return new DedupOptions(this);
  }
}
