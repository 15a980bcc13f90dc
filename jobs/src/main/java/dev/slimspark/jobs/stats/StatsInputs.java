package dev.slimspark.jobs.stats;

import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The tables stats describes, as Datasets: the statistics classes take these, never a lake, so they
 * run on any Datasets of the tables' shapes. docs_tokens and packed_rows are null when the lake has
 * none (stats also describes a lake that stopped after dedup).
 */
public record StatsInputs(
    Dataset<Row> docsFiltered,
    Dataset<Row> docsDedup,
    Dataset<Row> ingestFiles,
    Dataset<Row> docsRaw,
    Dataset<Row> ingestQuarantine,
    Dataset<Row> dupClusters,
    Dataset<Row> docsTokens,
    Dataset<Row> packedRows) {

  /**
   * Reads every input through the catalog; a missing required table is the usual "run X first"
   * error, docs_filtered and docs_dedup checked first as stats always did.
   */
  public static StatsInputs read(Lake lake) {
    return new StatsInputs(
        lake.read(Table.DOCS_FILTERED),
        lake.read(Table.DOCS_DEDUP),
        lake.read(Table.INGEST_FILES),
        lake.read(Table.DOCS_RAW),
        lake.read(Table.INGEST_QUARANTINE),
        lake.read(Table.DUP_CLUSTERS),
        lake.exists(Table.DOCS_TOKENS) ? lake.read(Table.DOCS_TOKENS) : null,
        lake.exists(Table.PACKED_ROWS) ? lake.read(Table.PACKED_ROWS) : null);
  }

  public boolean hasTokens() {
    return docsTokens != null;
  }

  public boolean hasPackedRows() {
    return packedRows != null;
  }
}
