package dev.slimspark.jobs.label;

import static org.apache.spark.sql.functions.col;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.lake.Lake;
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
 * what lets knn-vote exclude a query from its own pool and evaluate join labels to gold.
 */
public final class LabeledData {
  private LabeledData() {}

  /** True when {@code source} names a CSV file rather than a table. */
  static boolean isCsv(String source) {
    return source.toLowerCase(java.util.Locale.ROOT).endsWith(".csv") || source.contains("/");
  }

  /**
   * Reads {@code source} as (id string, text string[, label string]); {@code labelCol} null = no
   * label column.
   */
  public static Dataset<Row> read(
      SparkSession spark, Lake lake, String source, String idCol, String textCol, String labelCol, String producer) {
    if (source == null || source.isBlank()) {
      throw UserErrors.of(
          "No input is configured for " + producer + ".",
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
      df =
          spark.read()
              .option("header", "true")
              .option("multiLine", "true")
              // RFC 4180: a quote inside a quoted field is written twice.
              .option("escape", "\"")
              .option("mode", "FAILFAST")
              .csv(f.getAbsolutePath());
    } else {
      df = lake.read(source, producer);
    }
    List<String> have = Arrays.asList(df.columns());
    requireColumn(have, textCol, source);
    if (labelCol != null) {
      requireColumn(have, labelCol, source);
    }
    List<org.apache.spark.sql.Column> sel = new ArrayList<>();
    if (have.contains(idCol)) {
      sel.add(col(idCol).cast("string").as("id"));
      sel.add(col(textCol).cast("string").as("text"));
      if (labelCol != null) {
        sel.add(col(labelCol).cast("string").as("label"));
      }
      return df.select(sel.toArray(new org.apache.spark.sql.Column[0]));
    }
    if (!csv) {
      requireColumn(have, idCol, source);
    }
    String prefix = new File(source).getAbsoluteFile().toURI().toString();
    int t = have.indexOf(textCol);
    int l = labelCol == null ? -1 : have.indexOf(labelCol);
    JavaRDD<Row> rows =
        df.javaRDD()
            .zipWithIndex()
            .map(
                p -> {
                  Row r = p._1();
                  String id = stableId(prefix, p._2());
                  Object text = r.isNullAt(t) ? null : String.valueOf(r.get(t));
                  if (l < 0) {
                    return RowFactory.create(id, text);
                  }
                  return RowFactory.create(id, text, r.isNullAt(l) ? null : String.valueOf(r.get(l)));
                });
    StructType s = new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType);
    if (l >= 0) {
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
