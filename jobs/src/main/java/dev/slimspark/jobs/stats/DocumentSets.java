package dev.slimspark.jobs.stats;

import static org.apache.spark.sql.functions.col;

import dev.slimspark.lake.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The document sets stats describes, all read from docs_filtered (which holds the signals) without
 * the text column: every ingested document, those the filter kept, and those dedup kept (a semi
 * join on docs_dedup's doc_id). When docs_tokens exists, the dedup set carries token_count. Nothing
 * is cached: each aggregate re-reads the few needed Parquet columns.
 */
final class DocumentSets {
  private final Map<String, Dataset<Row>> sets = new LinkedHashMap<>();
  private final boolean hasTokens;

  DocumentSets(StatsInputs in) {
    Dataset<Row> filtered = in.docsFiltered();
    List<Column> cols = new ArrayList<>();
    for (String c : List.of("doc_id", "source", "kept")) {
      cols.add(col(c));
    }
    for (Metric m : Metric.LENGTHS) {
      cols.add(col(m.name()));
    }
    for (Metric m : Metric.SIGNALS) {
      cols.add(col(m.name()));
    }
    Dataset<Row> all = filtered.select(cols.toArray(new Column[0]));
    Dataset<Row> dedupIds = in.docsDedup().select("doc_id");
    Dataset<Row> dedup =
        all.join(dedupIds, all.col("doc_id").equalTo(dedupIds.col("doc_id")), "left_semi");
    hasTokens = in.hasTokens();
    if (hasTokens) {
      Dataset<Row> tokens = in.docsTokens().select("doc_id", "token_count");
      dedup = dedup.join(tokens, new String[] {"doc_id"}, "left");
    }
    sets.put(StatsTables.INGESTED, all);
    sets.put(StatsTables.KEPT_BY_FILTER, all.where(col("kept")));
    sets.put(StatsTables.KEPT_BY_DEDUP, dedup);
  }

  /** Stage name → documents, in funnel order. */
  Map<String, Dataset<Row>> sets() {
    return sets;
  }

  /** Whether docs_tokens exists (token columns are then filled for kept_by_dedup). */
  boolean hasTokens() {
    return hasTokens;
  }

  /** The table a set's numbers come from, for the from_table column. */
  static String fromTable(String stage, boolean tokens) {
    if (stage.equals(StatsTables.KEPT_BY_DEDUP)) {
      return "docs_filtered semi join docs_dedup" + (tokens ? " left join docs_tokens" : "");
    }
    return Table.DOCS_FILTERED.id();
  }
}
