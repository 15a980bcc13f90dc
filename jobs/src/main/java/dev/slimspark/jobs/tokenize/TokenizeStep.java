package dev.slimspark.jobs.tokenize;

import dev.slimspark.udfs.tokenize.TextTokenizer;
import dev.slimspark.udfs.tokenize.Tokenizers;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The per-document work of the tokenize stage: one pass per partition with the executor JVM's
 * tokenizer (built once per JVM from the broadcast file, never per row or task).
 */
public final class TokenizeStep {
  private TokenizeStep() {}

  /** Schema of docs_tokens. */
  public static final StructType SCHEMA =
      new StructType()
          .add("doc_id", DataTypes.StringType, true)
          .add("source", DataTypes.StringType, true)
          .add("token_count", DataTypes.IntegerType, false)
          .add("tokens", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
          .add("chunks", DataTypes.IntegerType, false);

  /**
   * Tokenizes (doc_id, source, text) rows. {@code bos}/{@code eos} are ids added before/after each
   * document, -1 for none. A null text is tokenized as "" (only boundary tokens).
   */
  public static Dataset<Row> apply(
      Dataset<Row> docs, Tokenizers.Spec spec, Broadcast<byte[]> contents, int bos, int eos) {
    MapPartitionsFunction<Row, Row> fn =
        rows -> {
          TextTokenizer tok = contents == null ? Tokenizers.get(spec) : Tokenizers.get(spec, contents::value);
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return rows.hasNext();
            }

            @Override
            public Row next() {
              Row r = rows.next();
              String text = r.isNullAt(2) ? "" : r.getString(2);
              TextTokenizer.Encoded e = tok.encodeCounted(text);
              int[] ids = withBoundaries(e.ids(), bos, eos);
              return RowFactory.create(r.get(0), r.get(1), ids.length, ids, e.chunks());
            }
          };
        };
    return docs.mapPartitions(fn, Encoders.row(SCHEMA));
  }

  /** {@code ids} with bos prepended and eos appended where they are >= 0. */
  static int[] withBoundaries(int[] ids, int bos, int eos) {
    if (bos < 0 && eos < 0) {
      return ids;
    }
    int start = bos >= 0 ? 1 : 0;
    int[] out = new int[ids.length + start + (eos >= 0 ? 1 : 0)];
    if (bos >= 0) {
      out[0] = bos;
    }
    System.arraycopy(ids, 0, out, start, ids.length);
    if (eos >= 0) {
      out[out.length - 1] = eos;
    }
    return out;
  }
}
