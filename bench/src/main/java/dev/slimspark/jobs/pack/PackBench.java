package dev.slimspark.jobs.pack;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.lake.Table;
import dev.slimspark.lake.TokenCodec;
import dev.slimspark.spark.Sessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Packing benchmark (not a test): {@code bin/slimspark bench main PackBench [tokens] [spark-docs]}.
 * Part 1 runs the packers alone over a synthetic stream with a web-like length distribution
 * (log-normal, median 450 tokens, sigma 1.2, clipped to 64k; about 10% of docs exceed 2049 tokens)
 * and prints padding fraction, share of docs split and rows/s for concat and for best-fit at
 * several window sizes (rows/s includes generating the synthetic documents). Part 2 runs the whole
 * pack stage on local Spark over a docs_tokens table and prints rows/s end to end. One JSON line
 * per measurement on stdout.
 */
public final class PackBench {
  private PackBench() {}

  public static void main(String[] args) throws Exception {
    long tokens = args.length > 0 ? Long.parseLong(args[0]) : 200_000_000L;
    int sparkDocs = args.length > 1 ? Integer.parseInt(args[1]) : 40_000;
    int rowTokens = 2049;
    packers(tokens, rowTokens, PackOptions.Mode.CONCAT, 0);
    for (long window : new long[] {1L << 20, 1L << 22, 1L << 24}) {
      packers(tokens, rowTokens, PackOptions.Mode.BEST_FIT, window);
    }
    if (sparkDocs > 0) {
      spark(sparkDocs);
    }
  }

  /** Log-normal lengths, same stream for every mode (fixed seed). */
  static int length(Random r) {
    return (int)
        Math.min(65536, Math.max(4, Math.round(Math.exp(Math.log(450) + 1.2 * r.nextGaussian()))));
  }

  static void packers(long tokens, int rowTokens, PackOptions.Mode mode, long window) {
    Random r = new Random(42);
    RowPacker p = RowPacker.create(mode, rowTokens, 0, Math.max(window, rowTokens));
    int[] pool = new int[65536];
    Arrays.setAll(pool, i -> 3 + i % 31997);
    long fed = 0;
    long id = 0;
    long t0 = System.nanoTime();
    while (fed < tokens) {
      int len = length(r);
      int[] doc = Arrays.copyOf(pool, len);
      p.add(Long.toString(id++), doc);
      fed += len;
      p.ready.clear();
    }
    p.finish();
    p.ready.clear();
    double secs = (System.nanoTime() - t0) / 1e9;
    PackStats s = p.stats();
    System.out.printf(
        "{\"bench\":\"packer\",\"mode\":\"%s\",\"window_tokens\":%d,\"docs\":%d,\"tokens\":%d,\"rows\":%d,"
            + "\"padding_fraction\":%.6f,\"docs_split_share\":%.6f,\"tail_dropped\":%d,\"rows_per_s\":%.0f}%n",
        mode,
        window,
        s.docs,
        s.tokensIn,
        s.rows,
        (double) s.padTokens / (s.rows * (double) rowTokens),
        (double) s.docsSplit / s.docs,
        s.tailTokensDropped,
        s.rows / secs);
  }

  static void spark(int docs) throws Exception {
    SparkSession spark =
        Sessions.withDelta(SparkSession.builder())
            .master("local[*]")
            .appName("pack-bench")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "8")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    Path lake = Files.createTempDirectory("pack-bench-");
    StructType schema =
        new StructType()
            .add("doc_id", DataTypes.StringType, false)
            .add("source", DataTypes.StringType, false)
            .add("token_count", DataTypes.IntegerType, false)
            .add("tokens", DataTypes.BinaryType, false)
            .add("dtype", DataTypes.StringType, false);
    Random r = new Random(7);
    List<Row> rows = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < docs; i++) {
      int len = length(r);
      int[] t = new int[len];
      for (int k = 0; k < len; k++) {
        t[k] = 3 + (i + k) % 31997;
      }
      total += len;
      rows.add(
          RowFactory.create(
              "d" + i,
              i % 3 == 0 ? "Starcoder" : "RedPajamaC4",
              len,
              TokenCodec.encode(t, TokenCodec.UINT16),
              TokenCodec.UINT16));
    }
    spark
        .createDataFrame(rows, schema)
        .repartition(8)
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .save(lake.resolve(Table.DOCS_TOKENS.id()).toString());
    rows.clear();
    for (String mode : new String[] {"concat", "best-fit"}) {
      SlimConfig c =
          SlimConfig.load(
              null,
              List.of(
                  "lake=\"" + lake + "\"", "pack.mode=" + mode, "pack.partition_tokens=8388608"));
      long t0 = System.nanoTime();
      JobSummary s = new PackStage().run(new RunContext(spark, c));
      double secs = (System.nanoTime() - t0) / 1e9;
      long n = ((Number) s.counts().get("rows")).longValue();
      System.out.printf(
          "{\"bench\":\"pack-stage\",\"mode\":\"%s\",\"docs\":%d,\"tokens\":%d,\"rows\":%d,"
              + "\"padding_fraction\":%s,\"seconds\":%.1f,\"rows_per_s\":%.0f,\"cores\":%d}%n",
          mode,
          docs,
          total,
          n,
          s.counts().get("padding_fraction"),
          secs,
          n / secs,
          Runtime.getRuntime().availableProcessors());
    }
    spark.stop();
  }
}
