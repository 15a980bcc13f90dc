package dev.slimspark.lake;

import dev.slimspark.config.SlimConfig;

/**
 * Where the lake is: the only reader of the top-level {@code lake} key. Every stage, {@code sql}
 * and the demo open the lake through it. {@link Lake} checks the root when it opens it.
 *
 * @param root directory or URI (file:, s3a://, hdfs://) under which every Delta table lives; a
 *     relative path resolves against the working directory, so two shells can see two lakes
 */
public record LakeOptions(String root) {
  /** The working directory's {@code lake}: fine for a try-out, wrong for anything shared. */
  public static final String DEFAULT_ROOT = "lake";

  /** The key this class reads. */
  public static final String KEY = "lake";

  public static LakeOptions from(SlimConfig c) {
    return new LakeOptions(c.getString(KEY));
  }
}
