package dev.slimspark.lake;

import dev.slimspark.errors.UserErrors;
import io.delta.tables.DeltaTable;
import java.io.File;
import java.net.URI;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import scala.Option;

/**
 * The lake: one root (local directory or URI) holding every Delta table by name. Writes are atomic
 * Delta commits tagged with the run id and config hash (commit userMetadata), so history says which
 * run produced each version.
 */
public final class Lake {
  private final SparkSession spark;
  private final String root;

  public Lake(SparkSession spark, String root) {
    this.spark = spark;
    this.root = normalizeRoot(root);
  }

  /**
   * The lake root as a Hadoop path string: a local path made absolute ({@code file:/abs/dir}), a
   * URI kept as given. An empty root (an unset shell variable in {@code --set lake=$X}) is a user
   * error: it would write the tables into the current directory.
   */
  static String normalizeRoot(String root) {
    if (root == null || root.isBlank()) {
      throw UserErrors.badConfigValue(
          "lake",
          "\"" + (root == null ? "" : root) + "\"",
          "a directory path or URI, e.g. lake = \"/data/lake\" or \"s3a://bucket/lake\" (an empty value would write"
              + " Delta tables into the current directory; is a shell variable unset?)");
    }
    return absolute(root);
  }

  /**
   * A local path made absolute as {@code file:/abs/path}, or a URI as given; no trailing "/".
   * Characters are kept as the user wrote them (a space, %, # or a non-ASCII letter stays itself,
   * never %-escaped): Hadoop's Path parses the string form without URI decoding, so {@code my lake}
   * is written to a directory named "my lake", not "my%20lake".
   */
  public static String absolute(String path) {
    String r = path;
    while (r.length() > 1 && r.endsWith("/")) {
      r = r.substring(0, r.length() - 1);
    }
    String scheme = new org.apache.hadoop.fs.Path(r).toUri().getScheme();
    if (scheme == null || scheme.length() == 1) {
      // A plain local path: make it absolute so executors agree on it.
      return "file:" + new File(r).getAbsolutePath();
    }
    return r;
  }

  /** A local lake's directory, or null when the lake is not on the local filesystem. */
  public java.nio.file.Path localDir() {
    URI u = new org.apache.hadoop.fs.Path(root).toUri();
    return "file".equals(u.getScheme()) ? java.nio.file.Path.of(u.getPath()) : null;
  }

  public String root() {
    return root;
  }

  public String path(String table) {
    return root + "/" + table;
  }

  /** Where a catalog table lives in this lake. */
  public String path(Table table) {
    return path(table.id());
  }

  public boolean exists(String table) {
    return DeltaTable.isDeltaTable(spark, path(table));
  }

  public boolean exists(Table table) {
    return exists(table.id());
  }

  /** Reads a catalog table, or fails with a user error naming the catalog's producer of it. */
  public Dataset<Row> read(Table table) {
    return read(table.id());
  }

  /**
   * Reads a table named in config or by a user ({@code tokenize.input_table}), or fails with a user
   * error naming the stage that writes it: the catalog's producer, or "the stage that writes NAME"
   * for a table outside the catalog.
   */
  public Dataset<Row> read(String table) {
    if (!exists(table)) {
      throw UserErrors.missingTable(table, path(table), Table.producerOf(table));
    }
    return spark.read().format("delta").load(path(table));
  }

  /**
   * Latest committed version of a table, or -1 when it has none. Read from the Delta log on the
   * driver (no Spark job, unlike {@code history(1)}).
   */
  public long version(String table) {
    return versionAt(spark, path(table));
  }

  /** Latest committed version of a catalog table, or -1 when it has none. */
  public long version(Table table) {
    return version(table.id());
  }

  /** Latest committed version of the Delta table at {@code path}, or -1 when there is none. */
  public static long versionAt(SparkSession spark, String path) {
    return DeltaLog.forTable(spark, path).update(false, Option.empty(), Option.empty()).version();
  }

  /**
   * Appends to a table whose schema may have gained columns since it was created (the {@code runs}
   * table of an older lake). One atomic commit; returns the new version.
   */
  public long appendEvolving(Dataset<Row> df, Table table, String userMetadata) {
    df.write()
        .format("delta")
        .mode(SaveMode.Append)
        .option("mergeSchema", "true")
        .option("userMetadata", userMetadata)
        .save(path(table));
    return version(table);
  }

  /**
   * Atomically replaces the rows matching {@code predicate} (Delta replaceWhere) with {@code df},
   * whose rows must all match it; creates the table if absent. Returns the new version. Used for
   * idempotent appends: rewriting "batch = N" twice leaves one copy.
   */
  public long replace(Dataset<Row> df, Table table, String predicate, String userMetadata) {
    df.write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .option("replaceWhere", predicate)
        .option("userMetadata", userMetadata)
        .save(path(table));
    return version(table);
  }

  /**
   * Overwrites (or appends to) a catalog table in one atomic commit, partitioned as the catalog
   * says, and returns the new version.
   */
  public long write(Dataset<Row> df, Table table, SaveMode mode, String userMetadata) {
    return write(df, table.id(), mode, userMetadata, table.partitionBy().toArray(new String[0]));
  }

  /**
   * Overwrites (or appends to) a table outside the catalog (a test's or benchmark's own table) in
   * one atomic commit and returns the new version.
   *
   * @param partitionBy partition columns, may be empty
   */
  public long write(
      Dataset<Row> df, String table, SaveMode mode, String userMetadata, String... partitionBy) {
    var w = df.write().format("delta").mode(mode).option("userMetadata", userMetadata);
    if (mode == SaveMode.Overwrite) {
      w = w.option("overwriteSchema", "true");
    }
    if (partitionBy.length > 0) {
      w = w.partitionBy(partitionBy);
    }
    w.save(path(table));
    return version(table);
  }

  /**
   * Spark's cap on the files one write task keeps open at once; 0 (Spark's default) = sort first.
   */
  static final String MAX_OPEN_WRITERS = "spark.sql.maxConcurrentOutputFileWriters";

  /**
   * {@link #write} for a table partitioned by a column with a handful of values (filter's {@code
   * kept}): each task keeps one open file per value ({@code values} at most) instead of sorting its
   * rows by the column first. That sort buffers the task's whole output, text included, and spills
   * it: 1 GB spilled per GB of corpus in filter, and an OutOfMemoryError with a 16M-character
   * document at 2 GB of input and a 1 GB heap. Rows keep their input order within each file. A
   * {@code spark.sql.maxConcurrentOutputFileWriters} set by the user is left as is.
   */
  public long writeFewPartitionValues(
      Dataset<Row> df, Table table, SaveMode mode, String userMetadata, int values) {
    return writeFewPartitionValues(
        df, table.id(), mode, userMetadata, values, table.partitionBy().toArray(new String[0]));
  }

  /**
   * {@link #writeFewPartitionValues(Dataset, Table, SaveMode, String, int)} for a table outside the
   * catalog.
   */
  public long writeFewPartitionValues(
      Dataset<Row> df,
      String table,
      SaveMode mode,
      String userMetadata,
      int values,
      String... partitionBy) {
    boolean userSet = spark.conf().contains(MAX_OPEN_WRITERS);
    if (!userSet) {
      spark.conf().set(MAX_OPEN_WRITERS, values);
    }
    try {
      return write(df, table, mode, userMetadata, partitionBy);
    } finally {
      if (!userSet) {
        spark.conf().unset(MAX_OPEN_WRITERS);
      }
    }
  }
}
