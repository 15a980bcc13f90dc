package dev.slimspark.jobs.label;

import static org.apache.spark.sql.functions.col;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reading text sources for the label stages: a CSV file (RFC 4180, header row, quoted multi-line
 * fields allowed) or a Delta table of the lake, reduced to {@code id, text[, label]}.
 *
 * <p>Ids: the configured id column when the source has it; otherwise (CSVs without ids) the first
 * 128 bits of SHA-256 over "absolute file path\nrecord index" as 32 hex chars (the docs_raw
 * convention). The same file therefore gives the same ids in finetune, label and evaluate, which is
 * what lets knn-vote exclude a query from its own pool and evaluate join labels to gold. A CSV that
 * lacks the id column but has an id-like one is a user error rather than silently re-identified.
 * CSVs are checked before use ({@link CsvCheck}: malformed records, bytes invalid in the encoding).
 */
public final class LabeledData {
  private LabeledData() {}

  /** True when {@code source} names a CSV file rather than a table. */
  static boolean isCsv(String source) {
    return source.toLowerCase(java.util.Locale.ROOT).endsWith(".csv") || source.contains("/");
  }

  /**
   * Which columns to read and how: {@code idKey}/{@code encodingKey} are the config keys named in
   * messages; {@code text} may be absent from the source when {@code textRequired} is false (then
   * null); {@code label} null = no label column; {@code encoding} is the CSV's charset.
   */
  public record Columns(
      String idKey,
      String id,
      String text,
      boolean textRequired,
      String label,
      String encodingKey,
      String encoding) {}

  /**
   * A lake table as labeled input. When it is missing, the message names the stage that writes it
   * (not the stage reading it), or says that no stage does.
   */
  private static Dataset<Row> readTable(Lake lake, String table, Columns c) {
    if (Table.named(table).isEmpty() && !lake.exists(table)) {
      throw UserErrors.of(
          "Input '"
              + table
              + "' is neither a CSV file nor a Delta table of the lake ("
              + lake.path(table)
              + ").",
          "No slimspark stage writes a table of that name, and no such table exists.",
          "Point the input key at a CSV file (ending in .csv), or write the Delta table '"
              + table
              + "' into the lake first.");
    }
    return lake.read(table);
  }

  /**
   * Reads {@code source} as (id string, text string[, label string]); {@code labelCol} null = no
   * label column. CSVs are read as UTF-8. {@code reader} is the stage reading it (see below).
   */
  public static Dataset<Row> read(
      SparkSession spark,
      Lake lake,
      String source,
      String idCol,
      String textCol,
      String labelCol,
      String reader) {
    return read(
        spark,
        lake,
        source,
        new Columns("the id column key", idCol, textCol, true, labelCol, null, "UTF-8"),
        reader,
        new ArrayList<>());
  }

  /**
   * Reads {@code source} as (id, text[, label]) strings. A CSV is checked first (one extra pass): a
   * malformed record (a missing or extra field) is a user error naming its record number; rows with
   * invalid bytes for the encoding (read as U+FFFD) are counted into {@code warnings}. {@code
   * reader} is the stage reading it, named when no input is configured; a missing lake table's
   * message names the catalog's producer of it instead.
   */
  public static Dataset<Row> read(
      SparkSession spark,
      Lake lake,
      String source,
      Columns c,
      String reader,
      List<String> warnings) {
    if (source == null || source.isBlank()) {
      throw UserErrors.of(
          "No input is configured for " + reader + ".",
          "The input key is empty.",
          "Set it to a CSV file (header row with the text/label columns) or a Delta table name of the lake.");
    }
    Dataset<Row> df;
    boolean csv = isCsv(source);
    if (csv) {
      File f = new File(source);
      if (!f.isFile()) {
        throw UserErrors.missingFile("Input CSV", source);
      }
      df = CsvCheck.read(spark, f, c, warnings);
    } else {
      df = readTable(lake, source, c);
    }
    List<String> have = Arrays.asList(df.columns());
    if (c.textRequired()) {
      requireColumn(have, c.text(), source);
    }
    if (c.label() != null) {
      requireColumn(have, c.label(), source);
    }
    org.apache.spark.sql.Column text =
        have.contains(c.text())
            ? col(c.text()).cast("string")
            : org.apache.spark.sql.functions.lit(null).cast("string");
    List<org.apache.spark.sql.Column> sel = new ArrayList<>();
    if (have.contains(c.id())) {
      sel.add(col(c.id()).cast("string").as("id"));
      sel.add(text.as("text"));
      if (c.label() != null) {
        sel.add(col(c.label()).cast("string").as("label"));
      }
      return df.select(sel.toArray(new org.apache.spark.sql.Column[0]));
    }
    if (!csv) {
      requireColumn(have, c.id(), source);
    }
    refuseLikelyIdColumn(have, c, source);
    return withStableIds(
        spark,
        df.select(
            text.as("text"), c.label() == null ? text.as("label") : col(c.label()).cast("string")),
        source,
        c.label() != null);
  }

