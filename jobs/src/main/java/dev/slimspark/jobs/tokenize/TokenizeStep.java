package dev.slimspark.jobs.tokenize;

import dev.slimspark.lake.TokenCodec;
import dev.slimspark.udfs.tokenize.TextTokenizer;
import dev.slimspark.udfs.tokenize.Tokenizers;
import java.util.Iterator;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowWriter;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

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
   *
   * <p>Works on Spark's internal rows, not {@code Row}: the text is decoded from the scan's UTF-8
   * bytes once (straight into the String the tokenizer needs) and each output row is written into
   * one reused {@link UnsafeRowWriter}, with the ids encoded into one reused buffer. Converting to
   * and from {@code Row} cost ~12 % of the stage's CPU with the Llama-2 encoder (BENCHMARKS.md).
   */
  public static Dataset<Row> apply(
      Dataset<Row> docs,
      Tokenizers.Spec spec,
      Broadcast<byte[]> contents,
      int bos,
      int eos,
      String dtype) {
    FlatMapFunction<Iterator<InternalRow>, InternalRow> fn =
        rows -> {
          TextTokenizer tok =
              contents == null ? Tokenizers.get(spec) : Tokenizers.get(spec, contents::value);
          return new TokenRows(rows, tok, bos, eos, dtype);
        };
    RDD<InternalRow> out = docs.queryExecution().toRdd().toJavaRDD().mapPartitions(fn).rdd();
    // Scala's private[sql] is public in bytecode: the way to a DataFrame over internal rows
    // without a conversion per row.
    return docs.sparkSession().internalCreateDataFrame(out, SCHEMA, false);
  }

  /** One partition's docs_tokens rows; the returned row is reused (Spark's writers copy). */
  private static final class TokenRows implements Iterator<InternalRow> {
    private static final int KEEP_BUFFER_BYTES = 1 << 22;
    private final Iterator<InternalRow> rows;
    private final TextTokenizer tok;
    private final int bos;
    private final int eos;
    private final boolean u16;
    private final int bytesPerToken;
    private final UTF8String dtype;
    private final UnsafeRowWriter writer = new UnsafeRowWriter(SCHEMA.size(), 1024);
    private byte[] buffer = new byte[1 << 16];

    TokenRows(Iterator<InternalRow> rows, TextTokenizer tok, int bos, int eos, String dtype) {
      this.rows = rows;
      this.tok = tok;
      this.bos = bos;
      this.eos = eos;
      this.u16 = TokenCodec.UINT16.equals(dtype);
      this.bytesPerToken = TokenCodec.bytesPerToken(dtype);
      this.dtype = UTF8String.fromString(dtype);
    }

    @Override
    public boolean hasNext() {
      return rows.hasNext();
    }

    @Override
    public InternalRow next() {
      InternalRow r = rows.next();
      TextTokenizer.Encoded e = r.isNullAt(2) ? tok.encodeCounted("") : encode(r.getUTF8String(2));
      int n = (e.ids().length + 2) * bytesPerToken; // room for BOS and EOS
      if (buffer.length < n || buffer.length > KEEP_BUFFER_BYTES && n <= KEEP_BUFFER_BYTES) {
        buffer = new byte[Math.max(n, 1 << 16)]; // grow, or shrink after one huge document
      }
      int len = TokenCodec.encodeInto(e.ids(), bos, eos, u16, buffer);
      writer.reset();
      writer.zeroOutNullBytes();
      copyOrNull(r, 0);
      copyOrNull(r, 1);
      writer.write(2, len / bytesPerToken);
      writer.write(3, buffer, 0, len);
      writer.write(4, dtype);
      writer.write(5, e.chunks());
      return writer.getRow();
    }

    private void copyOrNull(InternalRow r, int ordinal) {
      if (r.isNullAt(ordinal)) {
        writer.setNullAt(ordinal);
      } else {
        writer.write(ordinal, r.getUTF8String(ordinal));
      }
    }

    /**
     * Encodes the scan's UTF-8 bytes where they lie (a tokenizer may then skip the String that
     * would cost an allocation the size of the text per row).
     */
    private TextTokenizer.Encoded encode(UTF8String s) {
      if (s.getBaseObject() instanceof byte[] base) {
        int off = (int) (s.getBaseOffset() - Platform.BYTE_ARRAY_OFFSET);
        return tok.encodeUtf8(base, off, s.numBytes());
      }
      byte[] b = s.getBytes();
      return tok.encodeUtf8(b, 0, b.length);
    }
  }
}
