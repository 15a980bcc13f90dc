package dev.slimspark.jobs.label;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.slimspark.errors.UserErrors;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code label.duplicate_ids}: what happens to input rows that share a doc id. Labeling them all
 * gives one document several (possibly conflicting) labels and makes evaluate count it more than
 * once, so the default {@code error} refuses the input (exit 2, naming some ids); {@code first}
 * keeps the first row in input order (file, then position in the file: deterministic for the same
 * input) and drops the others, counted in the summary.
 */
final class DuplicateIds {
  private static final Logger LOG = LoggerFactory.getLogger(DuplicateIds.class);

  /** Duplicate ids named in the error. */
  static final int EXAMPLES = 5;

  /** The rows to label, the number of ids that had several rows and the rows dropped. */
  record Result(Dataset<Row> docs, long ids, long dropped) {}

  private DuplicateIds() {}

  static Result apply(Dataset<Row> docs, String policy, String input) {
    // Position in the input, taken in the scan itself (before any shuffle), so "first" is file
    // order.
    Dataset<Row> ordered =
        docs.withColumn("_file", input_file_name())
            .withColumn("_pos", monotonically_increasing_id());
    Dataset<Row> groups = docs.groupBy("id").agg(count(lit(1)).as("n"));
    Dataset<Row> multi = groups.filter(col("n").gt(1).and(col("id").isNotNull()));
    Row agg =
        groups
            .agg(
                sum(when(col("n").gt(1).and(col("id").isNotNull()), 1L).otherwise(0L)),
                sum(
                    when(col("n").gt(1).and(col("id").isNotNull()), col("n").minus(1))
                        .otherwise(0L)),
                sum(when(col("id").isNull(), col("n")).otherwise(0L)))
            .head();
    long ids = agg.isNullAt(0) ? 0 : agg.getLong(0);
    long extra = agg.isNullAt(1) ? 0 : agg.getLong(1);
    long noId = agg.isNullAt(2) ? 0 : agg.getLong(2);
    if (noId > 0) {
      throw UserErrors.of(
          noId + " rows of label.input " + input + " have no doc id (an empty id field).",
          "Labels are stored and joined to gold by doc id; a row without one cannot be found again.",
          "Fill in the ids, or drop the id column so that ids are derived from file path and row number.");
    }
    if (ids == 0) {
      return new Result(docs, 0, 0);
    }
    if (policy.equals("error")) {
      List<String> examples = new ArrayList<>();
      for (Row r : multi.orderBy("id").limit(EXAMPLES).collectAsList()) {
        examples.add(r.getString(0) + " (" + r.getLong(1) + " rows)");
      }
      throw UserErrors.of(
          ids
              + " doc ids occur more than once in label.input "
              + input
              + " ("
              + (ids + extra)
              + " rows), e.g. "
              + String.join(", ", examples)
              + ".",
          "Each document must have one id; labeling duplicates gives one id several labels and evaluate would count it twice.",
          "Make the ids unique, or set label.duplicate_ids = \"first\" to keep the first row of each id.");
    }
    LOG.warn(
        "label: {} doc ids occur more than once in {}; kept the first row of each, dropped {} rows",
        ids,
        input,
        extra);
    Dataset<Row> first =
        ordered
            .withColumn(
                "_rank",
                row_number().over(Window.partitionBy("id").orderBy(col("_file"), col("_pos"))))
            .filter(col("_rank").equalTo(1))
            .drop("_file", "_pos", "_rank");
    return new Result(first, ids, extra);
  }
}
