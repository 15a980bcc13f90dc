package dev.slimspark.jobs.label;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;

import dev.slimspark.errors.UserError;
import dev.slimspark.errors.UserErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * What evaluate does to its inputs before scoring, so that no document counts twice and gold that
 * matches nothing is not reported as a clean, empty evaluation: gold rows are one per id (repeats
 * with the same label are dropped and counted; different labels for one id are a user error), label
 * rows one per (labeler, doc id) (the earliest run's row wins; ties by label, then error), and the
 * share of gold ids that have labels is checked against {@code evaluate.min_matched_share}.
 */
final class EvalInputs {
  private EvalInputs() {}

  /**
   * Gold with one row per id (id, label; cached: unpersist when done); rows read, distinct ids,
   * repeats.
   */
  record Gold(Dataset<Row> gold, long rows, long ids, long duplicateRows) {}

  /**
   * Labels of gold documents, one row per (labeler, doc id) (cached: unpersist {@code cached}),
   * repeats left out.
   */
  record Labels(Dataset<Row> labels, Dataset<Row> cached, long duplicateRows) {}

  static Gold gold(Dataset<Row> gold, String src) {
    Dataset<Row> per =
        gold.groupBy("id")
            .agg(
                count(lit(1)).as("n"),
                countDistinct(lower(trim(col("label")))).as("labels"),
                first(col("label"), true).as("label"))
            .cache();
    boolean ok = false;
    try {
      Row agg = per.agg(count(lit(1)), sum("n")).head();
      long ids = agg.getLong(0);
      long rows = agg.isNullAt(1) ? 0 : agg.getLong(1);
      if (rows == 0) {
        throw UserErrors.of(
            "The gold file " + src + " has no rows.",
            "A header without rows, or an empty table, has nothing to score.",
            "Point evaluate.gold at the gold labels (an id column and a label column).");
      }
      List<String> conflicting = new ArrayList<>();
      for (Row r :
          per.filter(col("labels").gt(1))
              .orderBy("id")
              .limit(DuplicateIds.EXAMPLES)
              .collectAsList()) {
        conflicting.add(r.getString(0));
      }
      if (!conflicting.isEmpty()) {
        long n = per.filter(col("labels").gt(1)).count();
        throw UserErrors.of(
            n
                + " ids in the gold file "
                + src
                + " have different gold labels, e.g. "
                + conflicting
                + ".",
            "Each document has one true label; with two, any prediction would be both right and wrong.",
            "Keep one row per id in the gold file.");
      }
      // Repeats with the same label: one row each (the label after canonical mapping is the same).
      ok = true;
      return new Gold(per, rows, ids, rows - ids);
    } finally {
      if (!ok) {
        per.unpersist();
      }
    }
  }

  /**
   * The label rows of gold documents only (everything evaluate scores), one per (labeler, doc id),
   * cached: the later aggregates then never re-read the whole labels table.
   */
  static Labels labels(Dataset<Row> labels, Dataset<Row> gold) {
    Dataset<Row> scoped = labels.join(gold.select(col("id").as("doc_id")), "doc_id", "left_semi");
    Dataset<Row> ranked =
        scoped
            .withColumn(
                "_rank",
                row_number()
                    .over(
                        Window.partitionBy("labeler_id", "doc_id")
                            .orderBy(
                                col("run_id").asc(),
                                col("label").asc_nulls_last(),
                                col("error").asc_nulls_last())))
            .cache();
    long repeated = ranked.filter(col("_rank").gt(1)).count();
    return new Labels(ranked.filter(col("_rank").equalTo(1)).drop("_rank"), ranked, repeated);
  }

  /**
   * The check failure for gold ids that mostly match no label row (wrong gold file, or another id
   * column), or null when at least {@code minShare} of them do (and at least one).
   */
  static UserError matchCheck(String src, long ids, long matched, double minShare, String idCol) {
    double share = ids == 0 ? 0 : (double) matched / ids;
    if (matched > 0 && share >= minShare) {
      return null;
    }
    return UserErrors.of(
        String.format(
            Locale.ROOT,
            "Only %d of %d gold ids in %s (%.1f%%) have labels; evaluate.min_matched_share is %.2f.",
            matched,
            ids,
            src,
            100 * share,
            minShare),
        "The gold ids (column '"
            + idCol
            + "') do not match the doc_ids in the labels table: another file was labeled, or"
            + " the gold file or label.input lacks its id column (then ids come from path and row number).",
        "Label the documents of the gold file, or set evaluate.gold_id_column to the column holding the labeled ids;"
            + " lower evaluate.min_matched_share if the gold file is meant to be mostly unlabeled. Nothing was written.");
  }
}
