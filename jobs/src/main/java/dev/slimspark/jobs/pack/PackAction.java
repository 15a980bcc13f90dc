package dev.slimspark.jobs.pack;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.lake.TokenCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work of pack: docs_tokens rows in, packed_rows rows out, no config and no lake. Steps: (1)
 * split and mix bucket per document, one scan for token counts, id range and pad-id violations; (2)
 * mix plan (whole epochs + seeded fractional sample per source); (3) copies of documents
 * hash-partitioned into ceil(tokens / partition_tokens) partitions, sorted by a seeded key, packed
 * per partition (concat or best-fit); (4) seeded global shuffle of rows into shards of
 * ~target_file_bytes. Deterministic: every choice is a seeded hash of doc_id (and copy number), and
 * the partition count depends only on input and options, not on the cluster.
 */
final class PackAction {
  private static final Logger LOG = LoggerFactory.getLogger(PackAction.class);

  private PackAction() {}

  /**
   * Packs {@code tokens} (docs_tokens columns); {@code existing} is packed_rows as it stands, or
   * null when there is none (append continues its shard ids). The result holds the packed rows
   * persisted on local disk: write {@link PackResult#table()}, then {@link PackResult#release()}.
   */
  static PackResult run(Dataset<Row> tokens, Dataset<Row> existing, PackOptions c) {
    Dataset<Row> assigned =
        CorpusScan.assign(tokens.select("doc_id", "source", "token_count", "tokens", "dtype"), c);
    CorpusScan scan = CorpusScan.run(assigned, c);
    scan.requireNoPad(assigned, c);
    String dtype =
        TokenCodec.dtypeFor(Math.min(scan.minId, c.padId()), Math.max(scan.maxId, c.padId()));
    MixPlan plan = MixPlan.build(scan, c.mix());
    long sampled = plan.sampledTokens();
    int partitions =
        (int)
            Math.max(
                1, Math.min(1 << 20, (sampled + c.partitionTokens() - 1) / c.partitionTokens()));
    LOG.info(
        "pack: {} sampled tokens into {} partitions, mode {}, dtype {}",
        sampled,
        partitions,
        c.mode(),
        dtype);

    Map<String, Integer> firstShard = firstShards(existing, c, dtype);
    Dataset<Row> packed =
        copies(assigned, plan, c)
            .repartition(partitions, col("_ph"))
            .sortWithinPartitions(col("split"), col("_ord"), col("doc_id"), col("epoch"))
            .select("split", "doc_id", "tokens", "dtype")
            .mapPartitions(
                new PackPartitionFunction(c, dtype), Encoders.row(PackPartitionFunction.SCHEMA))
            .persist(StorageLevel.DISK_ONLY());
    try {
      Map<String, long[]> perSplit =
          materialize(packed, (c.seqLen() + 1L) * TokenCodec.bytesPerToken(dtype));
      long rowsPerShard = c.rowsPerShard(TokenCodec.bytesPerToken(dtype));
      Map<String, Long> splitStart = new TreeMap<>();
      long before = 0;
      for (Map.Entry<String, long[]> e :
          perSplit.entrySet()) { // TreeMap: same order as Spark's string sort
        splitStart.put(e.getKey(), before);
        before += e.getValue()[0];
      }
      Dataset<Row> table =
          ShardAssigner.toTable(
              packed.sparkSession(),
              ShardAssigner.assign(
                  packed, splitStart, firstShard, rowsPerShard, dtype, c.seqLen()));
      return new PackResult(
          table, packed, scan, plan, perSplit, rowsPerShard, firstShard, dtype, partitions);
    } catch (RuntimeException e) {
      packed.unpersist();
      throw e;
    }
  }

