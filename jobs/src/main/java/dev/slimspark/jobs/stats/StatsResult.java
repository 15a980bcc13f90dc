package dev.slimspark.jobs.stats;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * What one stats run found: the reconciliation rows (one per source, then the all-sources row;
 * {@link Reconciliation#SCHEMA}) and whether token tables were present. The stage's status is
 * "error" unless every row reconciles.
 */
public record StatsResult(List<Row> reconcile, boolean tokensPresent) {
  /** The funnel of the all-sources row (with the decon_* counts when decontaminate ran). */
  public Map<String, Object> funnel() {
    Row all = reconcile.get(reconcile.size() - 1);
    Map<String, Object> counts = new LinkedHashMap<>();
    for (String f :
        List.of(
            "input_lines",
            "blank_lines",
            "quarantined",
            "filtered_out",
            "exact_duplicates",
            "near_duplicates",
            "decon_dropped",
            "decon_cut",
            "kept")) {
      int i = Reconciliation.SCHEMA.fieldIndex(f);
      if (!all.isNullAt(i)) {
        counts.put(f, all.getLong(i));
      }
    }
    return counts;
  }

  public int sources() {
    return reconcile.size() - 1;
  }

  /** Source ("(all)" for the total) -> difference, for the rows that do not reconcile. */
  public Map<String, Object> differences() {
    Map<String, Object> differences = new LinkedHashMap<>();
    for (Row r : reconcile) {
      // Rows from RowFactory carry no schema: look positions up in the table's schema.
      if (!r.getBoolean(Reconciliation.SCHEMA.fieldIndex("reconciled"))) {
        differences.put(
            r.isNullAt(0) ? "(all)" : r.getString(0),
            r.getLong(Reconciliation.SCHEMA.fieldIndex("difference")));
      }
    }
    return differences;
  }

  public boolean reconciled() {
    return differences().isEmpty();
  }
}
