package dev.slimspark.jobs.label;

import dev.slimspark.errors.UserError;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * What {@link EvaluateAction#evaluate} found.
 *
 * @param goldRows gold rows read; {@code goldDuplicateRows}: repeats of an id with the same label
 * @param goldIds distinct gold ids; {@code matched}: those that have label rows
 * @param labelDuplicateRowsIgnored label rows beyond the first per (labeler, document)
 * @param unmatched the failed match check, or null when enough gold ids have labels (then nothing
 *     else is filled: no rows, results or report)
 * @param rows one {@code label_eval} row per labeler ({@link LabelEvalRows#SCHEMA})
 * @param results the summary's brief entry per labeler
 * @param report the text report (metrics table, cost and kappas per labeler)
 */
public record EvaluateResult(
    long goldRows,
    long goldDuplicateRows,
    long goldIds,
    long matched,
    long labelDuplicateRowsIgnored,
    UserError unmatched,
    List<Row> rows,
    List<Map<String, Object>> results,
    String report) {

  public double matchedShare() {
    return goldIds == 0 ? 0.0 : (double) matched / goldIds;
  }

  /** The number of labelers evaluated. */
  public int labelers() {
    return rows.size();
  }
}
