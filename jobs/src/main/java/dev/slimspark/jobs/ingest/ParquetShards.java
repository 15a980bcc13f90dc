package dev.slimspark.jobs.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import dev.slimspark.io.InputFiles;
import dev.slimspark.io.SerializableHadoopConf;
import dev.slimspark.udfs.ingest.DocIds;
import dev.slimspark.udfs.ingest.IngestRecord;
import dev.slimspark.udfs.ingest.QuarantineReason;
import dev.slimspark.udfs.ingest.ShardReader;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Parquet input (e.g. Starcoder's {@code content} column): each row is a "line" numbered by its row
 * index (1-based); the other columns become {@code meta} as JSON. Footers are checked first in a
 * distributed pass, so a corrupt file becomes a quarantine row rather than a failed job.
 */
final class ParquetShards {
  private ParquetShards() {}

  private static final class FooterCheck implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    String path;
    String problem;
    String reason;
  }

  static Dataset<Row> read(
      SparkSession spark,
      List<InputFiles.Entry> files,
      String textColumn,
      ShardReader.Options opts) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<SerializableHadoopConf> conf =
        jsc.broadcast(new SerializableHadoopConf(spark.sparkContext().hadoopConfiguration()));
    List<FooterCheck> checks =
        jsc.parallelize(files, Math.max(1, Math.min(files.size(), 4 * jsc.defaultParallelism())))
            .map(e -> check(e.path, textColumn, conf.value()))
            .collect(); // one small record per file, not data
    List<String> good = new ArrayList<>();
    List<Row> bad = new ArrayList<>();
    for (FooterCheck fc : checks) {
      if (fc.problem == null) {
        good.add(fc.path);
      } else {
        bad.addAll(badFileRows(fc));
      }
    }
    Dataset<Row> out = spark.createDataFrame(bad, IngestTables.RECORD);
    if (good.isEmpty()) {
      return out;
    }
    Dataset<Row> rows = rows(spark.read().parquet(good.toArray(new String[0])), textColumn);
    Dataset<Row> perFile =
        rows.groupBy("file")
            .agg(
                count(lit(1)).as("lines_read"),
                sum(when(col("text").isNotNull(), 1L).otherwise(0L)).as("docs"));
    // Files with zero rows still get a summary row.
    return out.unionByName(records(rows, textColumn, opts))
        .unionByName(fileSummaries(perFile))
        .unionByName(emptyFileSummaries(spark, good, perFile));
  }

  /**
   * One row per Parquet row: file (listing spelling), 1-based row number, text, other columns as
   * meta JSON.
   */
  private static Dataset<Row> rows(Dataset<Row> raw, String textColumn) {
    List<Column> others = new ArrayList<>();
    for (String f : raw.columns()) {
      if (!f.equals(textColumn)) {
        others.add(col("`" + f + "`"));
      }
    }
    Column meta =
        others.isEmpty()
            ? lit(null).cast("string")
            : to_json(struct(others.toArray(new Column[0])));
    // Same spelling of the path as the file listing (Hadoop Path form), so per-file rows line up.
    UserDefinedFunction hadoopPath =
        udf((String f) -> new Path(new java.net.URI(f)).toString(), DataTypes.StringType);
    return raw.select(
        hadoopPath.apply(col("_metadata.file_path")).as("file"),
        col("_metadata.row_index").plus(1).as("line_number"),
        col("`" + textColumn + "`").cast("string").as("text"),
        meta.as("meta"));
  }

  /** Rows as ingest records: a doc per non-null text, a null_text quarantine row otherwise. */
  private static Dataset<Row> records(
      Dataset<Row> rows, String textColumn, ShardReader.Options opts) {
    String idBase = opts.idBase;
    UserDefinedFunction docId =
        udf(
            (String file, Long line) -> DocIdHolder.IDS.get().of(DocIds.idPath(file, idBase), line),
            DataTypes.StringType);
    String defaultSource = opts.defaultSource;
    String regex = opts.pathSourceRegex;
    UserDefinedFunction pathSource =
        udf(
            (String file) -> {
              String s = regex == null ? null : PathSource.of(file, regex);
              return s == null ? defaultSource : s;
            },
            DataTypes.StringType);
    Column isDoc = col("text").isNotNull();
    return rows.select(
        when(isDoc, lit("doc")).otherwise(lit("quarantine")).as("kind"),
        col("file"),
        col("line_number"),
        lit(0L).as("byte_offset"),
        when(isDoc, docId.apply(col("file"), col("line_number"))).as("doc_id"),
        when(isDoc, pathSource.apply(col("file"))).as("source"),
        col("text"),
        col("meta"),
        lit(null).cast("string").as("extra"),
        coalesce(length(col("text").cast("binary")).cast("long"), lit(0L)).as("byte_length"),
        lit(false).as("utf8_repaired"),
        when(isDoc, lit(null).cast("string"))
            .otherwise(lit(QuarantineReason.NULL_TEXT.code()))
            .as("reason"),
        when(isDoc, lit(null).cast("string"))
            .otherwise(lit("column '" + textColumn + "' is null"))
            .as("detail"),
        when(isDoc, lit(null).cast("binary"))
            .otherwise(col("meta").cast("binary"))
            .as("raw_prefix"),
        lit(0L).as("line_bytes"),
        lit(null).cast("string").as("compression"),
        lit(0L).as("lines_read"),
        lit(0L).as("docs"),
        lit(0L).as("quarantined"),
        lit(0L).as("blank"),
        lit(0L).as("repaired"),
        lit(0L).as("compressed_bytes"),
        lit(0L).as("decompressed_bytes"),
        lit(false).as("damaged"));
  }

  /** One file_summary record per file with rows (lines read, docs, quarantined). */
  private static Dataset<Row> fileSummaries(Dataset<Row> perFile) {
    return perFile.select(
        lit("file_summary").as("kind"),
        col("file"),
        lit(0L).as("line_number"),
        lit(0L).as("byte_offset"),
        lit(null).cast("string").as("doc_id"),
        lit(null).cast("string").as("source"),
        lit(null).cast("string").as("text"),
        lit(null).cast("string").as("meta"),
        lit(null).cast("string").as("extra"),
        lit(0L).as("byte_length"),
        lit(false).as("utf8_repaired"),
        lit(null).cast("string").as("reason"),
        lit(null).cast("string").as("detail"),
        lit(null).cast("binary").as("raw_prefix"),
        lit(0L).as("line_bytes"),
        lit("parquet").as("compression"),
        col("lines_read"),
        col("docs"),
        col("lines_read").minus(col("docs")).as("quarantined"),
        lit(0L).as("blank"),
        lit(0L).as("repaired"),
        lit(0L).as("compressed_bytes"),
        lit(0L).as("decompressed_bytes"),
        lit(false).as("damaged"));
  }

  private static Dataset<Row> emptyFileSummaries(
      SparkSession spark, List<String> good, Dataset<Row> perFile) {
    List<Row> all = new ArrayList<>();
    for (String g : good) {
      all.add(ReadShardsFunction.toRow(summary(g, "parquet", 0, 0, false)));
    }
    Dataset<Row> every = spark.createDataFrame(all, IngestTables.RECORD);
    return every.join(
        perFile.select(col("file").as("f")), col("file").equalTo(col("f")), "left_anti");
  }

  private static IngestRecord summary(
      String file, String compression, long lines, long quarantined, boolean damaged) {
    IngestRecord s = new IngestRecord();
    s.kind = IngestRecord.Kind.FILE_SUMMARY;
    s.file = file;
    s.compression = compression;
    s.linesRead = lines;
    s.quarantined = quarantined;
    s.damaged = damaged;
    return s;
  }

  private static List<Row> badFileRows(FooterCheck fc) {
    IngestRecord q = new IngestRecord();
    q.kind = IngestRecord.Kind.QUARANTINE;
    q.file = fc.path;
    q.lineNumber = 1;
    q.reason = fc.reason;
    q.detail = fc.problem;
    return List.of(
        ReadShardsFunction.toRow(q),
        ReadShardsFunction.toRow(summary(fc.path, "parquet", 1, 1, true)));
  }

  private static FooterCheck check(String path, String textColumn, SerializableHadoopConf conf) {
    FooterCheck fc = new FooterCheck();
    Path p = new Path(path);
    fc.path = path;
    try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(p, conf.get()))) {
      MessageType schema = r.getFooter().getFileMetaData().getSchema();
      if (!schema.containsField(textColumn)) {
        fc.problem =
            "Parquet file has no column '"
                + textColumn
                + "' (ingest.parquet.text_column); columns: "
                + schema.getFields().stream().map(Type::getName).toList();
        fc.reason = QuarantineReason.MISSING_TEXT.code();
        return fc;
      }
      Type t = schema.getType(textColumn);
      if (!t.isPrimitive()
          || t.asPrimitiveType().getPrimitiveTypeName() != PrimitiveType.PrimitiveTypeName.BINARY) {
        fc.problem = "column '" + textColumn + "' is " + t + ", not a string";
        fc.reason = QuarantineReason.TEXT_NOT_STRING.code();
      }
    } catch (java.io.IOException | RuntimeException e) {
      fc.problem = e.getClass().getSimpleName() + ": " + e.getMessage();
      fc.reason = QuarantineReason.UNREADABLE_FILE.code();
    }
    return fc;
  }

  /** One DocIds (holds a MessageDigest) per executor thread. */
  static final class DocIdHolder {
    static final ThreadLocal<DocIds> IDS = ThreadLocal.withInitial(DocIds::new);
  }

  static final class PathSource {
    static String of(String file, String regex) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(file);
      if (!m.find()) {
        return null;
      }
      return m.groupCount() >= 1 && m.group(1) != null ? m.group(1) : m.group();
    }
  }
}
