package dev.slimspark.udfs.djl;

/**
 * One text's encoder output: the L2-normalized pooled embedding (or a classifier's raw logits), how
 * many tokens the model processed (after truncation, special tokens included), whether the text was
 * truncated to the model's max length, and the token ids the model saw (null where not kept).
 */
public record Encoded(float[] vector, int tokens, boolean truncated, long[] ids) {
  public Encoded(float[] vector, int tokens, boolean truncated) {
    this(vector, tokens, truncated, null);
  }
}
