package dev.slimspark.jobs.dedup;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.lake.Table;
import dev.slimspark.udfs.minhash.LshParams;
import dev.slimspark.udfs.minhash.Normalization;
import dev.slimspark.udfs.minhash.ShingleType;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * Typed, immutable options of the dedup pipeline. Every field has a DEFAULT_ constant; build with
 * {@link #builder()}. Serializable: steps capture it in executor closures.
 */
public final class DedupOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Near-duplicate Jaccard threshold on shingle sets (SlimPajama: 0.8). */
  public static final double DEFAULT_THRESHOLD = 0.8;

  /** MinHash permutations; signature storage is 8 bytes each per surviving document. */
  public static final int DEFAULT_NUM_PERM = 128;

  /** Character shingles work for every script, including CJK without spaces. */
  public static final ShingleType DEFAULT_SHINGLE_TYPE = ShingleType.CHAR;

  /** 0 means the type's default: 13 for CHAR (SlimPajama), 5 for WORD. */
  public static final int DEFAULT_SHINGLE_SIZE = 0;

  public static final Normalization DEFAULT_NORMALIZATION = Normalization.SLIMPAJAMA;

  /** Seeds shingle hashes, permutations and band keys; change it and every signature changes. */
  public static final long DEFAULT_SEED = 42L;

  /** Signature verification removes LSH false positives at no text cost. */
  public static final Verification DEFAULT_VERIFICATION = Verification.SIGNATURE;

  /** 0 means "choose by {@link LshParams#optimal}". */
  public static final int DEFAULT_BANDS = 0;

  public static final int DEFAULT_ROWS = 0;

  /**
   * Weights of the false-positive and false-negative areas: lean to recall (12 x 10 at t = 0.8).
   */
  public static final double DEFAULT_FP_WEIGHT = 0.2;

  public static final double DEFAULT_FN_WEIGHT = 0.8;

  /**
   * 0 (default): no bucket is ever skipped. Above 0, buckets with more members are skipped, and
   * they and the docs they held are counted and reported (lost recall there: exactly the
   * boilerplate dedup exists to catch). Hot buckets need no cap: see {@link
   * #DEFAULT_SUB_BUCKET_SIZE}.
   */
  public static final int DEFAULT_MAX_BUCKET_SIZE = 0;

  /**
   * Buckets with more members are split into sub-buckets of about this many, chained through their
   * minimum (a two-level star, still linear): bounds the rows any one join key or task holds.
   */
  public static final int DEFAULT_SUB_BUCKET_SIZE = 10_000;

  /** Large-star/small-star needs O(log^2 n) rounds; exceeding the cap fails the run. */
  public static final int DEFAULT_MAX_CC_ITERATIONS = 50;

  /** EXACT verification falls back to the signature estimate above this many chars per text. */
  public static final int DEFAULT_EXACT_VERIFY_MAX_CHARS = 2_000_000;

  /** {@code dedup.input_table}: the table dedup reads. */
  public static final String DEFAULT_INPUT_TABLE = Table.DOCS_FILTERED.id();

  /** {@code dedup.mode}: full or incremental. */
  public static final String DEFAULT_MODE = "full";

  /** {@code dedup.checkpoint}: auto (local in local mode, else reliable), local or reliable. */
  public static final String DEFAULT_CHECKPOINT = "auto";

  /** {@code dedup.source_priority}: none, the earliest doc wins. */
  public static final List<String> DEFAULT_SOURCE_PRIORITY = List.of();

  /** How candidate edges from LSH are confirmed before they join clusters. */
  public enum Verification {
    /** Keep every LSH candidate edge (fast; false positives become removals). */
    NONE,
    /** Keep an edge when the signature-estimated Jaccard is >= threshold. */
    SIGNATURE,
    /**
     * Keep an edge when the exact Jaccard of the two shingle sets is >= threshold (re-shingles).
     */
    EXACT
  }

  private final double threshold;
  private final int numPerm;
  private final ShingleType shingleType;
  private final int shingleSize;
  private final Normalization normalization;
  private final long seed;
  private final Verification verification;
  private final int bands;
  private final int rows;
  private final double fpWeight;
  private final double fnWeight;
  private final List<String> sourcePriority;
  private final int maxBucketSize;
  private final int subBucketSize;
  private final int maxCcIterations;
  private final int exactVerifyMaxChars;
  private final boolean reliableCheckpoint;

  /** Through {@link DedupOptionsBuilder#build()}; validates the combination. */
  DedupOptions(DedupOptionsBuilder b) {
    this.threshold = b.threshold;
    this.numPerm = b.numPerm;
    this.shingleType = Objects.requireNonNull(b.shingleType);
    this.shingleSize = b.shingleSize > 0 ? b.shingleSize : b.shingleType.defaultN();
    this.normalization = Objects.requireNonNull(b.normalization);
    this.seed = b.seed;
    this.verification = Objects.requireNonNull(b.verification);
    this.bands = b.bands;
    this.rows = b.rows;
    this.fpWeight = b.fpWeight;
    this.fnWeight = b.fnWeight;
    this.sourcePriority = List.copyOf(b.sourcePriority);
    this.maxBucketSize = b.maxBucketSize;
    this.subBucketSize = b.subBucketSize;
    this.maxCcIterations = b.maxCcIterations;
    this.exactVerifyMaxChars = b.exactVerifyMaxChars;
    this.reliableCheckpoint = b.reliableCheckpoint;
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException("threshold must be in (0,1): " + threshold);
    }
    if (numPerm < 1 || maxCcIterations < 1 || exactVerifyMaxChars < 1) {
      throw new IllegalArgumentException(
          "numPerm, maxCcIterations, exactVerifyMaxChars out of range");
    }
    if (maxBucketSize == 1 || maxBucketSize < 0 || subBucketSize < 2) {
      throw new IllegalArgumentException(
          "max_bucket_size must be 0 (no limit) or >= 2, sub_bucket_size >= 2: "
              + maxBucketSize
              + ", "
              + subBucketSize);
    }
    if ((bands == 0) != (rows == 0)) {
      throw new IllegalArgumentException("set both bands and rows, or neither");
    }
    if (sourcePriority.size() != sourcePriority.stream().distinct().count()) {
      throw new IllegalArgumentException("sourcePriority has duplicates: " + sourcePriority);
    }
  }

  /**
   * Typed options from the dedup.* keys. {@code localMaster}: whether the session runs in local
   * mode, where {@code dedup.checkpoint = auto} means local checkpoints (on a cluster: reliable).
   */
  public static DedupOptions from(SlimConfig c, boolean localMaster) {
    String n = "dedup.near.";
    double t = c.getDouble(n + "threshold");
    if (!(t > 0 && t < 1)) {
      throw UserErrors.badConfigValue(
          n + "threshold", Double.toString(t), "strictly between 0 and 1");
    }
    DedupOptionsBuilder b =
        builder()
            .threshold(t)
            .numPerm(c.getInt(n + "num_perm"))
            .shingleType(ShingleType.parse(c.getEnum(n + "shingle", "char", "word")))
            .normalization(
                Normalization.parse(c.getEnum("dedup.normalization", "slimpajama", "as-is")))
            .seed(c.getInt("dedup.seed"))
            .verification(
                Verification.valueOf(
                    c.getEnum(n + "verification", "none", "signature", "exact")
                        .toUpperCase(java.util.Locale.ROOT)))
            .errorWeights(c.getDouble(n + "fp_weight"), c.getDouble(n + "fn_weight"))
            .sourcePriority(c.getStringList("dedup.source_priority"))
            .maxBucketSize(c.getInt(n + "max_bucket_size"))
            .subBucketSize(c.getInt(n + "sub_bucket_size"))
            .maxCcIterations(c.getInt(n + "max_cc_iterations"));
    String checkpoint = c.getEnum("dedup.checkpoint", "auto", "local", "reliable");
    b.reliableCheckpoint(
        checkpoint.equals("reliable") || (checkpoint.equals("auto") && !localMaster));
    if (c.getInt(n + "shingle_size") > 0) {
      b.shingleSize(c.getInt(n + "shingle_size"));
    }
    int bands = c.getInt(n + "bands");
    int rows = c.getInt(n + "rows");
    if (bands > 0 || rows > 0) {
      if (bands <= 0 || rows <= 0 || (long) bands * rows > c.getInt(n + "num_perm")) {
        throw UserErrors.badConfigValue(
            n + "bands/rows",
            bands + " x " + rows,
            "both > 0 with bands * rows <= num_perm (or both 0 to choose automatically)");
      }
      b.bandsAndRows(bands, rows);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw UserErrors.of(
          "The dedup options are inconsistent.", e.getMessage(), "Fix the dedup.* keys.");
    }
  }

  /** {@code dedup.input_table}: the table dedup reads (docs_filtered by default). */
  public static String inputTable(SlimConfig c) {
    return c.getString("dedup.input_table");
  }

  /** {@code dedup.mode}: true for incremental, false for full. */
  public static boolean incremental(SlimConfig c) {
    return c.getEnum("dedup.mode", "full", "incremental").equals("incremental");
  }

  public static DedupOptions defaults() {
    return builder().build();
  }

  public static DedupOptionsBuilder builder() {
    return new DedupOptionsBuilder();
  }

  /** The LSH banding: explicit (bands, rows) if set, else the weighted-area optimum. */
  public LshParams lshParams() {
    return bands > 0
        ? LshParams.explicit(bands, rows, numPerm)
        : LshParams.optimal(threshold, numPerm, fpWeight, fnWeight);
  }

  /**
   * Canonical string of every option that determines a stored signature, band key or duplicate
   * decision: threshold, num_perm, shingle type/size, normalization, seed and the resolved banding.
   * Incremental dedup refuses to extend a corpus whose signatures were made under another key (they
   * would not be comparable). Verification, weights and source priority are not in it: they do not
   * change stored rows (weights only through the banding, which is in it).
   */
  public String signatureKey() {
    LshParams p = lshParams();
    return "threshold="
        + threshold
        + ", num_perm="
        + numPerm
        + ", shingle="
        + shingleType.name().toLowerCase(java.util.Locale.ROOT)
        + "/"
        + shingleSize
        + ", normalization="
        + normalization.configName()
        + ", seed="
        + seed
        + ", bands="
        + p.bands()
        + ", rows="
        + p.rows();
  }

  /** Rank of a source in the priority list (0 = most preferred); unlisted sources rank last. */
  public int priorityOf(String source) {
    int i = sourcePriority.indexOf(source);
    return i < 0 ? sourcePriority.size() : i;
  }

  public double threshold() {
    return threshold;
  }

  public int numPerm() {
    return numPerm;
  }

  public ShingleType shingleType() {
    return shingleType;
  }

  public int shingleSize() {
    return shingleSize;
  }

  public Normalization normalization() {
    return normalization;
  }

  public long seed() {
    return seed;
  }

  public Verification verification() {
    return verification;
  }

  public int bands() {
    return bands;
  }

  public int rows() {
    return rows;
  }

  public double fpWeight() {
    return fpWeight;
  }

  public double fnWeight() {
    return fnWeight;
  }

  public List<String> sourcePriority() {
    return sourcePriority;
  }

  /** 0 = no limit. */
  public int maxBucketSize() {
    return maxBucketSize;
  }

  public int subBucketSize() {
    return subBucketSize;
  }

  public int maxCcIterations() {
    return maxCcIterations;
  }

  public int exactVerifyMaxChars() {
    return exactVerifyMaxChars;
  }

  public boolean reliableCheckpoint() {
    return reliableCheckpoint;
  }

  @Override
  public String toString() {
    return "DedupOptions{threshold="
        + threshold
        + ", numPerm="
        + numPerm
        + ", shingle="
        + shingleType
        + "/"
        + shingleSize
        + ", normalization="
        + normalization.configName()
        + ", seed="
        + seed
        + ", verification="
        + verification
        + ", bands="
        + bands
        + ", rows="
        + rows
        + ", weights="
        + fpWeight
        + "/"
        + fnWeight
        + ", sourcePriority="
        + sourcePriority
        + ", maxBucketSize="
        + maxBucketSize
        + ", subBucketSize="
        + subBucketSize
        + ", maxCcIterations="
        + maxCcIterations
        + ", exactVerifyMaxChars="
        + exactVerifyMaxChars
        + ", reliableCheckpoint="
        + reliableCheckpoint
        + "}";
  }
}
