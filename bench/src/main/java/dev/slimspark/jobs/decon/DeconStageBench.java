package dev.slimspark.jobs.decon;

import dev.slimspark.bench.BenchSpark;
import dev.slimspark.bench.PartitionLoop;
import dev.slimspark.bench.StageRun;
import dev.slimspark.bench.TaskCpu;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import dev.slimspark.sample.ContaminationPlanter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Benchmark (not a test): the whole {@code decontaminate} stage at corpus scale, against its scan
 * loop on the same documents.
 *
 * <pre>
 * SLIMSPARK_JAVA_OPTS=-Xmx6g bin/slimspark bench main DeconStageBench [MB] [eval items]
 * </pre>
 *
 * <p>{@code -Dbench.jfr=FILE} records a JFR profile of the warm run.
 *
 * <p>docs_dedup is generated inside Spark tasks (the sample generator's web, C4 and Wikipedia
 * styles; one seed per partition, 16 MB each); partition 0 also holds 2,000 planted eval items, so
 * the confirm join, the merge and the cut run on real hits. The eval set (a text file) is those
 * items plus generated ones up to {@code eval items} (85,000 give about 1 M distinct n-grams). The
 * stage is timed cold and warm by the process's CPU time (tasks, Parquet, Delta, GC, JIT) and by
 * the task threads' CPU time; the loop hashes every window of the same documents and tests it
 * against the same index (thread CPU time, documents regenerated untimed), as the stage's scan
 * does.
 */
public final class DeconStageBench {
  private static final int MB_PER_PARTITION = 16;
  private static final int DOC_BYTES = 2_900; // the generator's mean document, for the count
  private static final int PLANTED = 2_000;

  private DeconStageBench() {}

  public static void main(String[] args) throws Exception {
    long mb = args.length > 0 ? Long.parseLong(args[0]) : 1024;
    int evalItems = args.length > 1 ? Integer.parseInt(args[1]) : 85_000;
    SparkSession spark = BenchSpark.session();
    int parts = (int) Math.max(2, mb / MB_PER_PARTITION);
    Path lake = BenchSpark.newDir("decon-bench-lake");
    Path warm = BenchSpark.newDir("decon-bench-warm");
    Path items = BenchSpark.newDir("decon-bench-items").resolve("items.txt");
    Files.write(items, items(evalItems), StandardCharsets.UTF_8);
    write(spark, lake, parts);
    write(spark, warm, 1);
    long bytes = BenchSpark.sum(spark, lake, Table.DOCS_DEDUP.id(), "octet_length(text)");
    System.out.printf(Locale.ROOT, "input: %d partitions, %.1f MB UTF-8%n", parts, bytes / 1e6);
    new DeconStage().run(new RunContext(spark, config(warm, items)));
    double[] cold = timedStage(spark, lake, items, bytes, "cold");
    double[] warmRun = timedStage(spark, lake, items, bytes, "warm");
    double loop = loop(spark, lake, items, parts);
    TaskCpu.printRatios("scan loop", cold, warmRun, loop);
    spark.stop();
  }

  /** The planted items of partition 0 first, then generated ones up to {@code n}, distinct. */
  private static List<String> items(int n) {
    Set<String> all = new LinkedHashSet<>(planted(0).items());
    all.addAll(ContaminationPlanter.generate(1, Math.max(1, n - all.size()), 7L).items());
    return new ArrayList<>(all);
  }

  private static ContaminationPlanter.Corpus planted(long partition) {
    int docs = MB_PER_PARTITION * 1_000_000 / DOC_BYTES;
    return ContaminationPlanter.generate(docs, partition == 0 ? PLANTED : 1, 1_000 + partition);
  }

  /** Partition 0's planted documents; the others' documents without their one plant. */
  private static List<String> docs(long partition) {
    ContaminationPlanter.Corpus c = planted(partition);
    return partition == 0 ? c.planted() : c.clean();
  }

  private static void write(SparkSession spark, Path lake, int parts) {
    StructType schema =
        new StructType()
            .add("doc_id", DataTypes.StringType, true)
            .add("source", DataTypes.StringType, true)
            .add("text", DataTypes.StringType, true);
    FlatMapFunction<Long, Row> gen =
        p -> {
          List<Row> rows = new ArrayList<>();
          List<String> d = docs(p);
          for (int i = 0; i < d.size(); i++) {
            rows.add(RowFactory.create("p" + p + "-" + i, "bench", d.get(i)));
          }
          return rows.iterator();
        };
    new Lake(spark, lake.toString())
        .write(
            spark.range(0, parts, 1, parts).as(Encoders.LONG()).flatMap(gen, Encoders.row(schema)),
            Table.DOCS_DEDUP.id(),
            SaveMode.Overwrite,
            "{}");
  }

  /** MB per CPU-s and per task-CPU-s of one stage run. */
  private static double[] timedStage(
      SparkSession spark, Path lake, Path items, long bytes, String label) throws Exception {
    String jfr = label.equals("warm") ? System.getProperty("bench.jfr") : null;
    StageRun r =
        StageRun.time(
            spark, jfr, () -> new DeconStage().run(new RunContext(spark, config(lake, items))));
    double[] mb = r.mbPerCpu(bytes);
    System.out.printf(Locale.ROOT, "%s; counts %s%n", r.describe(label, bytes), r.summary.counts());
    r.printBreakdown();
    return mb;
  }

  /** The stage's scan alone: every window of every document against the same shipped filter. */
  private static double loop(SparkSession spark, Path lake, Path items, int parts)
      throws Exception {
    DeconOptions opts = DeconOptions.from(config(lake, items));
    EvalIndex index =
        EvalIndex.build(
            EvalSets.read(spark, new Lake(spark, lake.toString()), opts.evalSets()), opts);
    NgramFilter f = index.filter();
    int[] lengths = index.lengths();
    System.out.printf(
        Locale.ROOT,
        "index: %,d n-grams, lengths %s, %s of %.1f MB%n",
        index.distinctNgrams(),
        java.util.Arrays.toString(lengths),
        f.exact() ? "hash set" : "Bloom filter",
        f.sizeBytes() / 1e6);
    int maxLength = java.util.Arrays.stream(lengths).max().orElse(opts.ngram());
    double[] r =
        PartitionLoop.run(
            parts,
            2,
            (p, cpu) -> {
              WordNgrams w = new WordNgrams(maxLength);
              List<String> d = docs(p);
              long candidates = 0;
              cpu.start();
              for (String t : d) {
                int n = w.scan(t);
                for (int end = 1; end <= n; end++) {
                  for (int len : lengths) {
                    if (len <= end && f.mightContain(w.ngram(end - len, len))) {
                      candidates++;
                    }
                  }
                }
              }
              cpu.stop();
              long bytes = 0;
              for (String t : d) {
                bytes += t.getBytes(StandardCharsets.UTF_8).length;
              }
              return new double[] {bytes, candidates};
            });
    System.out.printf(
        Locale.ROOT,
        "scan loop: %.2f MB per CPU-s (%.1f MB, %.1f CPU-s, %.0f candidates)%n",
        r[1] / 1e6 / r[0],
        r[1] / 1e6,
        r[0],
        r[2]);
    return r[1] / 1e6 / r[0];
  }

  private static SlimConfig config(Path lake, Path items) {
    return SlimConfig.load(
        null,
        List.of(
            "lake=\"" + lake + "\"",
            "decontaminate.eval_sets=[{name = \"bench\", path = \""
                + items
                + "\", format = \"text\"}]"));
  }
}
