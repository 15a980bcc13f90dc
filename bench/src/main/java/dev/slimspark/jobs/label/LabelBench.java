package dev.slimspark.jobs.label;

import static org.apache.spark.sql.functions.col;

import dev.slimspark.bench.BenchSpark;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.lake.Lake;
import dev.slimspark.udfs.djl.Batching;
import dev.slimspark.udfs.djl.ModelDir;
import dev.slimspark.udfs.djl.SentenceEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Benchmark (not a test): twitter-financial-news-sentiment train split, seeded 80/20 split by id
 * hash (ids from the normalized absolute CSV path, so the split does not depend on how the path is
 * spelled); fine-tuned classifier (finetune defaults unless overridden: BGE-small CLS + token
 * n-grams) and knn-vote (k = 1, 5, 10, 50, MiniLM) on the held-out 20%; majority baseline; UDF
 * throughput in Spark vs the same encoder in a plain Java loop. Extra arguments are config
 * overrides for the finetune run ({@code finetune.lexical=false}, ...); {@code --fine-tuned-only}
 * skips knn-vote and the throughput comparison.
 *
 * <pre>
 * SLIMSPARK_JAVA_OPTS=-Xmx6g bin/slimspark bench main LabelBench [CSV] [OUT_DIR] [KEY=VALUE ...]
 * </pre>
 */
public final class LabelBench {
  private static final List<String> NAMES = List.of("bearish", "bullish", "neutral");

  public static void main(String[] args) throws Exception {
    String csv =
        Path.of(
                args.length > 0
                    ? args[0]
                    : "../shared/data/twitter_financial_news_sentiment/sent_train.csv")
            .toAbsolutePath()
            .normalize()
            .toString();
    Path out = Path.of(args.length > 1 ? args[1] : "target/label-bench").toAbsolutePath();
    List<String> overrides =
        new ArrayList<>(args.length > 2 ? List.of(args).subList(2, args.length) : List.of());
    // --fine-tuned-only: no knn-vote labelers and no throughput comparison (they do not depend on
    // finetune).
    boolean everyLabeler = !overrides.remove("--fine-tuned-only");
    // knn-vote and the throughput comparison use MiniLM (label.encoder's default).
    String encoder = ModelDir.BUILTIN_MINILM;
    Files.createDirectories(out);
    SparkSession spark = BenchSpark.session();
    Path lakeDir = out.resolve("lake");
    String[] common = {"lake=" + q(lakeDir)};
    Lake lake = new Lake(spark, lakeDir.toString());

    long t0 = System.nanoTime();
    Dataset<Row> all =
        LabeledData.read(spark, lake, csv, "doc_id", "text", "label", "bench").cache();
    Dataset<Row> tbl = all.select(col("id").as("doc_id"), col("text"), col("label"));
    Dataset<Row> train = tbl.filter(notDev());
    Dataset<Row> dev = tbl.filter(dev());
    lake.write(train, "bench_train", SaveMode.Overwrite, "{}");
    lake.write(dev, "bench_dev", SaveMode.Overwrite, "{}");
    long nTrain = lake.read("bench_train").count();
    long nDev = lake.read("bench_dev").count();
    Map<String, Long> trainCounts = counts(lake.read("bench_train"));
    Map<String, Long> devCounts = counts(lake.read("bench_dev"));
    String major = trainCounts.entrySet().stream().max(Map.Entry.comparingByValue()).get().getKey();
    long[][] cm = new long[3][3];
    for (Map.Entry<String, Long> e : devCounts.entrySet()) {
      cm[Integer.parseInt(e.getKey())][Integer.parseInt(major)] += e.getValue();
    }
    Metrics baseline = new Metrics(NAMES, cm);
    System.out.printf(
        "split: train %d %s, dev %d %s (%.0f s)%n",
        nTrain, trainCounts, nDev, devCounts, (System.nanoTime() - t0) / 1e9);

    Path model = out.resolve("model");
    List<String> sets = new ArrayList<>(List.of(common));
    sets.addAll(
        List.of(
            "finetune.input=bench_train",
            "finetune.labels=[bearish, bullish, neutral]",
            "finetune.output=" + q(model),
            "label.input=bench_dev",
            "label.encoder=" + q(encoder),
            "label.partitions=2",
            "evaluate.gold=bench_dev",
            "evaluate.labels=[bearish, bullish, neutral]"));
    StringBuilder knn = new StringBuilder();
    for (int k : everyLabeler ? new int[] {1, 5, 10, 50} : new int[0]) {
      knn.append(", {type = \"knn-vote\", k = ")
          .append(k)
          .append(", pool = bench_train, labels = [bearish, bullish, neutral]}");
    }
    sets.add("label.labelers=[{type = \"fine-tuned\", model = " + q(model) + "}" + knn + "]");
    sets.addAll(overrides);
    SlimConfig c = SlimConfig.load(null, sets);
    long t1 = System.nanoTime();
    JobSummary ft = runStage(new FinetuneStage(), c);
    System.out.printf("finetune: %.0f s %s%n", (System.nanoTime() - t1) / 1e9, ft.counts());
    long t2 = System.nanoTime();
    JobSummary lb = runStage(new LabelStage(), c);
    System.out.printf(
        "label: %.0f s%n%s%n", (System.nanoTime() - t2) / 1e9, JobSummary.toJson(lb.counts()));
    JobSummary ev = runStage(new EvaluateStage(), c);
    System.out.println(
        baseline.table("majority baseline (always " + NAMES.get(Integer.parseInt(major)) + ")"));
    System.out.println(ev.extra().get("report"));

    if (!everyLabeler) {
      spark.stop();
      return;
    }
    // Throughput: the same encoder instance, through Spark (EmbedStep, 2 tasks) vs a plain 2-thread
    // loop.
    List<String> texts = new ArrayList<>();
    for (Row r : lake.read("bench_dev").select("text").collectAsList()) {
      texts.add(r.getString(0));
    }
    EncoderSettings es = new EncoderSettings(encoder, 256, 32, false);
    Dataset<Row> df =
        spark.createDataset(texts, Encoders.STRING()).toDF("text").repartition(2).cache();
    df.count();
    EmbedStep.apply(df, "text", es).count(); // warm-up
    long s0 = System.nanoTime();
    long n = EmbedStep.apply(df, "text", es).count();
    double sparkRate = n / ((System.nanoTime() - s0) / 1e9);
    SentenceEncoder enc =
        SentenceEncoder.get(ModelDir.resolve(encoder), ai.djl.Device.cpu(), 1, 256);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    long p0 = System.nanoTime();
    List<Future<Integer>> fs = new ArrayList<>();
    for (int part = 0; part < 2; part++) {
      List<String> half = texts.subList(part * texts.size() / 2, (part + 1) * texts.size() / 2);
      fs.add(
          pool.submit(
              () -> {
                int done = 0;
                var it = Batching.windows(half.iterator(), 32 * EmbedStep.WINDOW_BATCHES);
                while (it.hasNext()) {
                  done += enc.encodeAll(it.next(), 32).size();
                }
                return done;
              }));
    }
    long m = 0;
    for (Future<Integer> f : fs) {
      m += f.get();
    }
    double loopRate = m / ((System.nanoTime() - p0) / 1e9);
    pool.shutdown();
    System.out.printf(
        "throughput: spark %.1f docs/s, plain loop %.1f docs/s, ratio %.2f (%d docs, 2 tasks vs 2 threads, 1 ORT thread each)%n",
        sparkRate, loopRate, sparkRate / loopRate, n);
    System.out.printf("total bench time %.0f s%n", (System.nanoTime() - t0) / 1e9);
    spark.stop();
  }

