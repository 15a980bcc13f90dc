package dev.slimspark.jobs.pack;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.lake.TokenCodec;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Assigns each document its split and mix bucket (seeded hashes of doc_id, so a document always
 * lands in the same split) and scans the corpus once: tokens per (split, source, bucket), the id
 * range (for the dtype) and documents containing the pad id. Only these aggregates reach the
 * driver: at most splits x sources x {@link #BUCKETS} rows.
 */
final class CorpusScan {
  /** Mix buckets: the fractional sample is exact to 1/BUCKETS of a source's tokens (or one doc). */
  static final int BUCKETS = 1 << 14;

  /** One (split, source, bucket) cell. */
  static final class Cell {
    final String split;
    final String source;
    final int bucket;
    final long docs;
    final long tokens;

    Cell(String split, String source, int bucket, long docs, long tokens) {
      this.split = split;
      this.source = source;
      this.bucket = bucket;
      this.docs = docs;
      this.tokens = tokens;
    }
  }

  final List<Cell> cells = new ArrayList<>();
  long minId = Long.MAX_VALUE;
  long maxId = Long.MIN_VALUE;
  long docsWithPad;
  long padOccurrences;

  private CorpusScan() {}

  /** docs_tokens plus split, bucket and ntok columns. */
  static Dataset<Row> assign(Dataset<Row> docs, PackOptions c) {
    int buckets = c.mix().isEmpty() ? 1 : BUCKETS;
    return docs.withColumn("split", PackedRowsTable.split(c.seed(), c.validationFraction()))
        .withColumn(
            "bucket",
            pmod(xxhash64(lit(c.seed()), lit("mix"), col("doc_id")), lit((long) buckets))
                .cast("int"))
        .withColumn("ntok", expr("coalesce(token_count, 0)").cast("long"));
  }

  private static final StructType ID_STATS =
      new StructType()
          .add("lo", DataTypes.IntegerType, true)
          .add("hi", DataTypes.IntegerType, true)
          .add("pads", DataTypes.IntegerType, false);

  /**
   * Per document, from its encoded tokens: smallest id, largest id (null when empty) and how often
   * the pad id occurs. One decode per document; SQL on the binary column cannot do this cheaply.
   */
  static Column idStats(int padId) {
    UDF3<byte[], String, Integer, Row> f =
        (bytes, dtype, pad) -> {
          int lo = Integer.MAX_VALUE;
          int hi = Integer.MIN_VALUE;
          int pads = 0;
          int step = TokenCodec.UINT16.equals(dtype) ? 2 : 4;
          int n = bytes == null ? 0 : bytes.length / step * step;
          // The ids are read in place: no int[] per document.
          for (int o = 0; o < n; o += step) {
            int id = (bytes[o] & 0xFF) | (bytes[o + 1] & 0xFF) << 8;
            if (step == 4) {
              id |= (bytes[o + 2] & 0xFF) << 16 | (bytes[o + 3] & 0xFF) << 24;
            }
            lo = Math.min(lo, id);
            hi = Math.max(hi, id);
            pads += id == pad ? 1 : 0;
          }
          return n == 0 ? RowFactory.create(null, null, pads) : RowFactory.create(lo, hi, pads);
        };
    return udf(f, ID_STATS).apply(col("tokens"), col("dtype"), lit(padId));
  }

  static CorpusScan run(Dataset<Row> assigned, PackOptions c) {
    CorpusScan s = new CorpusScan();
    List<Row> rows =
        assigned
            .withColumn("_ids", idStats(c.padId()))
            .groupBy(col("split"), col("source"), col("bucket"))
            .agg(
                count(lit(1)),
                sum("ntok"),
                min("_ids.lo"),
                max("_ids.hi"),
                sum(when(col("_ids.pads").gt(0), 1).otherwise(0)),
                sum("_ids.pads"))
            .collectAsList();
    for (Row r : rows) {
      String source = r.isNullAt(1) ? "unknown" : r.getString(1);
      s.cells.add(
          new Cell(
              r.getString(0), source, r.getInt(2), r.getLong(3), r.isNullAt(4) ? 0 : r.getLong(4)));
      if (!r.isNullAt(5)) {
        s.minId = Math.min(s.minId, r.getInt(5));
        s.maxId = Math.max(s.maxId, r.getInt(6));
      }
      s.docsWithPad += r.isNullAt(7) ? 0 : r.getLong(7);
      s.padOccurrences += r.isNullAt(8) ? 0 : r.getLong(8);
    }
    return s;
  }

  /** Fails the job, naming a few documents, when any document token equals the pad id. */
  void requireNoPad(Dataset<Row> assigned, PackOptions c) {
    if (docsWithPad == 0) {
      return;
    }
    List<String> examples = new ArrayList<>();
    for (Row r :
        assigned
            .filter(idStats(c.padId()).getField("pads").gt(0))
            .select("doc_id")
            .limit(5)
            .collectAsList()) {
      examples.add(r.getString(0));
    }
    throw UserErrors.of(
        "pack.pad_id = "
            + c.padId()
            + " occurs "
            + padOccurrences
            + " times as a real token, in "
            + docsWithPad
            + " documents (e.g. "
            + String.join(", ", examples)
            + ").",
        "Padding must be distinguishable from text: a trainer masks pad positions, so a real token "
            + "with the pad id would be silently masked or learned as padding.",
        "Set pack.pad_id to an id the tokenizer never emits (e.g. the vocabulary size), or fix the "
            + "tokenize stage.");
  }
}
