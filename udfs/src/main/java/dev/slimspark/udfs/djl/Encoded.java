package dev.slimspark.udfs.djl;

/**
 * One text's encoder output: the L2-normalized mean-pooled embedding, how many tokens the model
 * processed (after truncation, special tokens included), and whether the text was truncated to the
 * model's max length.
 */
public record Encoded(float[] vector, int tokens, boolean truncated) {}
