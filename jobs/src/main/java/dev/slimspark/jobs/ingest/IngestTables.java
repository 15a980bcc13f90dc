package dev.slimspark.jobs.ingest;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Schemas of the ingest stage's tables (see data-schemas/ for each column's meaning). */
public final class IngestTables {
  /** Internal: every record kind in one row shape, so one pass over the input feeds all tables. */
  static final StructType RECORD =
      new StructType()
          .add("kind", DataTypes.StringType, false)
          .add("file", DataTypes.StringType, false)
          .add("line_number", DataTypes.LongType, false)
          .add("byte_offset", DataTypes.LongType, false)
          .add("doc_id", DataTypes.StringType, true)
          .add("source", DataTypes.StringType, true)
          .add("text", DataTypes.StringType, true)
          .add("meta", DataTypes.StringType, true)
          .add("extra", DataTypes.StringType, true)
          .add("byte_length", DataTypes.LongType, false)
          .add("utf8_repaired", DataTypes.BooleanType, false)
          .add("reason", DataTypes.StringType, true)
          .add("detail", DataTypes.StringType, true)
          .add("raw_prefix", DataTypes.BinaryType, true)
          .add("line_bytes", DataTypes.LongType, false)
          .add("compression", DataTypes.StringType, true)
          .add("lines_read", DataTypes.LongType, false)
          .add("docs", DataTypes.LongType, false)
          .add("quarantined", DataTypes.LongType, false)
          .add("blank", DataTypes.LongType, false)
          .add("repaired", DataTypes.LongType, false)
          .add("compressed_bytes", DataTypes.LongType, false)
          .add("decompressed_bytes", DataTypes.LongType, false)
          .add("damaged", DataTypes.BooleanType, false);

  static final String[] DOCS_RAW_COLUMNS = {
    "doc_id",
    "source",
    "file",
    "line_number",
    "text",
    "meta",
    "extra",
    "byte_length",
    "utf8_repaired"
  };

  static final String[] QUARANTINE_COLUMNS = {
    "file", "line_number", "byte_offset", "reason", "detail", "line_bytes", "raw_prefix"
  };

  static final String[] FILES_COLUMNS = {
    "file",
    "compression",
    "lines_read",
    "docs",
    "quarantined",
    "blank",
    "repaired",
    "compressed_bytes",
    "decompressed_bytes",
    "damaged"
  };

  private IngestTables() {}

  static org.apache.spark.sql.Column[] columns(String[] names) {
    org.apache.spark.sql.Column[] out = new org.apache.spark.sql.Column[names.length];
    for (int i = 0; i < names.length; i++) {
      out[i] = org.apache.spark.sql.functions.col(names[i]);
    }
    return out;
  }
}