  /**
   * A CSV without the configured id column gets path+index ids, which match nothing outside this
   * file: when it has a column that looks like an id ("id", "ID", "uuid", "*_id"), that is almost
   * surely the ids the user meant, so say which key to set instead of ignoring them.
   */
  static void refuseLikelyIdColumn(List<String> have, Columns c, String source) {
    for (String h : have) {
      String l = h.toLowerCase(java.util.Locale.ROOT);
      if (l.equals("id")
          || l.equals(c.id().toLowerCase(java.util.Locale.ROOT))
          || l.equals("uuid")
          || l.equals("docid")
          || l.endsWith("_id")) {
        throw UserErrors.of(
            "Column '" + c.id() + "' not found in " + source + ", but it has a column '" + h + "'.",
            "Without the id column, ids are derived from the file path and row number, so labels and gold would not"
                + " carry the ids of the file.",
            "Set " + c.idKey() + " = \"" + h + "\", or rename the column to '" + c.id() + "'.");
      }
    }
  }

  /**
   * (id, text[, label]) with ids from path + record index (text at 0, label at 1 of {@code df}).
   */
  private static Dataset<Row> withStableIds(
      SparkSession spark, Dataset<Row> df, String source, boolean withLabel) {
    String prefix = new File(source).getAbsoluteFile().toURI().toString();
    JavaRDD<Row> rows =
        df.javaRDD()
            .zipWithIndex()
            .map(
                p -> {
                  Row r = p._1();
                  String id = stableId(prefix, p._2());
                  Object text = r.isNullAt(0) ? null : r.getString(0);
                  if (!withLabel) {
                    return RowFactory.create(id, text);
                  }
                  return RowFactory.create(id, text, r.isNullAt(1) ? null : r.getString(1));
                });
    StructType s =
        new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType);
    if (withLabel) {
      s = s.add("label", DataTypes.StringType);
    }
    return spark.createDataFrame(rows, s);
  }

  private static void requireColumn(List<String> have, String c, String source) {
    if (!have.contains(c)) {
      throw UserErrors.of(
          "Column '" + c + "' not found in " + source + ".",
          "Its columns are: " + String.join(", ", have) + ".",
          "Set the matching *_column key to one of those columns.");
    }
  }

  static String stableId(String file, long index) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] d = sha.digest((file + "\n" + index).getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder(32);
      for (int i = 0; i < 16; i++) {
        sb.append(String.format("%02x", d[i]));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The label names. {@code configured} non-empty: those names, and raw values may be names or
   * integer ids into the list. Empty: the sorted distinct raw values.
   */
  public static List<String> labelNames(List<String> configured, List<String> rawValues) {
    if (!configured.isEmpty()) {
      return configured;
    }
    return new ArrayList<>(new TreeSet<>(rawValues));
  }

  /**
   * Maps a raw label (a name of {@code names}, case-insensitively, or an integer id into it) to its
   * name; null when unknown.
   */
  public static String canonical(String raw, List<String> names) {
    if (raw == null) {
      return null;
    }
    String v = raw.trim();
    for (String n : names) {
      if (n.equalsIgnoreCase(v)) {
        return n;
      }
    }
    if (v.matches("\\d{1,9}")) {
      int i = Integer.parseInt(v);
      if (i < names.size()) {
        return names.get(i);
      }
    }
    return null;
  }

  /** Raw labels that {@link #canonical} cannot map, for the user error. */
  public static List<String> unknown(List<String> rawValues, List<String> names) {
    TreeSet<String> bad = new TreeSet<>();
    for (String r : rawValues) {
      if (canonical(r, names) == null) {
        bad.add(String.valueOf(r));
      }
    }
    return new ArrayList<>(bad);
  }
}
