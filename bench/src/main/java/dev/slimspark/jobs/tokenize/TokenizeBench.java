package dev.slimspark.jobs.tokenize;

import dev.slimspark.bench.BenchSpark;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.lake.Lake;
import dev.slimspark.udfs.tokenize.HfTokenizer;
import dev.slimspark.udfs.tokenize.JTokkitGpt2Tokenizer;
import dev.slimspark.udfs.tokenize.TextTokenizer;
import dev.slimspark.udfs.tokenize.VariedText;
import dev.slimspark.udfs.tokenize.spm.SentencePieceBpe;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Benchmark (not a test): tokenize-stage throughput per core vs the raw tokenizer in a plain
 * single-threaded loop on the same documents, and Llama-2 via DJL vs SentencePiece's spm_encode.
 *
 * <pre>
 * SLIMSPARK_JAVA_OPTS="-Xmx10g [-Dslimspark.test.master=local[1]]" bin/slimspark bench main TokenizeBench \
 *   GPT2_JSON LLAMA2_DIR [MB] [spm-llama2,jtokkit-gpt2,hf-gpt2,hf-llama2,spm]
 * </pre>
 *
 * Documents: {@link VariedText} (deliberately mixed prose, code, CJK, emoji, odd whitespace).
 * Stage: local[2] ({@link dev.slimspark.bench.BenchSpark}, the tests' settings), input in 8
 * partitions; the stage time includes the Delta write and the summary's aggregates. Each timed
 * stage run follows an untimed one on the quarter table (JIT). RATIO lines divide wall-clock MB/s;
 * RATIO-CPU lines divide MB per CPU-second of the JVM, which other processes on a shared machine do
 * not disturb.
 */
public final class TokenizeBench {
  private TokenizeBench() {}

  private static Path warm;
  private static Path quarter;
  private static long quarterBytes;

  public static void main(String[] args) throws Exception {
    Path gpt2 = Path.of(args[0]);
    Path llamaDir = Path.of(args[1]);
    double mb = args.length > 2 ? Double.parseDouble(args[2]) : 4;
    List<String> which =
        args.length > 3
            ? List.of(args[3].split(","))
            : List.of("spm-llama2", "jtokkit-gpt2", "hf-gpt2", "hf-llama2", "spm");
    List<String> docs = VariedText.corpus(99, 2000, (long) (mb * 1_000_000));
    long bytes = docs.stream().mapToLong(d -> d.getBytes(StandardCharsets.UTF_8).length).sum();
    System.out.printf("documents: %d, %.2f MB UTF-8%n", docs.size(), bytes / 1e6);

    SparkSession spark = BenchSpark.session();
    int cores = spark.sparkContext().defaultParallelism() >= 2 ? 2 : 1;
    Path lake = BenchSpark.newDir("bench-lake");
    warm = BenchSpark.newDir("bench-warm");
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      rows.add(RowFactory.create("d" + i, "bench", docs.get(i), true));
    }
    StructType schema =
        new StructType()
            .add("doc_id", DataTypes.StringType, true)
            .add("source", DataTypes.StringType, true)
            .add("text", DataTypes.StringType, true)
            .add("kept", DataTypes.BooleanType, false);
    new Lake(spark, lake.toString())
        .write(
            spark.createDataFrame(rows, schema).repartition(8),
            "docs_filtered",
            SaveMode.Overwrite,
            "{}",
            "kept");
    // A quarter of the documents: the stage's marginal throughput is (full - quarter) bytes over
    // (full - quarter) seconds, which cancels the fixed per-stage cost (planning, Delta log, code
    // generation: seconds, whatever the size) that a cluster-sized input makes negligible.
    quarter = BenchSpark.newDir("bench-quarter");
    quarterBytes =
        docs.subList(0, docs.size() / 4).stream()
            .mapToLong(d -> d.getBytes(StandardCharsets.UTF_8).length)
            .sum();
    new Lake(spark, quarter.toString())
        .write(
            spark.createDataFrame(rows.subList(0, docs.size() / 4), schema).repartition(8),
            "docs_filtered",
            SaveMode.Overwrite,
            "{}",
            "kept");
    // The warm-up (JIT, tokenizer load, Delta classes) runs on a small copy, so it costs little.
    new Lake(spark, warm.toString())
        .write(
            spark
                .createDataFrame(rows.subList(0, Math.min(500, rows.size())), schema)
                .repartition(2),
            "docs_filtered",
            SaveMode.Overwrite,
            "{}",
            "kept");
    rows.clear();

    TextTokenizer hfLlama = null;
    for (String w : which) {
      switch (w) {
        case "jtokkit-gpt2" ->
            compare(
                w,
                new JTokkitGpt2Tokenizer(),
                docs,
                bytes,
                cores,
                lake,
                "tokenize.tokenizer.kind=jtokkit-gpt2");
        case "hf-gpt2" ->
            compare(
                w,
                HfTokenizer.load(gpt2, HfTokenizer.DEFAULT_CHUNK_CHARS),
                docs,
                bytes,
                cores,
                lake,
                "tokenize.tokenizer.kind=hf",
                "tokenize.tokenizer.path=\"" + gpt2 + "\"");
        case "hf-llama2" -> {
          hfLlama =
              HfTokenizer.load(llamaDir.resolve("tokenizer.json"), HfTokenizer.DEFAULT_CHUNK_CHARS);
          compare(
              w,
              hfLlama,
              docs,
              bytes,
              cores,
              lake,
              "tokenize.tokenizer.kind=hf",
              "tokenize.tokenizer.path=\"" + llamaDir + "\"",
              "tokenize.bos=\"<s>\"",
              "tokenize.eos=\"\"");
        }
        case "spm-llama2" ->
            compare(
                w,
                SentencePieceBpe.load(llamaDir.resolve("tokenizer.model")),
                docs,
                bytes,
                cores,
                lake,
                "tokenize.tokenizer.kind=sentencepiece",
                "tokenize.tokenizer.path=\"" + llamaDir + "\"",
                "tokenize.bos=\"<s>\"",
                "tokenize.eos=\"\"");
        case "spm" ->
            spm(
                docs,
                hfLlama != null
                    ? hfLlama
                    : HfTokenizer.load(
                        llamaDir.resolve("tokenizer.json"), HfTokenizer.DEFAULT_CHUNK_CHARS),
                llamaDir.resolve("tokenizer.model"));
        default -> throw new IllegalArgumentException("unknown: " + w);
      }
    }
    spark.stop();
  }

  /**
   * Plain loop with as many threads as the stage has cores, then the stage, then the loop again;
   * the ratio divides the stage's MB/s per core by the loops' mean MB/s per thread. Like with like:
   * on a VM whose vCPUs do not scale linearly, a 1-thread reference would charge that to us.
   */
  private static void compare(
      String name,
      TextTokenizer t,
      List<String> docs,
      long bytes,
      int cores,
      Path lake,
      String... sets)
      throws Exception {
    raw(name, t, docs, bytes, cores); // warm-up: JIT of the tokenizer's Java code, untimed
    double[] before = raw(name, t, docs, bytes, cores);
    double[] full = stage(name, lake, bytes, cores, sets);
    double[] small = stage(name, quarter, quarterBytes, cores, sets);
    double[] after = raw(name, t, docs, bytes, cores);
    double loop = (before[0] + after[0]) / 2;
    double marginal = (bytes - quarterBytes) / 1e6 / (full[1] - small[1]) / cores;
    System.out.printf(
        "RATIO %-16s stage %.2f MB/s per core / plain loop %.2f MB/s per thread (%.2f, %.2f) = %.3f;"
            + " marginal (full - quarter) %.2f MB/s per core = %.3f%n",
        name, full[0], loop, before[0], after[0], full[0] / loop, marginal, marginal / loop);
    // The same per CPU-second of this JVM: other processes on a shared machine slow wall time but
    // not the CPU time either side uses (idle cores at a stage's end count against wall time only).
    double loopCpu = (before[1] + after[1]) / 2;
    double marginalCpu = (bytes - quarterBytes) / 1e6 / (full[2] - small[2]);
    System.out.printf(
        "RATIO-CPU %-12s stage %.2f MB per CPU-s / plain loop %.2f = %.3f; marginal %.2f = %.3f%n",
        name,
        bytes / 1e6 / full[2],
        loopCpu,
        bytes / 1e6 / full[2] / loopCpu,
        marginalCpu,
        marginalCpu / loopCpu);
  }

  /**
   * {MB/s per thread, MB per CPU-second} of {@code threads} threads encoding interleaved documents.
   */
  private static double[] raw(
      String name, TextTokenizer t, List<String> docs, long bytes, int threads) throws Exception {
    for (int i = 0; i < Math.min(300, docs.size()); i++) {
      t.encode(docs.get(i)); // warm-up
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    double c0 = cpuSeconds();
    long t0 = System.nanoTime();
    List<java.util.concurrent.Future<Long>> parts = new ArrayList<>();
    for (int k = 0; k < threads; k++) {
      int first = k;
      parts.add(
          pool.submit(
              () -> {
                long n = 0;
                for (int i = first; i < docs.size(); i += threads) {
                  n += t.encode(docs.get(i)).length;
                }
                return n;
              }));
    }
    long tokens = 0;
    for (java.util.concurrent.Future<Long> f : parts) {
      tokens += f.get();
    }
    pool.shutdown();
    double s = (System.nanoTime() - t0) / 1e9;
    double cpu = cpuSeconds() - c0;
    double perThread = bytes / 1e6 / s / threads;
    System.out.printf(
        "plain loop, %d thr   %-16s %8.2f MB/s per thread  %9d tokens  %.2f s  %.2f MB per CPU-s%n",
        threads, name, perThread, tokens, s, bytes / 1e6 / cpu);
    return new double[] {perThread, bytes / 1e6 / cpu};
  }

  /** {MB/s per core, seconds, CPU seconds}. */
  private static double[] stage(String name, Path lake, long bytes, int cores, String... sets) {
    // Warm-up on the quarter table, not only a few hundred documents: the first tokenizer measured
    // in a JVM otherwise pays the JIT of Spark's Parquet read/write paths inside its timed run.
    new TokenizeStage().run(new RunContext(BenchSpark.session(), config(warm, sets)));
    new TokenizeStage().run(new RunContext(BenchSpark.session(), config(quarter, sets)));
    SlimConfig c = config(lake, sets);
    double c0 = cpuSeconds();
    long t0 = System.nanoTime();
    JobSummary s = new TokenizeStage().run(new RunContext(BenchSpark.session(), c));
    double sec = (System.nanoTime() - t0) / 1e9;
    double cpu = cpuSeconds() - c0;
    double perCore = bytes / 1e6 / sec / cores;
    System.out.printf(
        "stage, local[%d]     %-16s %8.2f MB/s per core  %9s tokens  %.2f s (incl. Delta write + counts)"
            + "  %.2f MB per CPU-s%n",
        cores, name, perCore, s.counts().get("tokens"), sec, bytes / 1e6 / cpu);
    return new double[] {perCore, sec, cpu};
  }

  /** CPU seconds used by this JVM so far (all threads: tasks, GC, JIT, Spark's own). */
  private static double cpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  private static SlimConfig config(Path lake, String... sets) {
    List<String> all =
        new ArrayList<>(List.of("lake=\"" + lake + "\"", "tokenize.input_table=docs_filtered"));
    all.addAll(Arrays.asList(sets));
    return SlimConfig.load(null, all);
  }

  /**
   * spm_encode on the same text, one document per line (newlines become spaces), and id equality.
   */
  private static void spm(List<String> docs, TextTokenizer hfLlama, Path model) throws Exception {
    if (!Files.isRegularFile(model)) {
      System.out.println("spm: " + model + " missing, skipped");
      return;
    }
    List<String> lines = new ArrayList<>(docs.size());
    for (String d : docs) {
      lines.add(d.replace('\n', ' '));
    }
    Path in = Files.createTempFile("spm-in", ".txt");
    Path out = Files.createTempFile("spm-out", ".txt");
    Files.write(in, lines, StandardCharsets.UTF_8);
    long bytes = Files.size(in);
    ProcessBuilder pb;
    try {
      pb =
          new ProcessBuilder(
              "spm_encode",
              "--model=" + model,
              "--output_format=id",
              "--input=" + in,
              "--output=" + out);
      long t0 = System.nanoTime();
      int rc = pb.inheritIO().start().waitFor();
      double s = (System.nanoTime() - t0) / 1e9;
      if (rc != 0) {
        System.out.println("spm_encode failed: rc " + rc);
        return;
      }
      System.out.printf(
          "spm_encode, 1 proc  %-16s %8.2f MB/s  %.2f s (process incl. model load)%n",
          "llama2", bytes / 1e6 / s, s);
    } catch (java.io.IOException e) {
      System.out.println("spm_encode not installed (apt-get install sentencepiece), skipped");
      return;
    }
    long t0 = System.nanoTime();
    List<int[]> hf = new ArrayList<>(lines.size());
    for (String l : lines) {
      hf.add(hfLlama.encode(l));
    }
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "raw loop, 1 thread  %-16s %8.2f MB/s  on the same lines%n",
        "hf-llama2 (DJL)", bytes / 1e6 / s);
    int same = 0;
    int shown = 0;
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(Files.newInputStream(out), StandardCharsets.UTF_8))) {
      for (int i = 0; i < lines.size(); i++) {
        String line = r.readLine();
        int[] spm =
            line == null || line.isBlank()
                ? new int[0]
                : Arrays.stream(line.trim().split(" ")).mapToInt(Integer::parseInt).toArray();
        if (Arrays.equals(spm, hf.get(i))) {
          same++;
        } else if (shown++ < 3) {
          int k = 0;
          while (k < Math.min(spm.length, hf.get(i).length) && spm[k] == hf.get(i)[k]) {
            k++;
          }
          System.out.printf(
              "  differs, line %d at token %d: spm %s | hf %s | text near: %s%n",
              i,
              k,
              Arrays.toString(Arrays.copyOfRange(spm, k, Math.min(spm.length, k + 6))),
              Arrays.toString(Arrays.copyOfRange(hf.get(i), k, Math.min(hf.get(i).length, k + 6))),
              hfLlama
                  .decode(
                      Arrays.copyOfRange(
                          hf.get(i), Math.max(0, k - 3), Math.min(hf.get(i).length, k + 3)))
                  .replace("\n", "\\n"));
        }
      }
    }
    System.out.printf(
        "spm_encode vs hf-llama2: %d of %d documents token-identical%n", same, lines.size());
    Files.deleteIfExists(in);
    Files.deleteIfExists(out);
  }
}
