package dev.slimspark.jobs.pack;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import dev.slimspark.bench.BenchSpark;
import dev.slimspark.bench.PartitionLoop;
import dev.slimspark.bench.StageRun;
import dev.slimspark.bench.TaskCpu;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.tokenize.TokenizeStep;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import dev.slimspark.lake.TokenCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Benchmark (not a test): the whole {@code pack} stage against its packer loop on the same token
 * bytes.
 *
 * <pre>
 * SLIMSPARK_JAVA_OPTS=-Xmx6g bin/slimspark bench main PackStageBench [M tokens] [concat|best-fit]
 * </pre>
 *
 * <p>docs_tokens is generated inside Spark tasks (one seed per partition of 8 M tokens; document
 * lengths log-normal as in {@link PackBench}: median 450 tokens, sigma 1.2, clipped to 64 K; ids
 * uniform in [3, 32000), uint16, so 512 M tokens are 1 GiB of token bytes). The loop does, per
 * partition and with as many threads as the stage has cores, what the stage's packing step does to
 * each document: decode its token bytes, feed the packer, encode every finished row to bytes; only
 * that is timed (thread CPU time, documents regenerated untimed). The stage is timed cold and warm
 * by the process's CPU time and by the task threads' CPU time, with each Spark stage's share.
 * Throughput is MB of token bytes in per CPU-second. Last, the stage is compared with its
 * data-movement floor (the same reads, the two seeded shuffles and the write, without the scan, the
 * packing, the cached rows and the row numbering): the packer alone is a copy of ints, so the ratio
 * to it says little about the stage's overhead.
 */
public final class PackStageBench {
  private static final int TOKENS_PER_PARTITION = 8 << 20;

  private PackStageBench() {}

  public static void main(String[] args) throws Exception {
    long tokens = (args.length > 0 ? Long.parseLong(args[0]) : 512) << 20;
    String mode = args.length > 1 ? args[1] : "concat";
    SparkSession spark = BenchSpark.session();
    int parts = (int) Math.max(2, tokens / TOKENS_PER_PARTITION);
    Path lake = BenchSpark.newDir("pack-bench-lake");
    Path warm = BenchSpark.newDir("pack-bench-warm");
    write(spark, lake, parts);
    write(spark, warm, 2);
    long bytes = BenchSpark.sum(spark, lake, Table.DOCS_TOKENS.id(), "octet_length(tokens)");
    System.out.printf(
        Locale.ROOT,
        "input: %d partitions, %.1f MB of token bytes, mode %s%n",
        parts,
        bytes / 1e6,
        mode);
    new PackStage().run(new RunContext(spark, config(warm, mode)));
    double[] cold = timedStage(spark, lake, mode, bytes, "cold");
    double[] warmRun = timedStage(spark, lake, mode, bytes, "warm");
    double loop = loop(parts, mode);
    TaskCpu.printRatios("packer loop", cold, warmRun, loop);
    double[] moves = dataMovement(spark, lake, bytes, bytes / 2); // uint16 ids
    for (double[] st : new double[][] {cold, warmRun}) {
      System.out.printf(
          Locale.ROOT,
          "RATIO %s: stage / data-movement floor %.3f (process CPU, %.2f / %.2f MB per CPU-s),"
              + " %.3f (task threads, %.2f / %.2f)%n",
          st == cold ? "cold" : "warm",
          st[0] / moves[0],
          st[0],
          moves[0],
          st[1] / moves[1],
          st[1],
          moves[1]);
    }
    spark.stop();
  }

  /** One partition's documents as docs_tokens stores them (uint16 bytes). */
  private static List<byte[]> docs(long partition) {
    Random lengths = new Random(5_000 + partition);
    SplittableRandom ids = new SplittableRandom(9_000 + partition);
    List<byte[]> out = new ArrayList<>();
    long fed = 0;
    while (fed < TOKENS_PER_PARTITION) {
      int[] t = new int[PackBench.length(lengths)];
      for (int k = 0; k < t.length; k++) {
        t[k] = ids.nextInt(3, 32_000);
      }
      out.add(TokenCodec.encode(t, TokenCodec.UINT16));
      fed += t.length;
    }
    return out;
  }

  private static void write(SparkSession spark, Path lake, int parts) {
    FlatMapFunction<Long, Row> gen =
        p -> {
          List<Row> rows = new ArrayList<>();
          List<byte[]> d = docs(p);
          for (int i = 0; i < d.size(); i++) {
            String source = i % 3 == 0 ? "Starcoder" : "RedPajamaC4";
            rows.add(
                RowFactory.create(
                    "p" + p + "-" + i,
                    source,
                    d.get(i).length / 2,
                    d.get(i),
                    TokenCodec.UINT16,
                    1));
          }
          return rows.iterator();
        };
    new Lake(spark, lake.toString())
        .write(
            spark
                .range(0, parts, 1, parts)
                .as(Encoders.LONG())
                .flatMap(gen, Encoders.row(TokenizeStep.SCHEMA)),
            Table.DOCS_TOKENS.id(),
            SaveMode.Overwrite,
            "{}");
  }

