package dev.slimspark.jobs.decon;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.trim;

import dev.slimspark.errors.UserError;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.lake.Lake;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads the eval sets into one Dataset of (eval_set, eval_item): each set's distinct non-blank
 * items, by Spark's own readers, so a set of 100 M n-grams is never held on the driver. A missing
 * file, a missing column or an unreadable file is a user error naming the set.
 */
final class EvalSets {
  private EvalSets() {}

  /** Every set's items; {@code lake} resolves sets of format "table". */
  static Dataset<Row> read(SparkSession spark, Lake lake, List<EvalSetSpec> sets) {
    Dataset<Row> all = null;
    for (EvalSetSpec s : sets) {
      Dataset<Row> items =
          readOne(spark, lake, s)
              .select(lit(s.name()).as("eval_set"), col("t").cast("string").as("eval_item"))
              .where(col("eval_item").isNotNull().and(trim(col("eval_item")).notEqual("")))
              .distinct();
      all = all == null ? items : all.unionByName(items);
    }
    return all;
  }

  private static Dataset<Row> readOne(SparkSession spark, Lake lake, EvalSetSpec s) {
    try {
      Dataset<Row> df =
          switch (s.format()) {
            case "csv" ->
                spark
                    .read()
                    .option("header", "true")
                    .option("multiLine", "true")
                    .option("escape", "\"")
                    .option("encoding", s.encoding())
                    .csv(s.path());
            case "jsonl" -> spark.read().option("mode", "PERMISSIVE").json(s.path());
            case "parquet" -> spark.read().parquet(s.path());
            case "table" -> lake.read(s.path());
            default -> lines(spark, s);
          };
      if (s.format().equals("text")) {
        return df.select(col("value").as("t"));
      }
      if (s.format().equals("phrasebank")) {
        // sentence@label: the label follows the last '@'.
        return df.select(regexp_replace(col("value"), "@[^@]*$", "").as("t"));
      }
      if (!List.of(df.columns()).contains(s.column())) {
        throw UserErrors.of(
            "Eval set '" + s.name() + "' (" + s.path() + ") has no column '" + s.column() + "'.",
            "Its columns are " + List.of(df.columns()) + ".",
            "Set column = \"NAME\" in its entry of decontaminate.eval_sets to the text column.");
      }
      return df.select(col(s.column()).as("t"));
    } catch (UserError e) {
      throw e;
    } catch (Exception e) { // Scala throws AnalysisException undeclared
      throw unreadable(s, e);
    }
  }

  /** Plain lines in the set's charset (Spark's text reader only reads UTF-8). */
  private static Dataset<Row> lines(SparkSession spark, EvalSetSpec s) {
    if (s.encoding().equalsIgnoreCase("UTF-8")) {
      return spark.read().text(s.path());
    }
    return spark
        .read()
        .option("lineSep", "\n")
        .option("encoding", s.encoding())
        .option("header", "false")
        .option("sep", "\u0000")
        .option("quote", "")
        .csv(s.path())
        .select(regexp_replace(col("_c0"), "\r$", "").as("value"));
  }

  private static UserError unreadable(EvalSetSpec s, Exception e) {
    String msg = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    if (msg.contains("PATH_NOT_FOUND") || msg.contains("Path does not exist")) {
      return UserErrors.missingFile("Eval set '" + s.name() + "'", s.path());
    }
    return UserErrors.of(
        "Eval set '" + s.name() + "' cannot be read as " + s.format() + " from " + s.path() + ".",
        msg,
        "Check the file and the entry's format (one of " + EvalSetSpec.FORMATS + ").");
  }
}
