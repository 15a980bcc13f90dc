package dev.slimspark.udfs.quality;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Measurement, not a test: cost of {@link QualitySignals#compute} (our one-pass word counting)
 * versus Spark NLP's rule-based DocumentAssembler → SentenceDetector (pragmatic) → Tokenizer, on
 * the same generated English documents (~20 MB by default).
 *
 * <p>Per-core throughput is bytes divided by CPU time: the calling thread's CPU time for the plain
 * Java loop, and the sum of task {@code executorCpuTime} (via a SparkListener) for the Spark jobs,
 * so the numbers do not depend on how busy the shared machine is. Wall-clock throughput is printed
 * too.
 *
 * <p>Run (from the repository root):
 *
 * <pre>
 * SLIMSPARK_JAVA_OPTS=-Xmx4g bin/slimspark bench main SegmentationCostBench [megabytes=20]
 * </pre>
 *
 * where {@code $SPARK_JAVA_OPENS} is the parent pom property {@code spark.java.opens}. Spark NLP
 * needs spark-mllib at run time, which udfs does not declare; the jobs module's classpath has it
 * (the udfs jar listed there need not exist, udfs/target/classes comes first).
 *
 * <p>Result on the 2-core shared dev box (20 MB, 13,328 docs, 3.33 M words, 266,043 sentences):
 * compute 166 MB/s per core (27.6 M words/s); the same inside a Spark UDF about 50 MB/s of task
 * CPU; Spark NLP 0.38 MB/s of task CPU per core (0.06 M words/s), about 440x slower, with identical
 * word and sentence counts on this clean generated text. Task CPU excludes GC threads, so Spark
 * NLP's real cost is higher.
 */
public final class SegmentationCostBench {

  // A small hand-written vocabulary; documents are random sentences over it (seeded, reproducible).
  private static final String[] VOCAB =
      ("the of and to in a is that for it as was with be by on not he this are or his from at which but have"
              + " an they you were her she there been one all we their has would when if so no will more about up"
              + " out who them what some could into two time than first then other like over only new people may"
              + " river library student market garden window morning evening winter summer village council roof"
              + " water storm shelf teacher lesson question answer number letter paper story history music color"
              + " quickly quietly carefully slowly early late often never always sometimes together again almost"
              + " build repair carry follow open close remember explain decide travel listen write read count"
              + " small large old young bright dark heavy light careful simple useful strange familiar distant"
              + " measurement experiment pipeline document sentence paragraph language computer network machine")
          .split(" ");

  private SegmentationCostBench() {}

  /** A generated corpus and its ground truth. */
  private record Corpus(List<String> docs, long bytes, long words, long sentences) {}

  private static Corpus generate(long targetBytes, long seed) {
    Random rnd = new Random(seed);
    List<String> docs = new ArrayList<>();
    long bytes = 0;
    long words = 0;
    long sentences = 0;
    StringBuilder sb = new StringBuilder(8192);
    while (bytes < targetBytes) {
      sb.setLength(0);
      int paragraphs = 2 + rnd.nextInt(5);
      for (int p = 0; p < paragraphs; p++) {
        if (p > 0) {
          sb.append("\n\n");
        }
        int sents = 3 + rnd.nextInt(5);
        for (int s = 0; s < sents; s++) {
          if (s > 0) {
            sb.append(' ');
          }
          int n = 6 + rnd.nextInt(14);
          for (int w = 0; w < n; w++) {
            String word = VOCAB[rnd.nextInt(VOCAB.length)];
            if (w == 0) {
              sb.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
            } else {
              sb.append(' ').append(word);
            }
            if (w < n - 1 && w > 0 && rnd.nextInt(12) == 0) {
              sb.append(',');
            }
          }
          int end = rnd.nextInt(20);
          sb.append(end == 0 ? '?' : end == 1 ? '!' : '.');
          words += n;
          sentences++;
        }
      }
      String doc = sb.toString();
      docs.add(doc);
      bytes += doc.getBytes(StandardCharsets.UTF_8).length;
    }
    return new Corpus(docs, bytes, words, sentences);
  }

  /** Sums task CPU and run time of all finished tasks. */
  private static final class TaskTime extends SparkListener {
    final AtomicLong cpuNanos = new AtomicLong();
    final AtomicLong runMillis = new AtomicLong();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.taskMetrics() != null) {
        cpuNanos.addAndGet(end.taskMetrics().executorCpuTime());
        runMillis.addAndGet(end.taskMetrics().executorRunTime());
      }
    }

    void reset() {
      cpuNanos.set(0);
      runMillis.set(0);
    }
  }

  public static void main(String[] args) throws Exception {
    int mb = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    Corpus c = generate(mb * 1_000_000L, 42);
    double megabytes = c.bytes / 1e6;
    System.out.printf(
        "corpus: %d docs, %.1f MB, %d words, %d sentences (ground truth)%n",
        c.docs.size(), megabytes, c.words, c.sentences);

    // (a) QualitySignals.compute in a plain loop on one thread.
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long words = 0;
    double bestCpu = Double.MAX_VALUE;
    double bestWall = Double.MAX_VALUE;
    for (int round = 0; round < 5; round++) {
      long cpu0 = mx.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      words = 0;
      for (String d : c.docs) {
        words += QualitySignals.compute(d).words();
      }
      bestWall = Math.min(bestWall, (System.nanoTime() - t0) / 1e9);
      bestCpu = Math.min(bestCpu, (mx.getCurrentThreadCpuTime() - cpu0) / 1e9);
    }
    System.out.printf(
        "(a) QualitySignals.compute, 1 thread, best of 5: words=%d, cpu %.3f s, wall %.3f s"
            + " -> %.1f MB/s per core, %.2f M words/s per core%n",
        words, bestCpu, bestWall, megabytes / bestCpu, words / bestCpu / 1e6);

    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("segmentation-cost-bench")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.driver.memory", "4g")
            .getOrCreate();
    TaskTime taskTime = new TaskTime();
    spark.sparkContext().addSparkListener(taskTime);
    try {
      List<Row> rows = new ArrayList<>(c.docs.size());
      for (String d : c.docs) {
        rows.add(RowFactory.create(d));
      }
      StructType schema = new StructType().add("text", DataTypes.StringType);
      Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(8).cache();
      df.count(); // materialize the cache so the timed jobs only read it

      // (a') the same word counting inside Spark (UDF), to separate Spark overhead from
      // segmentation cost.
      spark
          .udf()
          .register(
              "qs_words",
              (UDF1<String, Integer>) t -> QualitySignals.compute(t).words(),
              DataTypes.IntegerType);
      for (int round = 0; round < 2; round++) {
        taskTime.reset();
        long t0 = System.nanoTime();
        Row r = df.selectExpr("sum(qs_words(text))").first();
        double wall = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(500); // let the listener bus deliver the last task-end events
        double cpu = taskTime.cpuNanos.get() / 1e9;
        System.out.printf(
            "(a') QualitySignals UDF in local[2], run %d: words=%d, task cpu %.3f s, wall %.3f s"
                + " -> %.1f MB/s per core (cpu), %.1f MB/s wall%n",
            round + 1, r.getLong(0), cpu, wall, megabytes / cpu, megabytes / wall);
      }

      // (b) Spark NLP rule-based segmentation.
      Object model = sparkNlpPipeline(df);
      // Same punctuation definition as TextNormalization.isPunctuation, to count comparable words.
      String wordsExpr = "size(filter(token.result, x -> NOT x rlike '^[\\\\p{P}$+<=>^`|~]+$'))";
      for (int round = 0; round < 2; round++) {
        taskTime.reset();
        long t0 = System.nanoTime();
        Row r =
            transform(model, df)
                .selectExpr("size(sentence) AS s", "size(token) AS t", wordsExpr + " AS w")
                .selectExpr("sum(s)", "sum(t)", "sum(w)")
                .first();
        double wall = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(500);
        double cpu = taskTime.cpuNanos.get() / 1e9;
        long nlpWords = r.getLong(2);
        System.out.printf(
            "(b) Spark NLP DocumentAssembler>SentenceDetector>Tokenizer local[2], run %d:"
                + " sentences=%d, tokens=%d, non-punctuation tokens=%d, task cpu %.3f s, wall %.3f s"
                + " -> %.2f MB/s per core (cpu), %.2f M words/s per core, %.2f MB/s wall%n",
            round + 1,
            r.getLong(0),
            r.getLong(1),
            nlpWords,
            cpu,
            wall,
            megabytes / cpu,
            nlpWords / cpu / 1e6,
            megabytes / wall);
        if (round == 1) {
          System.out.printf(
              "ratio (a)/(b) per core: %.1fx%n", (megabytes / bestCpu) / (megabytes / cpu));
        }
      }
    } finally {
      spark.stop();
    }
  }

  /**
   * Builds and fits DocumentAssembler(text) → SentenceDetector(document) → Tokenizer(sentence).
   * Reflection because the udfs module does not have spark-mllib on its compile classpath (Spark
   * NLP declares it provided); it must be on the runtime classpath (see the class Javadoc).
   */
  private static Object sparkNlpPipeline(Dataset<Row> df) throws Exception {
    Object assembler = newInstance("com.johnsnowlabs.nlp.DocumentAssembler");
    call(assembler, "setInputCol", String.class, "text");
    call(assembler, "setOutputCol", String.class, "document");
    Object sentences =
        newInstance("com.johnsnowlabs.nlp.annotators.sbd.pragmatic.SentenceDetector");
    call(sentences, "setInputCols", String[].class, new String[] {"document"});
    call(sentences, "setOutputCol", String.class, "sentence");
    Object tokenizer = newInstance("com.johnsnowlabs.nlp.annotators.Tokenizer");
    call(tokenizer, "setInputCols", String[].class, new String[] {"sentence"});
    call(tokenizer, "setOutputCol", String.class, "token");
    Class<?> stageClass = Class.forName("org.apache.spark.ml.PipelineStage");
    Object stages = Array.newInstance(stageClass, 3);
    Array.set(stages, 0, assembler);
    Array.set(stages, 1, sentences);
    Array.set(stages, 2, tokenizer);
    Object pipeline = newInstance("org.apache.spark.ml.Pipeline");
    call(pipeline, "setStages", stages.getClass(), stages);
    return call(pipeline, "fit", Dataset.class, df);
  }

  @SuppressWarnings("unchecked")
  private static Dataset<Row> transform(Object model, Dataset<Row> df) throws Exception {
    return (Dataset<Row>) call(model, "transform", Dataset.class, df);
  }

  private static Object newInstance(String className) throws Exception {
    return Class.forName(className).getConstructor().newInstance();
  }

  private static Object call(Object target, String method, Class<?> argType, Object arg)
      throws Exception {
    return target.getClass().getMethod(method, argType).invoke(target, arg);
  }
}
