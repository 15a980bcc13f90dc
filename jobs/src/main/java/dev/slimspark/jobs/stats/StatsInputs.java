package dev.slimspark.jobs.stats;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.decon.DeconOptions;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The tables stats describes, as Datasets: the statistics classes take these, never a lake, so they
 * run on any Datasets of the tables' shapes. docs_tokens and packed_rows are null when the lake has
 * none (stats also describes a lake that stopped after dedup); the three decontaminate tables are
 * null unless decontamination is part of this lake's corpus ({@code deconNote} then says why not).
 */
public record StatsInputs(
    Dataset<Row> docsFiltered,
    Dataset<Row> docsDedup,
    Dataset<Row> ingestFiles,
    Dataset<Row> docsRaw,
    Dataset<Row> ingestQuarantine,
    Dataset<Row> dupClusters,
    Dataset<Row> docsTokens,
    Dataset<Row> packedRows,
    Dataset<Row> docsDecon,
    Dataset<Row> deconHits,
    Dataset<Row> deconSummary,
    String deconNote) {

  /** Tables the decontaminate stage writes; stats reads them all or none. */
  static final java.util.List<Table> DECON_TABLES =
      java.util.List.of(Table.DOCS_DECON, Table.DECON_HITS, Table.DECON_SUMMARY);

  /**
   * Reads every input through the catalog; a missing required table is the usual "run X first"
   * error, docs_filtered and docs_dedup checked first as stats always did. The decontaminate tables
   * are read by the rule tokenize follows ({@link DeconOptions#docsTable}): only when eval sets are
   * configured, so tables left by an earlier configuration are not reported as if they had cleaned
   * the corpus.
   */
  public static StatsInputs read(Lake lake, SlimConfig config) {
    boolean configured =
        DeconOptions.docsTable(Table.DOCS_DEDUP.id(), config).equals(Table.DOCS_DECON.id());
    boolean present = DECON_TABLES.stream().allMatch(lake::exists);
    String note = null;
    if (!configured) {
      note = "not run: no eval sets configured (decontaminate.eval_sets)";
    } else if (!present) {
      note = "not run: eval sets are configured but the decontaminate tables are missing";
    }
    return new StatsInputs(
        lake.read(Table.DOCS_FILTERED),
        lake.read(Table.DOCS_DEDUP),
        lake.read(Table.INGEST_FILES),
        lake.read(Table.DOCS_RAW),
        lake.read(Table.INGEST_QUARANTINE),
        lake.read(Table.DUP_CLUSTERS),
        lake.exists(Table.DOCS_TOKENS) ? lake.read(Table.DOCS_TOKENS) : null,
        lake.exists(Table.PACKED_ROWS) ? lake.read(Table.PACKED_ROWS) : null,
        note == null ? lake.read(Table.DOCS_DECON) : null,
        note == null ? lake.read(Table.DECON_HITS) : null,
        note == null ? lake.read(Table.DECON_SUMMARY) : null,
        note);
  }

  public boolean hasTokens() {
    return docsTokens != null;
  }

  public boolean hasPackedRows() {
    return packedRows != null;
  }

  /** Whether decontaminate ran for this corpus: its documents are then the funnel's kept ones. */
  public boolean hasDecon() {
    return deconNote == null;
  }
}
