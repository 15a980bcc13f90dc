package dev.slimspark.jobs.stats;

import java.util.List;

/**
 * Names of the tables stats reads and writes. The stats tables are small aggregates (rows grow with
 * sources x reasons x bins, never with documents) and each is rewritten whole on every run.
 */
public final class StatsTables {
  public static final String SOURCES = "stats_sources";
  public static final String HISTOGRAMS = "stats_histograms";
  public static final String FUNNEL = "stats_funnel";
  public static final String RECONCILE = "stats_reconcile";
  public static final String LANGUAGES = "stats_languages";
  public static final String CLUSTER_SIZES = "stats_dup_cluster_sizes";
  public static final String TOP_CLUSTERS = "stats_dup_top_clusters";

  /**
   * Sentences and tokens by Spark NLP (a seeded sample by default). Optional: not written while
   * stats.linguistic.sample_docs_per_source = 0, emptied when turned off after a run wrote it.
   */
  public static final String LINGUISTIC = "stats_linguistic";

  /** Every table the stats stage always writes, in report order (the report requires them). */
  public static final List<String> ALL =
      List.of(SOURCES, HISTOGRAMS, FUNNEL, RECONCILE, LANGUAGES, CLUSTER_SIZES, TOP_CLUSTERS);

  /** Stats tables written depending on config; the report shows them when present. */
  public static final List<String> OPTIONAL = List.of(LINGUISTIC);

  // Inputs written by other stages. The optional ones may be absent: stats then leaves their
  // columns null and the report says "not run yet".
  public static final String DOCS_RAW = "docs_raw";
  public static final String QUARANTINE = "ingest_quarantine";
  public static final String FILES = "ingest_files";
  public static final String FILTERED = "docs_filtered";
  public static final String DEDUP = "docs_dedup";
  public static final String CLUSTERS = "dup_clusters";
  public static final String TOKENS = "docs_tokens";
  public static final String PACKED = "packed_rows";
  public static final String LABELS = "labels";
  public static final String LABEL_EVAL = "label_eval";

  /** Document sets (the {@code stage} column): which documents a row describes. */
  public static final String INGESTED = "ingested";
  public static final String KEPT_BY_FILTER = "kept_by_filter";
  public static final String KEPT_BY_DEDUP = "kept_by_dedup";

  /** Pseudo-source of input lines that never became documents (blank and quarantined lines). */
  public static final String NO_SOURCE = "(no source)";

  private StatsTables() {}
}
