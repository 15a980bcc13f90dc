package dev.slimspark.jobs.stats;

import dev.slimspark.lake.Table;
import java.util.List;

/**
 * Which catalog tables stats always writes and which depending on config, and the names of document
 * sets and pseudo-sources in them. The stats tables are small aggregates (rows grow with sources x
 * reasons x bins, never with documents) and each is rewritten whole on every run.
 */
public final class StatsTables {
  /** Every table the stats stage always writes, in report order (the report requires them). */
  public static final List<Table> ALL =
      List.of(
          Table.STATS_SOURCES,
          Table.STATS_HISTOGRAMS,
          Table.STATS_FUNNEL,
          Table.STATS_RECONCILE,
          Table.STATS_LANGUAGES,
          Table.STATS_DUP_CLUSTER_SIZES,
          Table.STATS_DUP_TOP_CLUSTERS);

  /** Stats tables written depending on config; the report shows them when present. */
  public static final List<Table> OPTIONAL = List.of(Table.STATS_LINGUISTIC, Table.STATS_DECON);

  /** Document sets (the {@code stage} column): which documents a row describes. */
  public static final String INGESTED = "ingested";

  public static final String KEPT_BY_FILTER = "kept_by_filter";
  public static final String KEPT_BY_DEDUP = "kept_by_dedup";

  /** Pseudo-source of input lines that never became documents (blank and quarantined lines). */
  public static final String NO_SOURCE = "(no source)";

  private StatsTables() {}
}
