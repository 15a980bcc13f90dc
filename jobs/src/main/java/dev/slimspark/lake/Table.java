package dev.slimspark.lake;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The table catalog: every Delta table slimspark writes into a lake, with the stage that writes it
 * (named in the "run X first" message when the table is missing), the file under {@code
 * data-schemas/} that documents its columns, and its partition columns. Code names a pipeline table
 * only through this catalog; a table name given in config ({@code tokenize.input_table}) is looked
 * up here with {@link #named(String)}.
 */
public enum Table {
  DOCS_RAW("docs_raw", "ingest"),
  INGEST_QUARANTINE("ingest_quarantine", "ingest"),
  INGEST_FILES("ingest_files", "ingest"),
  DOCS_FILTERED("docs_filtered", "filter", "kept"),
  DOCS_DEDUP("docs_dedup", "dedup"),
  DUP_CLUSTERS("dup_clusters", "dedup"),
  DEDUP_SIGNATURES("dedup_signatures", "dedup"),
  DEDUP_SUMMARY("dedup_summary", "dedup"),
  DOCS_DECON("docs_decon", "decontaminate"),
  DECON_HITS("decon_hits", "decontaminate"),
  DECON_SUMMARY("decon_summary", "decontaminate"),
  DOCS_TOKENS("docs_tokens", "tokenize"),
  PACKED_ROWS("packed_rows", "pack", "split", "shard_id"),
  LABELS("labels", "label"),
  LABEL_EVAL("label_eval", "evaluate"),
  /** One row per stage run, appended by the runner after every stage ({@link #ANY_STAGE}). */
  RUNS("runs", Table.ANY_STAGE),
  STATS_SOURCES("stats_sources", "stats"),
  STATS_HISTOGRAMS("stats_histograms", "stats"),
  STATS_FUNNEL("stats_funnel", "stats"),
  STATS_RECONCILE("stats_reconcile", "stats"),
  STATS_LANGUAGES("stats_languages", "stats"),
  STATS_DUP_CLUSTER_SIZES("stats_dup_cluster_sizes", "stats"),
  STATS_DUP_TOP_CLUSTERS("stats_dup_top_clusters", "stats"),
  /**
   * Sentences and tokens by Spark NLP (a seeded sample by default). Optional: not written while
   * stats.linguistic.sample_docs_per_source = 0, emptied when turned off after a run wrote it.
   */
  STATS_LINGUISTIC("stats_linguistic", "stats");

  /** The producer of a table that every stage writes to (the runs table), not one command. */
  public static final String ANY_STAGE = "any stage";

  /** The directory under the repository root that holds one {@code TABLE.json} per table. */
  public static final String SCHEMA_DIR = "data-schemas";

  private final String id;
  private final String producer;
  private final List<String> partitionBy;

  Table(String id, String producer, String... partitionBy) {
    this.id = id;
    this.producer = producer;
    this.partitionBy = List.of(partitionBy);
  }

  /** The table's name: its directory under the lake root and its name in {@code slimspark sql}. */
  public String id() {
    return id;
  }

  /** The stage ({@code Stage.name()}) that writes this table, or {@link #ANY_STAGE}. */
  public String producer() {
    return producer;
  }

  /** The file, relative to the repository root, that documents this table's columns. */
  public String schemaFile() {
    return SCHEMA_DIR + "/" + id + ".json";
  }

  /** Partition columns the table is written with, in order; empty when it is not partitioned. */
  public List<String> partitionBy() {
    return partitionBy;
  }

  /** The catalog entry of a table name, empty for a name no stage writes (a user's own table). */
  public static Optional<Table> named(String id) {
    return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
  }

  /**
   * What the missing-table message names as the writer of {@code id}: the catalog's producer, or
   * "the stage that writes ID" for a table outside the catalog.
   */
  public static String producerOf(String id) {
    return named(id).map(Table::producer).orElse("the stage that writes " + id);
  }

  /** The names of {@code tables}, in order. */
  public static List<String> ids(List<Table> tables) {
    return tables.stream().map(Table::id).toList();
  }

  @Override
  public String toString() {
    return id;
  }
}
