package dev.slimspark.jobs.dedup;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import dev.slimspark.udfs.minhash.ExactHasher;
import dev.slimspark.udfs.minhash.Normalization;
import java.util.EnumMap;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assigns every document its global ordering key and its exact-duplicate representative.
 *
 * <p>Output "meta" table, one row per input doc, no text: {@code doc_id, source, bytes (UTF-8 of
 * text), content_hash (16 bytes), node, rep}. {@code node} is the rank of (source priority, doc_id)
 * made dense-ish by a global sort and {@code monotonically_increasing_id} (order-preserving over
 * sorted partitions), so "smallest node" = "the doc the keep rule prefers"; only the order of node
 * values is meaningful, never their values (they depend on partitioning). {@code rep} is the
 * smallest node with the same content hash of the normalized text; {@code node != rep} means
 * "removed as exact duplicate". Empty and whitespace-only docs are exact duplicates of each other.
 *
 * <p>The table is checkpointed: node ids must not be recomputed differently by later steps.
 * Group-by-hash uses partial aggregation and the join streams the big side, so one hash shared by
 * half the corpus does not pile up in a task's memory.
 */
public final class ExactDedupStep {
  private static final Logger LOG = LoggerFactory.getLogger(ExactDedupStep.class);

  /** Meta table plus counts. */
  public record Result(Dataset<Row> meta, long docsIn, long exactRemoved) {
    /** Frees the checkpointed meta table; {@link #meta()} is unusable afterwards. */
    public void release() {
      Lineage.release(meta);
    }
  }

  private ExactDedupStep() {}

  public static Result run(Dataset<Row> docs, DedupOptions opts) {
    Dataset<Row> keyed =
        docs.select(
            col(Cols.DOC_ID),
            col(Cols.SOURCE),
            priorityColumn(opts.sourcePriority()).as(Cols.PRIO),
            coalesce(octet_length(col(Cols.TEXT)).cast("long"), lit(0L)).as(Cols.BYTES),
            contentHashUdf(opts.normalization()).apply(col(Cols.TEXT)).as(Cols.HASH));
    // The sort's output partitions are range-ordered, so the id is monotone in (prio, doc_id).
    // Materialized before its two uses below: evaluated twice, the sort's partitions (and so the
    // ids, which encode the partition index) can differ between evaluations under adaptive
    // execution, and reps would then name other documents' nodes.
    Dataset<Row> ordered =
        Lineage.cut(
            keyed
                .orderBy(col(Cols.PRIO), col(Cols.DOC_ID))
                .withColumn(Cols.NODE, monotonically_increasing_id()),
            opts);
    Dataset<Row> reps = ordered.groupBy(Cols.HASH).agg(min(Cols.NODE).as(Cols.REP));
    Dataset<Row> meta =
        Lineage.cut(
            ordered
                .join(reps, Cols.HASH)
                .select(Cols.DOC_ID, Cols.SOURCE, Cols.BYTES, Cols.HASH, Cols.NODE, Cols.REP),
            opts);
    Lineage.release(ordered);
    // Both counts in one job over the (materialized) meta table.
    Row n =
        meta.agg(count(lit(1)), sum(when(col(Cols.NODE).notEqual(col(Cols.REP)), 1L).otherwise(0L)))
            .first();
    long docsIn = n.getLong(0);
    long removed = n.isNullAt(1) ? 0 : n.getLong(1);
    LOG.info("exact dedup: {} docs in, {} removed as exact duplicates", docsIn, removed);
    return new Result(meta, docsIn, removed);
  }

  /** CASE source WHEN p0 THEN 0 ... ELSE n END (null source ranks last too). */
  static Column priorityColumn(List<String> priority) {
    Column c = lit(priority.size());
    for (int i = priority.size() - 1; i >= 0; i--) {
      c = when(col(Cols.SOURCE).equalTo(priority.get(i)), i).otherwise(c);
    }
    return c;
  }

  static UserDefinedFunction contentHashUdf(Normalization normalization) {
    return udf(new HashFn(normalization), DataTypes.BinaryType);
  }

  /** Content hash UDF; reuses one ExactHasher per thread (MessageDigest is not thread-safe). */
  private static final class HashFn implements UDF1<String, byte[]> {
    private static final long serialVersionUID = 1L;
    private static final ThreadLocal<EnumMap<Normalization, ExactHasher>> HASHERS =
        ThreadLocal.withInitial(() -> new EnumMap<>(Normalization.class));
    private final Normalization normalization;

    HashFn(Normalization normalization) {
      this.normalization = normalization;
    }

    @Override
    public byte[] call(String text) {
      return HASHERS
          .get()
          .computeIfAbsent(normalization, ExactHasher::new)
          .digest(text == null ? "" : text);
    }
  }
}
