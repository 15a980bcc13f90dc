package dev.slimspark.jobs.stats;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;

/**
 * The validated {@code stats.*} settings; the only reader of those keys. Each DEFAULT_ constant
 * equals slimspark-defaults.conf (checked by StatsOptionsTest), which explains every key.
 *
 * @param percentileAccuracy approx_percentile accuracy: rank error <= documents / accuracy; groups
 *     below about accuracy / 2 documents are exact. Memory per group grows with it (>= 100)
 * @param topClusters how many of the largest duplicate clusters stats_dup_top_clusters lists
 * @param examplePrefixChars characters of each listed cluster's kept text shown as its example
 * @param parallelWrites stats tables written at once (concurrent Spark jobs); 1 = one by one
 * @param linguisticSampleDocsPerSource Spark NLP sample per source: N, 0 = off, -1 = every kept
 *     document. Risk: Spark NLP costs ~3 s of task CPU per sampled MB, so -1 on a large corpus
 *     takes hours
 * @param linguisticSeed seed of that sample
 * @param linguisticMaxChars characters of each document given to Spark NLP (>= 1)
 */
public record StatsOptions(
    int percentileAccuracy,
    int topClusters,
    int examplePrefixChars,
    int parallelWrites,
    int linguisticSampleDocsPerSource,
    int linguisticSeed,
    int linguisticMaxChars) {

  public static final int DEFAULT_PERCENTILE_ACCURACY = 10_000;
  public static final int DEFAULT_TOP_CLUSTERS = 20;
  public static final int DEFAULT_EXAMPLE_PREFIX_CHARS = 160;

  /** Small tables: each write is mostly driver latency, so four overlap well. */
  public static final int DEFAULT_PARALLEL_WRITES = 4;

  /** ~8 MB / ~30 s of Spark NLP on the 7 RedPajama sources, ~7 % relative error per source. */
  public static final int DEFAULT_LINGUISTIC_SAMPLE_DOCS_PER_SOURCE = 200;

  public static final int DEFAULT_LINGUISTIC_SEED = 42;

  /** One huge document cannot blow a task. */
  public static final int DEFAULT_LINGUISTIC_MAX_CHARS = 20_000;

  /** The smallest accepted percentile accuracy. */
  static final int MIN_PERCENTILE_ACCURACY = 100;

  public StatsOptions {
    if (percentileAccuracy < MIN_PERCENTILE_ACCURACY) {
      throw UserErrors.badConfigValue(
          "stats.percentile_accuracy",
          Integer.toString(percentileAccuracy),
          "at least " + MIN_PERCENTILE_ACCURACY);
    }
    if (linguisticSampleDocsPerSource < LinguisticStats.FULL_TABLE) {
      throw UserErrors.badConfigValue(
          "stats.linguistic.sample_docs_per_source",
          Integer.toString(linguisticSampleDocsPerSource),
          "a number of documents per source, 0 (off) or -1 (every kept document)");
    }
    if (linguisticMaxChars < 1) {
      throw UserErrors.badConfigValue(
          "stats.linguistic.max_chars", Integer.toString(linguisticMaxChars), "at least 1");
    }
  }

  public static StatsOptions defaults() {
    return new StatsOptions(
        DEFAULT_PERCENTILE_ACCURACY,
        DEFAULT_TOP_CLUSTERS,
        DEFAULT_EXAMPLE_PREFIX_CHARS,
        DEFAULT_PARALLEL_WRITES,
        DEFAULT_LINGUISTIC_SAMPLE_DOCS_PER_SOURCE,
        DEFAULT_LINGUISTIC_SEED,
        DEFAULT_LINGUISTIC_MAX_CHARS);
  }

  /** The stats.* keys of {@code c}; bad values are user errors naming the key. */
  public static StatsOptions from(SlimConfig c) {
    return new StatsOptions(
        c.getInt("stats.percentile_accuracy"),
        c.getInt("stats.top_clusters"),
        c.getInt("stats.example_prefix_chars"),
        c.getInt("stats.parallel_writes"),
        c.getInt("stats.linguistic.sample_docs_per_source"),
        c.getInt("stats.linguistic.seed"),
        c.getInt("stats.linguistic.max_chars"));
  }

  /** Whether stats_linguistic is computed (else emptied if an earlier run wrote it). */
  public boolean linguisticOn() {
    return linguisticSampleDocsPerSource != 0;
  }
}
