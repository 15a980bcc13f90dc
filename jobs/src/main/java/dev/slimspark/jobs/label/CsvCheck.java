package dev.slimspark.jobs.label;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.slimspark.errors.UserErrors;
import java.io.File;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Reads a labeling CSV (header row, RFC 4180, multi-line quoted fields) and checks it in one pass
 * before any work: a record with fewer or more fields than the header is a user error with its
 * record number and start (Spark's FAILFAST mode would stop mid-job with an internal-looking
 * MALFORMED_CSV_RECORD trace); rows holding U+FFFD, what bytes invalid in the configured encoding
 * decode to, are counted and reported as a warning (a latin-1 file read as UTF-8 shows up here).
 */
final class CsvCheck {
  private static final Logger LOG = LoggerFactory.getLogger(CsvCheck.class);

  /** Spark's corrupt-record column while checking; not a name a user's CSV is likely to have. */
  private static final String MALFORMED = "_slimspark_malformed_record";

  private CsvCheck() {}

  static Dataset<Row> read(
      SparkSession spark, File f, LabeledData.Columns c, List<String> warnings) {
    String enc = c.encoding();
    if (!Charset.isSupported(enc)) {
      throw UserErrors.badConfigValue(
          c.encodingKey(), "\"" + enc + "\"", "a Java charset name such as UTF-8 or ISO-8859-1");
    }
    String path = f.getAbsolutePath();
    // Header only (no data scan): every column as a string, plus the corrupt-record column.
    String[] header = reader(spark, enc).csv(path).columns();
    StructType schema = new StructType();
    for (String h : header) {
      schema = schema.add(h, DataTypes.StringType);
    }
    Dataset<Row> checked =
        reader(spark, enc)
            .schema(schema.add(MALFORMED, DataTypes.StringType))
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", MALFORMED)
            .csv(path);
    Column replaced = lit(false);
    for (String h : header) {
      replaced = replaced.or(col("`" + h + "`").contains("\uFFFD"));
    }
    Row agg =
        checked
            .agg(
                count(lit(1)),
                sum(when(col(MALFORMED).isNotNull(), 1L).otherwise(0L)),
                sum(when(replaced, 1L).otherwise(0L)))
            .head();
    long malformed = agg.isNullAt(1) ? 0 : agg.getLong(1);
    if (malformed > 0) {
      throw malformed(checked, path, malformed, header.length);
    }
    long bad = agg.isNullAt(2) ? 0 : agg.getLong(2);
    if (bad > 0) {
      String w =
          String.format(
              "%d of %d rows of %s contain U+FFFD: bytes that are invalid in %s (%s) were replaced; the file is probably in"
                  + " another encoding (e.g. latin-1: set %s = \"ISO-8859-1\")",
              bad, agg.getLong(0), path, c.encodingKey(), enc, c.encodingKey());
      LOG.warn(w);
      warnings.add(w);
    }
    return reader(spark, enc).schema(schema).option("mode", "FAILFAST").csv(path);
  }

  private static DataFrameReader reader(SparkSession spark, String enc) {
    return spark
        .read()
        .option("header", "true")
        .option("multiLine", "true")
        // RFC 4180: a quote inside a quoted field is written twice.
        .option("escape", "\"")
        .option("encoding", enc);
  }

  /**
   * The user error for malformed records: count, first record numbers (1 = first after the header).
   */
  private static RuntimeException malformed(Dataset<Row> checked, String path, long n, int fields) {
    int at = checked.schema().fieldIndex(MALFORMED);
    List<Tuple2<Row, Long>> first =
        checked.javaRDD().zipWithIndex().filter(t -> !t._1().isNullAt(at)).take(3);
    List<String> where = new ArrayList<>();
    for (Tuple2<Row, Long> t : first) {
      String raw = t._1().getString(at).replace("\n", "\\n");
      where.add(
          "record "
              + (t._2() + 1)
              + ": \""
              + (raw.length() > 80 ? raw.substring(0, 80) + "..." : raw)
              + "\"");
    }
    return UserErrors.of(
        n + " malformed record(s) in " + path + " (" + String.join("; ", where) + ").",
        "Each record must have the header's "
            + fields
            + " fields (quote fields that contain commas or newlines;"
            + " a quote inside a quoted field is written twice).",
        "Fix those records (record 1 is the first after the header) or remove them.");
  }
}
