package dev.slimspark.jobs.pack;

import dev.slimspark.bench.BenchSpark;
import dev.slimspark.bench.PartitionLoop;
import dev.slimspark.bench.StageRun;
import dev.slimspark.bench.TaskCpu;
import dev.slimspark.config.SlimConfig;
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
 * Throughput is MB of token bytes in per CPU-second.
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