  /** Document copies: whole epochs plus the fractional sample, with partition and order hashes. */
  private static Dataset<Row> copies(Dataset<Row> assigned, MixPlan plan, PackOptions c) {
    StructType planSchema =
        new StructType()
            .add("p_split", DataTypes.StringType)
            .add("p_source", DataTypes.StringType)
            .add("whole", DataTypes.IntegerType)
            .add("lim", DataTypes.IntegerType);
    List<Row> planRows = new ArrayList<>();
    for (MixPlan.Entry e : plan.entries) {
      planRows.add(RowFactory.create(e.split, e.source, e.whole, e.limit));
    }
    Dataset<Row> p = assigned.sparkSession().createDataFrame(planRows, planSchema);
    long seed = c.seed();
    return assigned
        .withColumn("source", expr("coalesce(source, 'unknown')"))
        .join(
            broadcast(p),
            col("split").equalTo(col("p_split")).and(col("source").equalTo(col("p_source"))))
        .withColumn("copies", expr("whole + CASE WHEN bucket < lim THEN 1 ELSE 0 END"))
        .filter(col("copies").gt(0).and(col("ntok").gt(0)))
        .withColumn("epoch", expr("explode(sequence(0, copies - 1))"))
        .withColumn("_ph", xxhash64(lit(seed), lit("part"), col("doc_id"), col("epoch")))
        .withColumn("_ord", xxhash64(lit(seed), lit("order"), col("doc_id"), col("epoch")));
  }

  /** Bytes of one cached batch of packed rows (see {@link #materialize}). */
  static final long CACHE_BATCH_BYTES = 4L << 20;

  /**
   * Fills the cache of packed rows (its first action) and returns the per-split stats. The cache is
   * on disk only: kept in memory, its blocks (about the size of the output) took the heap that the
   * sort of the next partitions needed (1 GB heap, 1 GB input: 421 MB of cached bytes beside 236 MB
   * of sort pages when pack ran out of memory; BENCHMARKS.md, "Scale series"). Spark also builds
   * each cached batch on the heap, 10,000 rows by default (40+ MB per task with 4 KB rows): sized
   * here to ~{@link #CACHE_BATCH_BYTES}; Spark reads the setting when the cache is first built, so
   * it is restored after.
   */
  private static Map<String, long[]> materialize(Dataset<Row> packed, long rowBytes) {
    String key = "spark.sql.inMemoryColumnarStorage.batchSize";
    org.apache.spark.sql.RuntimeConfig conf = packed.sparkSession().conf();
    String before = conf.getOption(key).isDefined() ? conf.get(key) : null;
    conf.set(
        key,
        Long.toString(
            Math.max(16, Math.min(10_000, CACHE_BATCH_BYTES / Math.max(1, rowBytes + 64)))));
    try {
      return stats(packed);
    } finally {
      if (before == null) {
        conf.unset(key);
      } else {
        conf.set(key, before);
      }
    }
  }

  /** Per split: {rows, pad tokens, docs, tokens in, docs split, tail dropped, docs in tail}. */
  private static Map<String, long[]> stats(Dataset<Row> packed) {
    Map<String, long[]> out = new TreeMap<>();
    for (Row r :
        packed
            .groupBy("split")
            .agg(
                sum(expr("CASE WHEN is_stats THEN 0 ELSE 1 END")),
                sum("pad_count"),
                sum("st_docs"),
                sum("st_tokens"),
                sum("st_docs_split"),
                sum("st_tail"),
                sum("st_docs_in_tail"))
            .collectAsList()) {
      long[] v = new long[7];
      for (int i = 0; i < 7; i++) {
        v[i] = r.isNullAt(i + 1) ? 0 : r.getLong(i + 1);
      }
      out.put(r.getString(0), v);
    }
    return out;
  }

  /** First new shard id per split: 0 on overwrite; after the largest existing one on append. */
  private static Map<String, Integer> firstShards(
      Dataset<Row> existing, PackOptions c, String dtype) {
    Map<String, Integer> first = new TreeMap<>();
    if (!c.append() || existing == null) {
      return first;
    }
    for (Row r :
        existing.groupBy("split", "dtype", "seq_len").agg(max("shard_id")).collectAsList()) {
      if (!r.getString(1).equals(dtype) || r.getInt(2) != c.seqLen()) {
        throw UserErrors.of(
            "Cannot append to packed_rows: it holds "
                + r.getString(1)
                + " rows of seq_len "
                + r.getInt(2)
                + ", this batch would write "
                + dtype
                + " rows of seq_len "
                + c.seqLen()
                + ".",
            "Trainers read all shards of a split with one dtype and block size.",
            "Use the same pack.seq_len and vocabulary, or pack.mode_write = overwrite.");
      }
      first.merge(r.getString(0), r.getInt(3) + 1, Math::max);
    }
    return first;
  }
}
