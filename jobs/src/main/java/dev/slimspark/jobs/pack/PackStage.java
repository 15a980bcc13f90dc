package dev.slimspark.jobs.pack;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.Stage;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import dev.slimspark.lake.TokenCodec;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pack: docs_tokens → packed_rows. Steps: (1) split and mix bucket per document, one scan for
 * token counts, id range and pad-id violations; (2) mix plan (whole epochs + seeded fractional
 * sample per source); (3) copies of documents hash-partitioned into ceil(tokens /
 * pack.partition_tokens) partitions, sorted by a seeded key, packed per partition (concat or
 * best-fit); (4) seeded global shuffle of rows into shards of ~pack.target_file_bytes; (5) one
 * Delta commit. Deterministic: every choice is a seeded hash of doc_id (and copy number), and the
 * partition count depends only on input and config, not on the cluster.
 *
 * <p>Risks: packed rows are persisted on local disk between packing and writing, about the size of
 * the output (executors need that much scratch disk); changing pack.partition_tokens or pack.window_tokens changes rows.
 */
public final class PackStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(PackStage.class);

  @Override
  public String name() {
    return "pack";
  }

  @Override
  public String description() {
    return "mix, split and pack token sequences into rows of seq_len+1 (concat or best-fit) -> packed_rows";
  }

  @Override
  public String[] configPrefixes() {
    return new String[] {"lake", "pack"};
  }

  /**
   * docs_tokens written before tokens became one binary value per document (array&lt;int&gt;, no
   * dtype column) cannot be packed; say so instead of failing in Spark's analyzer.
   */
  static void requireBinaryTokens(Dataset<Row> tokens, String path) {
    StructType schema = tokens.schema();
    boolean binary = Arrays.asList(schema.fieldNames()).contains("dtype")
        && schema.apply("tokens").dataType().equals(DataTypes.BinaryType);
    if (!binary) {
      throw UserErrors.of(
          "docs_tokens at " + path + " stores tokens as " + schema.apply("tokens").dataType().simpleString()
              + " without a dtype column.",
          "It was written by an older slimspark; tokens are now one little-endian binary value per"
              + " document (uint16 or int32, named by the dtype column).",
          "Remove " + path + " and run `bin/slimspark run --conf FILE` again: tokenize rewrites it,"
              + " and pack and export are redone because their input changed.");
    }
  }

  @Override
  public JobSummary run(RunContext ctx) {
    PackConfig c = PackConfig.from(ctx.config());
    Lake lake = ctx.lake();
    JobSummary summary = new JobSummary(name(), ctx);
    summary.input(lake.path(Table.DOCS_TOKENS));

    Dataset<Row> tokens = lake.read(Table.DOCS_TOKENS);
    requireBinaryTokens(tokens, lake.path(Table.DOCS_TOKENS));
    Dataset<Row> assigned =
        CorpusScan.assign(tokens.select("doc_id", "source", "token_count", "tokens", "dtype"), c);
    CorpusScan scan = CorpusScan.run(assigned, c);
    scan.requireNoPad(assigned, c);
    String dtype = TokenCodec.dtypeFor(Math.min(scan.minId, c.padId), Math.max(scan.maxId, c.padId));
    MixPlan plan = MixPlan.build(scan, c.mix);
    long sampled = plan.sampledTokens();
    int partitions = (int) Math.max(1, Math.min(1 << 20, (sampled + c.partitionTokens - 1) / c.partitionTokens));
    LOG.info("pack: {} sampled tokens into {} partitions, mode {}, dtype {}", sampled, partitions, c.mode, dtype);

    Map<String, Integer> firstShard = firstShards(ctx, c, dtype);
    Dataset<Row> packed =
        copies(assigned, plan, c, ctx)
            .repartition(partitions, col("_ph"))
            .sortWithinPartitions(col("split"), col("_ord"), col("doc_id"), col("epoch"))
            .select("split", "doc_id", "tokens", "dtype")
            .mapPartitions(new PackPartitionFunction(c, dtype), Encoders.row(PackPartitionFunction.SCHEMA))
            .persist(StorageLevel.DISK_ONLY());
    try {
      Map<String, long[]> perSplit = materialize(ctx, packed, (c.seqLen + 1L) * TokenCodec.bytesPerToken(dtype));
      long rowsPerShard = c.rowsPerShard(TokenCodec.bytesPerToken(dtype));
      Map<String, Long> splitStart = new TreeMap<>();
      long before = 0;
      for (Map.Entry<String, long[]> e : perSplit.entrySet()) { // TreeMap: same order as Spark's string sort
        splitStart.put(e.getKey(), before);
        before += e.getValue()[0];
      }
      Dataset<Row> table = ShardAssigner.toTable(ctx.spark(),
          ShardAssigner.assign(packed, splitStart, firstShard, rowsPerShard, dtype, c.seqLen));
      SaveMode mode = c.append ? SaveMode.Append : SaveMode.Overwrite;
      long v = lake.write(table, Table.PACKED_ROWS, mode, ctx.commitMetadata(name()));
      summary.output(Table.PACKED_ROWS.id(), lake.path(Table.PACKED_ROWS), v);
      PackSummary.fill(summary, c, scan, plan, perSplit, rowsPerShard, firstShard, dtype, partitions,
          committedRows(ctx, lake));
    } finally {
      packed.unpersist();
    }
    return summary;
  }

  /** Document copies: whole epochs plus the fractional sample, with partition and order hashes. */
  private static Dataset<Row> copies(Dataset<Row> assigned, MixPlan plan, PackConfig c, RunContext ctx) {
    StructType planSchema = new StructType()
        .add("p_split", DataTypes.StringType)
        .add("p_source", DataTypes.StringType)
        .add("whole", DataTypes.IntegerType)
        .add("lim", DataTypes.IntegerType);
    List<Row> planRows = new ArrayList<>();
    for (MixPlan.Entry e : plan.entries) {
      planRows.add(RowFactory.create(e.split, e.source, e.whole, e.limit));
    }
    Dataset<Row> p = ctx.spark().createDataFrame(planRows, planSchema);
    long seed = c.seed;
    return assigned
        .withColumn("source", expr("coalesce(source, 'unknown')"))
        .join(broadcast(p), col("split").equalTo(col("p_split")).and(col("source").equalTo(col("p_source"))))
        .withColumn("copies", expr("whole + CASE WHEN bucket < lim THEN 1 ELSE 0 END"))
        .filter(col("copies").gt(0).and(col("ntok").gt(0)))
        .withColumn("epoch", expr("explode(sequence(0, copies - 1))"))
        .withColumn("_ph", xxhash64(lit(seed), lit("part"), col("doc_id"), col("epoch")))
        .withColumn("_ord", xxhash64(lit(seed), lit("order"), col("doc_id"), col("epoch")));
  }

  /** Per split: {rows, pad tokens, docs, tokens in, docs split, tail dropped, docs in tail}. */
  /** Bytes of one cached batch of packed rows (see {@link #materialize}). */
  static final long CACHE_BATCH_BYTES = 4L << 20;

  /**
   * Fills the cache of packed rows (its first action) and returns the per-split stats. The cache
   * is on disk only: kept in memory, its blocks (about the size of the output) took the heap that
   * the sort of the next partitions needed (1 GB heap, 1 GB input: 421 MB of cached bytes beside
   * 236 MB of sort pages when pack ran out of memory; BENCHMARKS.md, "Scale series"). Spark also
   * builds each cached batch on the heap, 10,000 rows by default (40+ MB per task with 4 KB rows):
   * sized here to ~{@link #CACHE_BATCH_BYTES}; Spark reads the setting when the cache is first
   * built, so it is restored after.
   */
  private static Map<String, long[]> materialize(RunContext ctx, Dataset<Row> packed, long rowBytes) {
    String key = "spark.sql.inMemoryColumnarStorage.batchSize";
    org.apache.spark.sql.RuntimeConfig conf = ctx.spark().conf();
    String before = conf.getOption(key).isDefined() ? conf.get(key) : null;
    conf.set(key, Long.toString(Math.max(16, Math.min(10_000, CACHE_BATCH_BYTES / Math.max(1, rowBytes + 64)))));
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

  private static Map<String, long[]> stats(Dataset<Row> packed) {
    Map<String, long[]> out = new TreeMap<>();
    for (Row r :
        packed.groupBy("split").agg(
                sum(expr("CASE WHEN is_stats THEN 0 ELSE 1 END")), sum("pad_count"), sum("st_docs"),
                sum("st_tokens"), sum("st_docs_split"), sum("st_tail"), sum("st_docs_in_tail"))
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
  private static Map<String, Integer> firstShards(RunContext ctx, PackConfig c, String dtype) {
    Map<String, Integer> first = new TreeMap<>();
    Lake lake = ctx.lake();
    if (!c.append || !lake.exists(Table.PACKED_ROWS)) {
      return first;
    }
    for (Row r :
        lake.read(Table.PACKED_ROWS).groupBy("split", "dtype", "seq_len")
            .agg(max("shard_id")).collectAsList()) {
      if (!r.getString(1).equals(dtype) || r.getInt(2) != c.seqLen) {
        throw UserErrors.of(
            "Cannot append to packed_rows: it holds " + r.getString(1) + " rows of seq_len " + r.getInt(2)
                + ", this batch would write " + dtype + " rows of seq_len " + c.seqLen + ".",
            "Trainers read all shards of a split with one dtype and block size.",
            "Use the same pack.seq_len and vocabulary, or pack.mode_write = overwrite.");
      }
      first.merge(r.getString(0), r.getInt(3) + 1, Math::max);
    }
    return first;
  }

  /** Rows our commit added, from its Delta operation metrics (reconciliation without a scan). */
  private static long committedRows(RunContext ctx, Lake lake) {
    Row h = DeltaTable.forPath(ctx.spark(), lake.path(Table.PACKED_ROWS)).history(1)
        .select("operationMetrics").head();
    scala.collection.Map<String, String> m = h.getMap(0);
    return m.contains("numOutputRows") ? Long.parseLong(m.apply("numOutputRows")) : -1;
  }
}
