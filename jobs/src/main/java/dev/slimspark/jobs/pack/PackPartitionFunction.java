package dev.slimspark.jobs.pack;

import dev.slimspark.lake.TokenCodec;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Runs one packer per (partition, split) over documents that arrive sorted by (split, seeded
 * order). Emits packed rows lazily plus, at the end of each split, one stats record (is_stats =
 * true) so the driver can reconcile without a second pass. Each row gets a seeded sort key from
 * (seed, split, partition, row number): the global shuffle that follows depends only on input and
 * config.
 */
final class PackPartitionFunction implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  static final StructType SCHEMA =
      new StructType()
          .add("split", DataTypes.StringType, false)
          .add("is_stats", DataTypes.BooleanType, false)
          .add("row_key", DataTypes.LongType, true)
          .add("part", DataTypes.IntegerType, false)
          .add("seq", DataTypes.LongType, true)
          .add("tokens", DataTypes.BinaryType, true)
          .add("segment_lengths", DataTypes.createArrayType(DataTypes.IntegerType, false), true)
          .add("doc_ids", DataTypes.createArrayType(DataTypes.StringType, false), true)
          .add("pad_count", DataTypes.IntegerType, true)
          .add("st_docs", DataTypes.LongType, true)
          .add("st_tokens", DataTypes.LongType, true)
          .add("st_docs_split", DataTypes.LongType, true)
          .add("st_tail", DataTypes.LongType, true)
          .add("st_docs_in_tail", DataTypes.LongType, true);

  private final PackOptions config;
  private final String dtype;

  PackPartitionFunction(PackOptions config, String dtype) {
    this.config = config;
    this.dtype = dtype;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> docs) {
    TaskContext tc = TaskContext.get();
    return new PackedRows(docs, tc == null ? 0 : tc.partitionId());
  }

  /** One partition's packed rows and a stats row per split, made as the caller pulls them. */
  private final class PackedRows implements Iterator<Row> {
    private final Iterator<Row> docs;
    private final int part;
    private final ArrayDeque<Row> out = new ArrayDeque<>();
    private RowPacker packer;
    private String split;
    private long seq;

    PackedRows(Iterator<Row> docs, int part) {
      this.docs = docs;
      this.part = part;
    }

    @Override
    public boolean hasNext() {
      while (out.isEmpty()) {
        if (docs.hasNext()) {
          Row d = docs.next();
          String s = d.getString(0);
          if (!s.equals(split)) {
            closeSplit();
            split = s;
            seq = 0;
            packer =
                RowPacker.create(
                    config.mode(), config.rowTokens(), config.padId(), config.windowTokens());
          }
          packer.add(d.getString(1), TokenCodec.decode((byte[]) d.get(2), d.getString(3)));
          drain();
        } else if (packer != null) {
          closeSplit();
          packer = null;
        } else {
          return false;
        }
      }
      return true;
    }

    private void closeSplit() {
      if (packer == null) {
        return;
      }
      packer.finish();
      drain();
      PackStats st = packer.stats();
      out.addLast(
          RowFactory.create(
              split,
              true,
              null,
              part,
              null,
              null,
              null,
              null,
              null,
              st.docs,
              st.tokensIn,
              st.docsSplit,
              st.tailTokensDropped,
              st.docsInTail));
    }

    private void drain() {
      long splitCode = split.hashCode();
      for (PackedRow r = packer.ready.pollFirst(); r != null; r = packer.ready.pollFirst()) {
        long key = Hashing.key(config.seed(), splitCode, part, seq);
        out.addLast(
            RowFactory.create(
                split,
                false,
                key,
                part,
                seq,
                TokenCodec.encode(r.tokens, dtype),
                seq(boxed(r.segmentLengths)),
                seq(java.util.Arrays.asList(r.docIds)),
                r.padCount,
                null,
                null,
                null,
                null,
                null));
        seq++;
      }
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return out.pollFirst();
    }
  }

  /** Rows from Encoders.row take Scala sequences for array columns. */
  private static <T> scala.collection.Seq<T> seq(List<T> list) {
    return scala.collection.JavaConverters.asScalaBuffer(list).toSeq();
  }

  private static List<Integer> boxed(int[] a) {
    Integer[] b = new Integer[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = a[i];
    }
    return java.util.Arrays.asList(b);
  }
}
