package dev.slimspark.jobs.dedup;

import dev.slimspark.udfs.minhash.BandHasher;
import dev.slimspark.udfs.minhash.LshParams;
import dev.slimspark.udfs.minhash.MinHasher;
import dev.slimspark.udfs.minhash.Shingler;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MinHash signatures and LSH band keys of {@code (node, text)} rows, via mapPartitions so that the
 * shingler, permutation coefficients and the working signature are built once per partition.
 *
 * <p>Output {@code (node, sig array<bigint>, band_keys array<bigint>)}, checkpointed (it feeds both
 * LSH and verification). Documents shorter than one shingle produce no row: they take part in exact
 * dedup only and are counted as {@code shortDocs}. Storage risk: numPerm * 8 bytes per doc.
 */
public final class MinHashStep {
  private static final Logger LOG = LoggerFactory.getLogger(MinHashStep.class);

  static final StructType SCHEMA =
      new StructType()
          .add(Cols.NODE, DataTypes.LongType, false)
          .add(Cols.SIG, DataTypes.createArrayType(DataTypes.LongType, false), false)
          .add(Cols.BAND_KEYS, DataTypes.createArrayType(DataTypes.LongType, false), false);

  /** Signatures plus counts. */
  public record Result(Dataset<Row> signatures, long signed, long shortDocs) {}

  private MinHashStep() {}

  /**
   * @param texts {@code (node, text)} of the exact-dedup survivors
   * @param survivors how many rows {@code texts} has (known from exact dedup: counting would
   *     re-read every text)
   */
  public static Result run(
      Dataset<Row> texts, long survivors, DedupOptions opts, LshParams params) {
    Dataset<Row> sigs =
        Lineage.cut(
            texts
                .select(Cols.NODE, Cols.TEXT)
                .mapPartitions(new SignFn(opts, params), Encoders.row(SCHEMA)),
            opts);
    long total = survivors;
    long signed = sigs.count();
    LOG.info(
        "minhash: {} docs signed, {} shorter than one shingle (exact dedup only)",
        signed,
        total - signed);
    return new Result(sigs, signed, total - signed);
  }

  /** The shingler every step uses for these options (seed shared with MinHash by design). */
  static Shingler shingler(DedupOptions opts) {
    return new Shingler(opts.shingleType(), opts.shingleSize(), opts.normalization(), opts.seed());
  }

  static BandHasher bandHasher(DedupOptions opts, LshParams params) {
    return new BandHasher(params, opts.seed() * 31 + 17);
  }

  private static final class SignFn implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final DedupOptions opts;
    private final LshParams params;

    SignFn(DedupOptions opts, LshParams params) {
      this.opts = opts;
      this.params = params;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> in) {
      MinHasher mh = new MinHasher(opts.numPerm(), opts.seed(), shingler(opts));
      BandHasher bh = bandHasher(opts, params);
      long[] work = new long[opts.numPerm()];
      return new Iterator<>() {
        private Row next;

        @Override
        public boolean hasNext() {
          while (next == null && in.hasNext()) {
            Row r = in.next();
            String text = r.isNullAt(1) ? "" : r.getString(1);
            if (mh.signature(text, work) > 0) {
              long[] keys = new long[params.bands()];
              bh.bandKeys(work, keys);
              // The row keeps its own copy; work is reused for the next document.
              next = RowFactory.create(r.getLong(0), work.clone(), keys);
            }
          }
          return next != null;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Row r = next;
          next = null;
          return r;
        }
      };
    }
  }
}
