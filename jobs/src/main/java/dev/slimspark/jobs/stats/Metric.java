package dev.slimspark.jobs.stats;

import java.util.List;

/**
 * A per-document number that stats histograms: its column in docs_filtered (or docs_tokens), its
 * unit as charts label it, and its fixed {@link Bins}.
 *
 * @param name column name, also the {@code metric} value in stats_histograms
 * @param unit what one unit of the value is ("bytes", "words", "ratio", ...)
 * @param bins fixed bins
 */
public record Metric(String name, String unit, Bins bins) {

  /**
   * Length metrics: histogrammed for every document set (ingested, kept by filter, kept by dedup).
   */
  public static final List<Metric> LENGTHS =
      List.of(
          new Metric("byte_length", "bytes", Bins.log2()),
          new Metric("char_count", "characters", Bins.log2()),
          new Metric("word_count", "words", Bins.log2()));

  /**
   * Quality signals of the filter stage, histogrammed over every ingested document. Ratio bins are
   * 0.05 wide except symbol_ratio (0.01, the Gopher threshold is 0.1).
   */
  public static final List<Metric> SIGNALS =
      List.of(
          new Metric("line_count", "lines", Bins.log2()),
          new Metric("mean_word_length", "characters", Bins.linear(0, 1, 20)),
          new Metric("symbol_ratio", "symbols per word", Bins.linear(0, 0.01, 30)),
          new Metric("bullet_line_ratio", "share of lines", Bins.closed(0, 0.05, 20)),
          new Metric("ellipsis_line_ratio", "share of lines", Bins.closed(0, 0.05, 20)),
          new Metric("alpha_word_ratio", "share of words", Bins.closed(0, 0.05, 20)),
          new Metric("stop_word_count", "words", Bins.log2()),
          new Metric("slimpajama_chars", "characters", Bins.log2()),
          new Metric("language_confidence", "probability", Bins.closed(0, 0.05, 20)));

  /** Tokens per document (docs_tokens.token_count), only when the tokenize stage has run. */
  public static final Metric TOKENS = new Metric("token_count", "tokens", Bins.log2());
}
