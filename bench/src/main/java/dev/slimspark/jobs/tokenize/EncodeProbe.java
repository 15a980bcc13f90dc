package dev.slimspark.jobs.tokenize;

import dev.slimspark.bench.BenchSpark;
import dev.slimspark.lake.Lake;
import dev.slimspark.udfs.tokenize.TextTokenizer;
import dev.slimspark.udfs.tokenize.Tokenizers;
import dev.slimspark.udfs.tokenize.VariedText;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * Probe (not a test): the time of {@code encode()} alone, summed inside Spark tasks (local[2],
 * documents read from Delta, streamed or buffered per partition first) vs two plain-loop threads,
 * on the JVM's one tokenizer instance ({@link Tokenizers#get}). Separates "the native encode runs
 * slower in tasks" from the stage's own costs. Run like {@link TokenizeBench}:
 *
 * <pre>
 * [MALLOC_TRIM_THRESHOLD_=... MALLOC_MMAP_THRESHOLD_=...] bin/slimspark bench main EncodeProbe TOKENIZER_JSON MB
 * </pre>
 *
 * Under {@code perf stat -e page-faults} it showed where the time went (BENCHMARKS.md).
 */
public final class EncodeProbe {
  public static void main(String[] args) throws Exception {
    Path json = Path.of(args[0]);
    double mb = Double.parseDouble(args[1]);
    List<String> docs = VariedText.corpus(99, 2000, (long) (mb * 1_000_000));
    long bytes = docs.stream().mapToLong(d -> d.getBytes(StandardCharsets.UTF_8).length).sum();
    System.out.printf("documents: %d, %.2f MB%n", docs.size(), bytes / 1e6);
    SparkSession spark = BenchSpark.session();
    Path lake = BenchSpark.newDir("probe-lake");
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      rows.add(RowFactory.create("d" + i, docs.get(i)));
    }
    StructType schema =
        new StructType().add("doc_id", DataTypes.StringType).add("text", DataTypes.StringType);
    new Lake(spark, lake.toString())
        .write(
            spark.createDataFrame(rows, schema).repartition(8), "docs", SaveMode.Overwrite, "{}");
    Tokenizers.Spec spec = Tokenizers.Spec.hf(json, 65536);
    byte[] contents = Files.readAllBytes(json);
    TextTokenizer t = Tokenizers.get(spec, () -> contents);
    for (int rep = 0; rep < 3; rep++) {
      loop(t, docs, bytes);
      task(spark, lake, spec, contents, false);
      task(spark, lake, spec, contents, true);
    }
    spark.stop();
  }

  static void loop(TextTokenizer t, List<String> docs, long bytes) throws Exception {
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    long w0 = System.nanoTime();
    List<java.util.concurrent.Future<Long>> f = new ArrayList<>();
    for (int k = 0; k < 2; k++) {
      int first = k;
      f.add(
          pool.submit(
              () -> {
                long ns = 0;
                for (int i = first; i < docs.size(); i += 2) {
                  long a = System.nanoTime();
                  t.encode(docs.get(i));
                  ns += System.nanoTime() - a;
                }
                return ns;
              }));
    }
    long ns = 0;
    for (var x : f) ns += x.get();
    pool.shutdown();
    double wall = (System.nanoTime() - w0) / 1e9;
    System.out.printf(
        "LOOP  encode-only %.2f MB/s per thread (encode s %.1f, wall %.1f)%n",
        bytes / 1e6 / (ns / 1e9), ns / 1e9, wall);
  }

  static void task(
      SparkSession spark, Path lake, Tokenizers.Spec spec, byte[] contents, boolean buffered) {
    LongAccumulator ns = spark.sparkContext().longAccumulator();
    LongAccumulator by = spark.sparkContext().longAccumulator();
    MapPartitionsFunction<Row, Long> fn =
        it -> {
          TextTokenizer t = Tokenizers.get(spec, () -> contents);
          Iterator<Row> src = it;
          if (buffered) {
            List<Row> all = new ArrayList<>();
            it.forEachRemaining(all::add);
            src = all.iterator();
          }
          long n = 0, b = 0, tn = 0;
          while (src.hasNext()) {
            String s = src.next().getString(1);
            b += s.getBytes(StandardCharsets.UTF_8).length;
            long a = System.nanoTime();
            n += t.encode(s).length;
            tn += System.nanoTime() - a;
          }
          ns.add(tn);
          by.add(b);
          return List.of(n).iterator();
        };
    long w0 = System.nanoTime();
    long sum =
        spark
            .read()
            .format("delta")
            .load(lake.resolve("docs").toString())
            .mapPartitions(fn, Encoders.LONG())
            .javaRDD()
            .fold(0L, Long::sum);
    double wall = (System.nanoTime() - w0) / 1e9;
    System.out.printf(
        "TASK%s encode-only %.2f MB/s per thread (encode s %.1f, wall %.1f, tokens %d)%n",
        buffered ? "(buffered)" : "          ",
        by.value() / 1e6 / (ns.value() / 1e9),
        ns.value() / 1e9,
        wall,
        sum);
  }
}
