package dev.slimspark.jobs.label;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/**
 * One labeler's counts over the gold documents it labeled: the confusion matrix (gold x predicted,
 * in class order) and the cost. Rows with an error, or a prediction outside the classes, count as
 * errors and stay out of the matrix.
 */
final class LabelerTally {
  final String type;
  final String modelVersion;
  final long[][] confusion;
  long docs;
  long errors;
  long tokens;
  double deviceMs;

  private LabelerTally(String type, String modelVersion, int classes) {
    this.type = type;
    this.modelVersion = modelVersion;
    this.confusion = new long[classes][classes];
  }

  /**
   * Tallies per labeler id (sorted) from the aggregate cells (labeler_id, labeler_type,
   * model_version, gold, label, n, tokens, ms).
   */
  static Map<String, LabelerTally> of(List<Row> cells, List<String> classes) {
    Map<String, LabelerTally> out = new TreeMap<>();
    int k = classes.size();
    for (Row r : cells) {
      LabelerTally t =
          out.computeIfAbsent(
              r.getString(0),
              x -> new LabelerTally(r.getString(1), r.isNullAt(2) ? null : r.getString(2), k));
      long n = r.getLong(5);
      t.docs += n;
      t.tokens += r.isNullAt(6) ? 0 : r.getLong(6);
      t.deviceMs += r.isNullAt(7) ? 0 : r.getDouble(7);
      if (r.isNullAt(4)) {
        t.errors += n;
        continue;
      }
      int g = classes.indexOf(LabeledData.canonical(r.getString(3), classes));
      int p = classes.indexOf(r.getString(4));
      if (p < 0) {
        t.errors += n; // A prediction outside the class list: counted as an error.
        continue;
      }
      t.confusion[g][p] += n;
    }
    return out;
  }

  double deviceSeconds() {
    return deviceMs / 1000;
  }

  /** Documents per device-second; 0 without device time. */
  double docsPerDeviceSecond() {
    return deviceSeconds() > 0 ? docs / deviceSeconds() : 0;
  }

  double tokensPerDoc() {
    return docs == 0 ? 0 : (double) tokens / docs;
  }

  double deviceSecondsPer1000Docs() {
    return docs == 0 ? 0 : deviceSeconds() / docs * 1000;
  }
}
