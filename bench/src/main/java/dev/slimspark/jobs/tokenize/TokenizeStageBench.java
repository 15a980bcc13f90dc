package dev.slimspark.jobs.tokenize;

import dev.slimspark.bench.BenchSpark;
import dev.slimspark.bench.PartitionLoop;
import dev.slimspark.bench.StageRun;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import dev.slimspark.udfs.tokenize.JTokkitGpt2Tokenizer;
import dev.slimspark.udfs.tokenize.TextTokenizer;
import dev.slimspark.udfs.tokenize.VariedText;
import dev.slimspark.udfs.tokenize.spm.SentencePieceBpe;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Benchmark (not a test): the tokenize stage against its tokenizer's plain loop on the same
 * documents, at sizes that do not fit in the driver (1 GB and more). The input table is generated
 * inside Spark tasks ({@link VariedText}, one seed per partition) and written once; the plain loop
 * regenerates each partition's documents untimed and times only {@code encode} (thread CPU time),
 * with as many threads as the stage has cores, once before and once after the stage runs (the
 * ratios use the mean). The ratio divides MB per CPU-second: the stage's whole JVM (tasks, Parquet,
 * Delta, GC, JIT) against the loop's encoding threads.
 *
 * <pre>
 * SLIMSPARK_JAVA_OPTS=-Xmx6g bin/slimspark bench main TokenizeStageBench LLAMA2_DIR MB [spm-llama2,jtokkit-gpt2]
 * </pre>
 */
public final class TokenizeStageBench {
  private static final int MB_PER_PARTITION = 16;

  private TokenizeStageBench() {}

  public static void main(String[] args) throws Exception {
    Path llamaDir = Path.of(args[0]);
    long mb = Long.parseLong(args[1]);
    List<String> which =
        args.length > 2 ? List.of(args[2].split(",")) : List.of("spm-llama2", "jtokkit-gpt2");
    SparkSession spark = BenchSpark.session();
    int cores = spark.sparkContext().defaultParallelism() >= 2 ? 2 : 1;
    int parts = (int) Math.max(2, mb / MB_PER_PARTITION);
    Path lake = BenchSpark.newDir("stage-bench-lake");
    Path warm = BenchSpark.newDir("stage-bench-warm");
    write(spark, lake, parts, MB_PER_PARTITION * 1_000_000L);
    write(spark, warm, 2, 2_000_000L);
    long bytes = BenchSpark.sum(spark, lake, Table.DOCS_FILTERED.id(), "octet_length(text)");
    System.out.printf("input: %d partitions, %.1f MB UTF-8%n", parts, bytes / 1e6);
    if (which.get(0).startsWith("floor")) {
      // floor only, at Llama-2's bytes per token on this corpus (2.96): the write settings' costs
      floor(spark, lake, bytes, Math.round(bytes / 2.96), Double.NaN);
      spark.stop();
      return;
    }
    for (String w : which) {
      TextTokenizer t =
          switch (w) {
            case "spm-llama2" -> SentencePieceBpe.load(llamaDir.resolve("tokenizer.model"));
            case "jtokkit-gpt2" -> new JTokkitGpt2Tokenizer();
            default -> throw new IllegalArgumentException(w);
          };
      String[] sets =
          w.equals("spm-llama2")
              ? new String[] {
                "tokenize.tokenizer.kind=sentencepiece",
                "tokenize.tokenizer.path=\"" + llamaDir + "\"",
                "tokenize.bos=\"<s>\"",
                "tokenize.eos=\"\""
              }
              : new String[] {"tokenize.tokenizer.kind=jtokkit-gpt2"};
      double loopBefore = loop(t, parts, MB_PER_PARTITION * 1_000_000L, cores, bytes);
      new TokenizeStage().run(new RunContext(spark, config(warm, sets)));
      // Cold: the first run over the whole input, JIT compilation of Spark's Parquet/Delta/codegen
      // paths included. Warm: the same run again in the same JVM (a long-running executor's state).
      double[] cold = timedStage(spark, lake, sets, bytes, cores, w + " cold", null);
      double[] warmRun =
          timedStage(spark, lake, sets, bytes, cores, w + " warm", System.getProperty("bench.jfr"));
      // The loop alone varies by up to 15 % between runs on this VM: time it before and after
      // the stages and divide by the mean.
      double loopAfter = loop(t, parts, MB_PER_PARTITION * 1_000_000L, cores, bytes);
      double loop = (loopBefore + loopAfter) / 2;
      System.out.printf("loop  %-13s mean of before and after: %.2f MB per CPU-s%n", w, loop);
      loopInTasks(spark, w, llamaDir.toString(), parts, MB_PER_PARTITION * 1_000_000L);
      ratios(w + " cold", cold, loop);
      ratios(w + " warm", warmRun, loop);
      floor(spark, lake, bytes, tokens(spark, lake), loop);
    }
    spark.stop();
  }