  /**
   * The stage's data movement without its logic, as a fairer reference than the packer loop:
   * docs_tokens read once, every document shuffled by the stage's two seeded keys (hash-partitioned
   * into as many partitions as pack makes and sorted within them, then a global sort by a seeded
   * row key) and written as a Delta table. No corpus scan, no packing, no cached rows, no row
   * numbering. Run twice, the second (warm) counted; returns {MB per process-CPU-s, MB per
   * task-CPU-s}.
   */
  private static double[] dataMovement(SparkSession spark, Path lake, long bytes, long tokens)
      throws Exception {
    int partitions =
        (int)
            Math.max(
                1,
                (tokens + PackOptions.DEFAULT_PARTITION_TOKENS - 1)
                    / PackOptions.DEFAULT_PARTITION_TOKENS);
    long seed = PackOptions.DEFAULT_SEED;
    StageRun r =
        StageRun.warm(
            spark,
            () -> {
              Dataset<Row> in = new Lake(spark, lake.toString()).read(Table.DOCS_TOKENS.id());
              Dataset<Row> moved =
                  in.select(col("doc_id"), col("source"), col("tokens"))
                      .withColumn("_ph", xxhash64(lit(seed), lit("part"), col("doc_id")))
                      .withColumn("_ord", xxhash64(lit(seed), lit("order"), col("doc_id")))
                      .repartition(partitions, col("_ph"))
                      .sortWithinPartitions(col("_ord"), col("doc_id"))
                      .withColumn("row_key", xxhash64(lit(seed), lit("row"), col("doc_id")))
                      .sort(col("row_key"), col("doc_id"))
                      .select("doc_id", "source", "row_key", "tokens");
              new Lake(spark, lake.toString())
                  .write(moved, "packed_floor", SaveMode.Overwrite, "{}");
              return new JobSummary("pack-floor", null);
            });
    System.out.printf(Locale.ROOT, "%s%n", r.describe("data-movement floor (warm)", bytes));
    r.printBreakdown();
    return r.mbPerCpu(bytes);
  }

  /** MB per CPU-s (process) and per task-CPU-s of one stage run. */
  private static double[] timedStage(
      SparkSession spark, Path lake, String mode, long bytes, String label) throws Exception {
    StageRun r =
        StageRun.time(spark, () -> new PackStage().run(new RunContext(spark, config(lake, mode))));
    double[] mb = r.mbPerCpu(bytes);
    System.out.printf(
        Locale.ROOT,
        "%s; rows %s, padding %s%n",
        r.describe(label, bytes),
        r.summary.counts().get("rows"),
        r.summary.counts().get("padding_fraction"));
    r.printBreakdown();
    return mb;
  }

  /** MB of token bytes per CPU-s of two threads decoding, packing and encoding every partition. */
  private static double loop(int parts, String mode) throws Exception {
    PackOptions.Mode m =
        mode.equals("concat") ? PackOptions.Mode.CONCAT : PackOptions.Mode.BEST_FIT;
    int rowTokens = PackOptions.DEFAULT_SEQ_LEN + 1;
    double[] r =
        PartitionLoop.run(
            parts,
            2,
            (p, cpu) -> {
              List<byte[]> d = docs(p);
              cpu.start();
              RowPacker packer =
                  RowPacker.create(
                      m, rowTokens, PackOptions.DEFAULT_PAD_ID, PackOptions.DEFAULT_WINDOW_TOKENS);
              long rows = 0;
              for (int i = 0; i < d.size(); i++) {
                packer.add("p" + p + "-" + i, TokenCodec.decode(d.get(i), TokenCodec.UINT16));
                rows += drain(packer);
              }
              packer.finish();
              rows += drain(packer);
              cpu.stop();
              return new double[] {d.stream().mapToLong(b -> b.length).sum(), rows};
            });
    System.out.printf(
        Locale.ROOT,
        "packer loop (%s): %.2f MB per CPU-s (%.1f MB, %.1f CPU-s, %.0f rows)%n",
        mode,
        r[1] / 1e6 / r[0],
        r[1] / 1e6,
        r[0],
        r[2]);
    return r[1] / 1e6 / r[0];
  }

  /** Encodes every finished row as the stage stores it; returns how many. */
  private static int drain(RowPacker packer) {
    int n = 0;
    while (!packer.ready.isEmpty()) {
      PackedRow r = packer.ready.pollFirst();
      if (TokenCodec.encode(r.tokens, TokenCodec.UINT16).length == 0) {
        throw new IllegalStateException("empty row");
      }
      n++;
    }
    return n;
  }

  private static SlimConfig config(Path lake, String mode) {
    return SlimConfig.load(null, List.of("lake=\"" + lake + "\"", "pack.mode=" + mode));
  }
}