  private static org.apache.spark.sql.Column dev() {
    return holdoutOn("doc_id");
  }

  private static org.apache.spark.sql.Column notDev() {
    return holdoutOn("doc_id").unary_$bang();
  }

  /** The seeded 20% split by id hash (HeadFeatures.holdout over column doc_id). */
  private static org.apache.spark.sql.Column holdoutOn(String c) {
    return org.apache
        .spark
        .sql
        .functions
        .pmod(
            org.apache.spark.sql.functions.xxhash64(
                col(c), org.apache.spark.sql.functions.lit(42L)),
            org.apache.spark.sql.functions.lit(1_000_000L))
        .lt(org.apache.spark.sql.functions.lit(200_000L));
  }

  private static Map<String, Long> counts(Dataset<Row> d) {
    Map<String, Long> m = new TreeMap<>();
    for (Row r : d.groupBy("label").count().collectAsList()) {
      m.put(r.getString(0), r.getLong(1));
    }
    return m;
  }

  /** Quotes a path for a --set value. */
  private static String q(Object path) {
    return "\"" + path + "\"";
  }

  /** Runs a stage on the benchmark session and records it in the runs table, as the CLI does. */
  private static JobSummary runStage(dev.slimspark.jobs.Stage stage, SlimConfig c) {
    JobSummary s = stage.run(new dev.slimspark.jobs.RunContext(BenchSpark.session(), c));
    dev.slimspark.jobs.RunsTable.record(s);
    return s;
  }
}