  /** One tokenizer per kind per JVM, for {@link #loopInTasks}. */
  private static final java.util.Map<String, TextTokenizer> IN_TASKS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The loop again, inside Spark tasks (2 at a time, documents regenerated untimed, encode timed by
   * the task thread's CPU time) but with no Parquet: it tells apart the encoder running slower in a
   * task thread from the cost of reading and writing around it.
   */
  private static void loopInTasks(
      SparkSession spark, String which, String llamaDir, int parts, long bytesPerPartition) {
    List<Long> ps = new ArrayList<>();
    for (long p = 0; p < parts; p++) {
      ps.add(p);
    }
    double[] r =
        org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext())
            .parallelize(ps, parts)
            .map(
                p -> {
                  TextTokenizer t =
                      IN_TASKS.computeIfAbsent(
                          which,
                          w -> {
                            try {
                              return w.equals("spm-llama2")
                                  ? SentencePieceBpe.load(Path.of(llamaDir, "tokenizer.model"))
                                  : new JTokkitGpt2Tokenizer();
                            } catch (java.io.IOException e) {
                              throw new java.io.UncheckedIOException(e);
                            }
                          });
                  List<String> d = docs(p, bytesPerPartition);
                  java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
                  long c0 = mx.getCurrentThreadCpuTime();
                  for (String s : d) {
                    t.encode(s);
                  }
                  double cpu = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
                  long bytes = 0;
                  for (String s : d) {
                    bytes += s.getBytes(StandardCharsets.UTF_8).length;
                  }
                  return new double[] {cpu, bytes};
                })
            .reduce((a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
    System.out.printf(
        "loop  %-13s in Spark tasks, no Parquet: %.2f MB per CPU-s (%.1f MB, %.1f CPU-s)%n",
        which, r[1] / 1e6 / r[0], r[1] / 1e6, r[0]);
  }

  private static void ratios(String label, double[] stage, double loop) {
    System.out.printf(
        "RATIO-CPU  %-18s stage %.2f / loop %.2f MB per CPU-s = %.3f (process CPU)%n",
        label, stage[0], loop, stage[0] / loop);
    System.out.printf(
        "RATIO-TASK %-18s stage %.2f / loop %.2f MB per CPU-s = %.3f (task threads' CPU)%n",
        label, stage[1], loop, stage[1] / loop);
  }

  private static long tokens(SparkSession spark, Path lake) {
    return BenchSpark.sum(spark, lake, Table.DOCS_TOKENS.id(), "token_count");
  }

  /**
   * The stage's reads and writes with a free tokenizer: docs_filtered's rows become docs_tokens
   * rows whose token column holds as many bytes as the real run wrote (a prefix of the text's own
   * bytes), written by the same Delta writer with the same statistics. What the stage costs beyond
   * this is the encoder inside the stage; a ratio of 0.85 to the loop needs floor + encoder within
   * 1 / 0.85 of the loop alone. Run twice, the second (warm) counted. {@code
   * -Dbench.floor.settings="k=v,k=v;k=v"} runs it once per group of Spark/Parquet/Delta settings
   * (what each write setting costs); a first argument {@code floor} runs only this.
   */
  private static void floor(SparkSession spark, Path lake, long bytes, long tokens, double loop)
      throws Exception {
    for (String variant : System.getProperty("bench.floor.settings", "").split(";")) {
      List<String> keys = new ArrayList<>();
      for (String kv : variant.split(",")) {
        if (!kv.isBlank()) {
          String[] p = kv.split("=", 2);
          spark.conf().set(p[0].trim(), p[1].trim());
          keys.add(p[0].trim());
        }
      }
      System.out.printf(
          "FLOOR settings: %s%n", variant.isBlank() ? "(as the stage runs)" : variant);
      floorOnce(spark, lake, bytes, tokens, loop);
      keys.forEach(k -> spark.conf().unset(k));
    }
  }

  private static void floorOnce(SparkSession spark, Path lake, long bytes, long tokens, double loop)
      throws Exception {
    double bytesPerToken = (double) bytes / tokens;
    String n = "(CAST(octet_length(text) / " + bytesPerToken + " AS INT) + 1)";
    StageRun r =
        StageRun.warm(
            spark,
            () -> {
              Dataset<Row> in =
                  spark.read().format("delta").load(lake.resolve("docs_filtered").toString());
              Dataset<Row> out =
                  in.where("kept")
                      .selectExpr(
                          "doc_id",
                          "source",
                          n + " AS token_count",
                          "substring(CAST(text AS BINARY), 1, 2 * " + n + ") AS tokens",
                          "'uint16' AS dtype",
                          "1 AS chunks");
              new Lake(spark, lake.toString())
                  .write(out, "docs_tokens_floor", SaveMode.Overwrite, "{}");
              return new JobSummary("floor", null);
            });
    double perGb = r.taskCpu / (bytes / 1e9);
    double loopPerGb = 1e3 / loop;
    System.out.printf(
        "FLOOR reads and writes with a free tokenizer: %.2f task-CPU-s per GB (%.2f MB per"
            + " task-CPU-s)%n",
        perGb, bytes / 1e6 / r.taskCpu);
    if (!Double.isNaN(loop)) {
      System.out.printf(
          "FLOOR the loop alone costs %.2f CPU-s per GB, so 0.85 needs the floor under %.2f CPU-s"
              + " per GB even with the encoder at its loop speed inside the stage%n",
          loopPerGb, loopPerGb / 0.85 - loopPerGb);
    }
    r.printBreakdown();
  }

  private static List<String> docs(long partition, long bytesPerPartition) {
    return VariedText.corpus(1_000 + partition, 1, bytesPerPartition / 2);
  }

  private static void write(SparkSession spark, Path lake, int parts, long bytesPerPartition) {
    StructType schema =
        new StructType()
            .add("doc_id", DataTypes.StringType, true)
            .add("source", DataTypes.StringType, true)
            .add("text", DataTypes.StringType, true)
            .add("kept", DataTypes.BooleanType, false);
    FlatMapFunction<Long, Row> gen =
        p -> {
          List<Row> rows = new ArrayList<>();
          List<String> d = docs(p, bytesPerPartition);
          for (int i = 0; i < d.size(); i++) {
            rows.add(RowFactory.create("p" + p + "-" + i, "bench", d.get(i), true));
          }
          return rows.iterator();
        };
    new Lake(spark, lake.toString())
        .write(
            spark.range(0, parts, 1, parts).as(Encoders.LONG()).flatMap(gen, Encoders.row(schema)),
            "docs_filtered",
            SaveMode.Overwrite,
            "{}",
            "kept");
  }

  /** MB per CPU-second of {@code threads} threads encoding every partition's documents. */
  private static double loop(
      TextTokenizer t, int parts, long bytesPerPartition, int threads, long bytes)
      throws Exception {
    for (String d : docs(0, 4_000_000L)) {
      t.encode(d); // JIT warm-up
    }
    double[] r =
        PartitionLoop.run(
            parts,
            threads,
            (p, cpu) -> {
              List<String> d = docs(p, bytesPerPartition);
              cpu.start();
              for (String s : d) {
                t.encode(s);
              }
              cpu.stop();
              long loopBytes = 0;
              for (String s : d) {
                loopBytes += s.getBytes(StandardCharsets.UTF_8).length;
              }
              return new double[] {loopBytes};
            });
    System.out.printf(
        "loop  %-13s %.2f MB per CPU-s (%.1f MB, %.1f CPU-s; table has %.1f MB)%n",
        t.name(), r[1] / 1e6 / r[0], r[1] / 1e6, r[0], bytes / 1e6);
    return r[1] / 1e6 / r[0];
  }

  /**
   * MB per CPU-second of the JVM, and per CPU-second of the task threads, over one stage run;
   * {@code jfr} (nullable) records a profile.
   */
  private static double[] timedStage(
      SparkSession spark, Path lake, String[] sets, long bytes, int cores, String label, String jfr)
      throws Exception {
    double jit0 = jitSeconds();
    StageRun r =
        StageRun.time(
            spark,
            jfr == null ? null : jfr + "-" + label.replace(' ', '-') + ".jfr",
            () -> new TokenizeStage().run(new RunContext(spark, config(lake, sets))));
    double jit = jitSeconds() - jit0;
    double[] mb = r.mbPerCpu(bytes);
    System.out.printf(
        "stage %-18s %.1f s wall, %.2f MB/s per core wall, %.1f CPU-s (JIT compiler ~%.1f s), %.2f MB per CPU-s, task threads %.1f CPU-s = %.2f MB per task-CPU-s, %s tokens%n",
        label,
        r.wallSeconds,
        bytes / 1e6 / r.wallSeconds / cores,
        r.processCpu,
        jit,
        mb[0],
        r.taskCpu,
        mb[1],
        r.summary.counts().get("tokens"));
    r.printBreakdown();
    return mb;
  }

  /** Wall seconds the JIT compilers spent (a lower bound of their CPU time). */
  private static double jitSeconds() {
    return ManagementFactory.getCompilationMXBean().getTotalCompilationTime() / 1e3;
  }

  private static SlimConfig config(Path lake, String... sets) {
    List<String> all =
        new ArrayList<>(List.of("lake=\"" + lake + "\"", "tokenize.input_table=docs_filtered"));
    all.addAll(List.of(sets));
    return SlimConfig.load(null, all);
  }
}
