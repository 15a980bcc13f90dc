package dev.slimspark.jobs.tokenize;

import dev.slimspark.lake.TokenCodec;
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

  /**
   * Schema of docs_tokens. {@code tokens} is one binary value per document ({@link TokenCodec}:
   * little-endian uint16 or int32, named by {@code dtype}), not {@code array<int>}: Parquet writes
   * an array element by element with repetition levels, which cost ~15 % of the stage's CPU with a
   * fast tokenizer, and stores 4 bytes per id where 2 suffice.
   */
  public static final StructType SCHEMA =
      new StructType()
          .add("doc_id", DataTypes.StringType, true)
          .add("source", DataTypes.StringType, true)
          .add("token_count", DataTypes.IntegerType, false)
          .add("tokens", DataTypes.BinaryType, false)
          .add("dtype", DataTypes.StringType, false)
          .add("chunks", DataTypes.IntegerType, false);

  /** The dtype of docs_tokens for a tokenizer: uint16 when all its ids fit (GPT-2, Llama-2). */
  public static String dtypeFor(TextTokenizer t) {
    return TokenCodec.dtypeFor(0, t.vocabSize() - 1L);
  }

  /**
   * Tokenizes (doc_id, source, text) rows. {@code bos}/{@code eos} are ids added before/after each
   * document, -1 for none. A null text is tokenized as "" (only boundary tokens). A task fails if
   * the tokenizer emits an id that {@code dtype} cannot hold (a tokenizer.json whose vocabulary
   * size is inconsistent), rather than storing a wrong id.
   */
  public static Dataset<Row> apply(
      Dataset<Row> docs,
      Tokenizers.Spec spec,
      Broadcast<byte[]> contents,
      int bos,
      int eos,
      String dtype) {
    MapPartitionsFunction<Row, Row> fn =
        rows -> {
          TextTokenizer tok =
              contents == null ? Tokenizers.get(spec) : Tokenizers.get(spec, contents::value);
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
              byte[] ids = TokenCodec.encode(e.ids(), bos, eos, dtype);
              return RowFactory.create(
                  r.get(0),
                  r.get(1),
                  ids.length / TokenCodec.bytesPerToken(dtype),
                  ids,
                  dtype,
                  e.chunks());
            }
          };
        };
    return docs.mapPartitions(fn, Encoders.row(SCHEMA));
  }
}
