package dev.slimspark.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.udf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.dedup.DedupOptions;
import dev.slimspark.jobs.dedup.DedupPipeline;
import dev.slimspark.jobs.dedup.DedupResult;
import dev.slimspark.jobs.dedup.ExactDedupStep;
import dev.slimspark.sample.SampleCorpusGenerator;
import dev.slimspark.udfs.minhash.Jaccard;
import dev.slimspark.udfs.minhash.MinHasher;
import dev.slimspark.udfs.minhash.Normalization;
import dev.slimspark.udfs.minhash.ShingleType;
import dev.slimspark.udfs.minhash.Shingler;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.graphx.Edge;
import org.apache.spark.graphx.Graph;
import org.apache.spark.graphx.lib.ConnectedComponents;
import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.MinHashLSH;
import org.apache.spark.ml.feature.MinHashLSHModel;
import org.apache.spark.ml.feature.NGram;
import org.apache.spark.ml.feature.RegexTokenizer;
import org.apache.spark.rdd.RDD;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * {@code slimspark bench dedup [--docs N] [--scales 1,2,4,8] [--out DIR]}: measures our dedup
 * against what a Spark user would otherwise reach for, in one JVM and one local Spark session, and
 * prints one JSON line (details go to the log).
 *
 * <p><b>Corpus.</b> For scale k: {@link SampleCorpusGenerator} with {@code docs = N * k} (plain
 * JSONL, no bad input, no low-quality or non-English docs, its own exact duplicates and formatting
 * variants at the default 5 %, its own near duplicates off), plus near duplicates planted here: for
 * about {@link Settings#plantRate} of the documents a variant in which each whitespace-separated
 * word is replaced by a fresh token with probability r, r cycling through {@link #PLANT_RATES}
 * (word 5-gram Jaccard from about 0.98 down to 0.45). Ground truth: the exact Jaccard of each
 * planted (variant, base) pair over the same word 5-gram SlimPajama-normalized shingle sets the
 * benchmark uses; a pair "should be found" iff that Jaccard is at least the threshold. Recall =
 * found / should. The corpus is cached on disk under {@code --out} as Parquet (generation is never
 * timed) and, per measurement, in Spark memory (loading is never timed).
 *
 * <p><b>Shingles.</b> Everything uses word 5-grams of the SlimPajama normalization (lowercase,
 * punctuation stripped, whitespace collapsed). MLlib gets: our normalization as a UDF, then {@code
 * RegexTokenizer(" ")} → {@code NGram(5)} → {@code HashingTF(binary, 2^20 features)} → {@code
 * MinHashLSH(numHashTables)} → {@code approxSimilarityJoin(self, self, 1 - t)}: the same shingle
 * strings, hashed into 2^20 buckets (collisions can only raise its Jaccard slightly).
 *
 * <p>Risks: numbers from a loaded or shared machine are noise; MLlib's cost grows with the number
 * of pairs that share any min-hash, so its ratio depends on how much text the corpus shares.
 */
final class DedupBench {
  private static final Logger LOG = LoggerFactory.getLogger(DedupBench.class);

  /** SlimPajama's published rate: ~5 TB deduplicated in ~2.5 days on 64 CPU cores, in MB/s/core. */
  static final double SLIMPAJAMA_MB_PER_S_PER_CORE = 5e6 / (2.5 * 86_400 * 64);

  /** Word replacement probabilities of planted variants, cycled (Jaccard ~0.98 … ~0.45). */
  static final double[] PLANT_RATES = {0.002, 0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.05, 0.08};

  /** Footers written for this benchmark (about 40-60 words each), appended by --boilerplate. */
  static final String[] BOILERPLATE = {
    "We use cookies and similar technologies to keep this site working, to measure how it is used and"
        + " to show you content that matches your interests. You can accept all cookies, refuse the ones"
        + " that are not strictly necessary, or choose by category in the settings panel at any time."
        + " Read our privacy notice to learn which partners receive data and how long it is kept.",
    "Subscribe to our weekly newsletter and never miss a story. Enter your email address below and press"
        + " the button to confirm; we will send you a short message with a link to activate your"
        + " subscription. You can unsubscribe with one click from any issue, and we never share your"
        + " address with third parties for their own marketing.",
    "Copyright all rights reserved. No part of this page may be reproduced, stored in a retrieval system"
        + " or transmitted in any form without the prior written permission of the publisher, except for"
        + " brief quotations in reviews. Terms of use, privacy policy, accessibility statement, contact"
        + " the editorial team, advertise with us, careers, site map.",
  };

  static final StructType SCHEMA =
      new StructType()
          .add("idx", DataTypes.LongType, false)
          .add("doc_id", DataTypes.StringType, false)
          .add("source", DataTypes.StringType, false)
          .add("text", DataTypes.StringType, false);

  /** Benchmark settings; public defaults suit a 2-core, 24 GB machine (~15 minutes). */
  static final class Settings {
    int docs = 20_000;
    List<Integer> scales = List.of(1, 2, 4, 8);
    Path out = Path.of("target/bench-dedup");
    double threshold = 0.8;
    int numPerm = 128;

    /** Our banding for the comparison: chosen for recall near t (P(0.8) = 0.998), EXACT verify. */
    int bands = 20;

    int rows = 6;

    /** MLlib's OR-amplification: P(candidate) = 1 - (1 - J)^L; 5 as in the Spark docs example. */
    int mllibTables = 5;

    int mllibFeatures = 1 << 20;
    double plantRate = 0.10;

    /**
     * Share of documents that end with one of {@link #BOILERPLATE}'s footers (web pages do: cookie
     * notices, newsletter boxes, copyright lines). 0 = none. Shared shingles put many unrelated
     * documents into the same LSH bucket: a quadratic pair count for an all-pairs-per-bucket join.
     */
    double boilerplate = 0;

    long seed = 42;

    /**
     * spark.sql.shuffle.partitions for the CLI run; 0 = 4 × cores. The test keeps its session's.
     */
    int shufflePartitions = 0;

    /** A small untimed run first so that JIT compilation is not billed to the first measurement. */
    boolean warmup = true;
  }

  private DedupBench() {}

  static int run(String[] args) throws IOException {
    Settings s = new Settings();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--docs" -> {
          s.docs = (int) GenerateSampleCommand.parseSize(a, need(a, v));
          i++;
        }
        case "--scales" -> {
          s.scales = parseScales(need(a, v));
          i++;
        }
        case "--out" -> {
          s.out = Path.of(need(a, v));
          i++;
        }
        case "--shuffle-partitions" -> {
          s.shufflePartitions = (int) GenerateSampleCommand.parseSize(a, need(a, v));
          i++;
        }
        case "--no-warmup" -> s.warmup = false;
        case "--boilerplate" -> {
          s.boilerplate = parseRate(a, need(a, v));
          i++;
        }
        case "--mllib-tables" -> {
          s.mllibTables = (int) GenerateSampleCommand.parseSize(a, need(a, v));
          i++;
        }
        default -> throw UserErrors.badArgument(a, "see `slimspark bench --help`");
      }
    }
    if (s.docs < 10) {
      throw UserErrors.badArgument("--docs " + s.docs, "--docs needs at least 10 documents");
    }
    s.out = s.out.toAbsolutePath();
    SparkSession spark = Main.session(SlimConfig.load(null, List.of()), "bench-dedup");
    // Spark's default of 200 shuffle partitions is mostly scheduling overhead on a few cores; both
    // sides run under the same setting (reported in the JSON).
    spark
        .conf()
        .set(
            "spark.sql.shuffle.partitions",
            Integer.toString(s.shufflePartitions > 0 ? s.shufflePartitions : 4 * cores(spark)));
    Map<String, Object> r = measure(spark, s);
    System.out.println(JobSummary.toJson(r));
    return 0;
  }

  private static double parseRate(String flag, String v) {
    try {
      double d = Double.parseDouble(v);
      if (d >= 0 && d <= 1) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw UserErrors.badArgument(
        flag + " " + v, flag + " takes a fraction between 0 and 1, e.g. 0.3");
  }

  private static String need(String flag, String v) {
    if (v == null) {
      throw UserErrors.badArgument(flag, flag + " needs a value");
    }
    return v;
  }

  static List<Integer> parseScales(String v) {
    List<Integer> out = new ArrayList<>();
    for (String p : v.split(",")) {
      try {
        int k = Integer.parseInt(p.trim());
        if (k < 1) {
          throw new NumberFormatException();
        }
        out.add(k);
      } catch (NumberFormatException e) {
        throw UserErrors.badArgument(
            "--scales " + v, "--scales takes positive integers separated by commas, e.g. 1,2,4,8");
      }
    }
    return out.stream().distinct().sorted().toList();
  }

  /** The options of our run in the comparison (word 5-grams, recall-oriented banding, EXACT). */
  static DedupOptions ourOptions(Settings s) {
    return DedupOptions.builder()
        .threshold(s.threshold)
        .numPerm(s.numPerm)
        .shingleType(ShingleType.WORD)
        .normalization(Normalization.SLIMPAJAMA)
        .seed(s.seed)
        .verification(DedupOptions.Verification.EXACT)
        .bandsAndRows(s.bands, s.rows)
        .build();
  }

  // ------------------------------------------------------------------------------- measurement

  /** Runs every measurement on {@code spark} and returns the JSON fields (see the report). */
  static Map<String, Object> measure(SparkSession spark, Settings s) throws IOException {
    int cores = cores(spark);
    Files.createDirectories(s.out);
    List<Prepared> prepared = new ArrayList<>();
    for (int k : s.scales) {
      prepared.add(prepare(spark, s, (long) s.docs * k));
    }
    TaskListener listener = new TaskListener();
    spark.sparkContext().addSparkListener(listener);
    try {
      return measure(spark, s, cores, prepared, listener);
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
  }

  private static Map<String, Object> measure(
      SparkSession spark, Settings s, int cores, List<Prepared> prepared, TaskListener listener) {
    DedupOptions opts = ourOptions(s);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("job", "bench");
    r.put("bench", "dedup");
    r.put("cores", cores);
    r.put("shuffle_partitions", spark.conf().get("spark.sql.shuffle.partitions"));
    r.put("docs", s.docs);
    r.put("boilerplate", s.boilerplate);
    r.put("scales", s.scales);
    r.put("threshold", s.threshold);
    r.put("shingles", "word 5-grams, slimpajama normalization");
    r.put(
        "ours_config",
        Map.of(
            "num_perm",
            s.numPerm,
            "bands",
            s.bands,
            "rows",
            s.rows,
            "verification",
            "exact",
            "p_detect_at_threshold",
            round(opts.lshParams().probability(s.threshold))));

    Prepared base = prepared.get(0);
    Loaded docs = load(spark, base, cores);
    r.put("base_scale", s.scales.get(0));
    r.put("base_docs", docs.count);
    r.put("base_mb", round(docs.mb()));
    r.put("planted_pairs", base.planted.size());

    if (s.warmup) {
      long t0 = System.nanoTime();
      DedupResult w = DedupPipeline.run(docs.df.sample(0.1, s.seed), opts);
      w.kept().count();
      w.release();
      LOG.info("bench dedup: warm-up run took {} s (not reported)", secs(t0));
    }

    // 1. ours vs MLlib ----------------------------------------------------------------------
    OurRun ours = runOurs(spark, docs, opts, listener);
    Recall oursRecall = recall(base.planted, ours.cluster, s.threshold);
    MllibRun ml = runMllib(spark, docs, s, listener);
    Recall mlRecall = recall(base.planted, ml.component, s.threshold);
    Map<String, Object> vs = new LinkedHashMap<>();
    vs.put("ours_s", round(ours.seconds));
    vs.put("ours_removed", ours.removed);
    vs.put("mllib_tables", s.mllibTables);
    vs.put("mllib_join_s", round(ml.joinSeconds));
    vs.put("mllib_cc_s", round(ml.ccSeconds));
    vs.put("mllib_pairs", ml.pairs);
    vs.put("mllib_removed", ml.removed);
    vs.put("ratio_mllib_join_over_ours", round(ml.joinSeconds / ours.seconds));
    vs.put("ratio_mllib_join_cc_over_ours", round((ml.joinSeconds + ml.ccSeconds) / ours.seconds));
    // Summed task CPU: less sensitive than wall time to other load on the machine, blind to
    // scheduling overhead and driver work.
    vs.put("ours_task_cpu_s", round(ours.taskCpuSeconds));
    vs.put("mllib_task_cpu_s", round(ml.taskCpuSeconds));
    vs.put("ratio_mllib_task_cpu_over_ours", round(ml.taskCpuSeconds / ours.taskCpuSeconds));
    vs.put("should_find", oursRecall.should);
    vs.put("should_find_hi", oursRecall.shouldHi);
    vs.put("ours_found", oursRecall.found);
    vs.put("ours_found_hi", oursRecall.foundHi);
    vs.put("ours_recall", round(oursRecall.recall()));
    vs.put("ours_recall_hi", round(oursRecall.recallHi()));
    vs.put("mllib_found", mlRecall.found);
    vs.put("mllib_found_hi", mlRecall.foundHi);
    vs.put("mllib_recall", round(mlRecall.recall()));
    vs.put("mllib_recall_hi", round(mlRecall.recallHi()));
    vs.put("ours_false_links", oursRecall.belowLinked);
    vs.put("mllib_false_links", mlRecall.belowLinked);
    r.put("vs_mllib", vs);

    // 2. exact dedup vs dropDuplicates --------------------------------------------------------
    r.put("exact", exactComparison(docs, s));

    // 4. signature throughput inside Spark vs the single-thread loop ---------------------------
    Map<String, Object> sig = new LinkedHashMap<>();
    sig.put("word5", signatureThroughput(spark, docs, ShingleType.WORD, 5, s, cores, listener));
    sig.put("char13", signatureThroughput(spark, docs, ShingleType.CHAR, 13, s, cores, listener));
    r.put("signatures", sig);

    // 3. scaling -----------------------------------------------------------------------------
    List<Map<String, Object>> scaling = new ArrayList<>();
    scaling.add(scalePoint(s.scales.get(0), docs, ours, cores));
    docs.release();
    for (int i = 1; i < prepared.size(); i++) {
      Loaded d = load(spark, prepared.get(i), cores);
      OurRun o = runOurs(spark, d, opts, listener);
      scaling.add(scalePoint(s.scales.get(i), d, o, cores));
      d.release();
    }
    r.put("scaling", scaling);
    double[] fit = fit(scaling);
    r.put("fit_intercept_s", round(fit[0]));
    r.put("fit_s_per_mb", round(fit[1]));
    Map<String, Object> first = scaling.get(0);
    Map<String, Object> last = scaling.get(scaling.size() - 1);
    r.put(
        "time_ratio_last_over_first",
        round(((Number) last.get("s")).doubleValue() / ((Number) first.get("s")).doubleValue()));
    r.put(
        "size_ratio_last_over_first",
        round(((Number) last.get("mb")).doubleValue() / ((Number) first.get("mb")).doubleValue()));

    // 5. end to end per core vs SlimPajama ----------------------------------------------------
    double e2e = ((Number) last.get("mb_per_s_per_core")).doubleValue();
    r.put("end_to_end_mb_per_s_per_core", round(e2e));
    r.put("slimpajama_mb_per_s_per_core", round(SLIMPAJAMA_MB_PER_S_PER_CORE));
    r.put("ratio_vs_slimpajama", round(e2e / SLIMPAJAMA_MB_PER_S_PER_CORE));
    return r;
  }

  private static Map<String, Object> scalePoint(int scale, Loaded d, OurRun o, int cores) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("scale", scale);
    p.put("docs", d.count);
    p.put("mb", round(d.mb()));
    p.put("s", round(o.seconds));
    p.put("mb_per_s_per_core", round(d.mb() / o.seconds / cores));
    p.put("removed", o.removed);
    p.put("heap_before_mb", o.heapBeforeMb);
    p.put("peak_heap_mb", o.peakHeapMb);
    p.put("max_task_peak_execution_mb", round(o.maxTaskPeakExecMb));
    p.put("task_cpu_s", round(o.taskCpuSeconds));
    return p;
  }

  /** Least squares time = a + b·mb over the scaling points; returns {a, b}. */
  static double[] fit(List<Map<String, Object>> pts) {
    int n = pts.size();
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (Map<String, Object> p : pts) {
      double x = ((Number) p.get("mb")).doubleValue();
      double y = ((Number) p.get("s")).doubleValue();
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    double den = n * sxx - sx * sx;
    if (n < 2 || den == 0) {
      return new double[] {n == 0 ? 0 : sy / n, 0};
    }
    double b = (n * sxy - sx * sy) / den;
    return new double[] {(sy - b * sx) / n, b};
  }

  // ----------------------------------------------------------------------------------- ours

  record OurRun(
      double seconds,
      long removed,
      Map<String, String> cluster,
      long heapBeforeMb,
      long peakHeapMb,
      double maxTaskPeakExecMb,
      double taskCpuSeconds) {}

  /**
   * Times {@link DedupPipeline#run} plus counting the kept rows (which forces the final anti-join):
   * exact dedup, signatures, LSH, EXACT verification, connected components and the audit counts.
   * Writing the tables is not included (neither side writes).
   */
  static OurRun runOurs(SparkSession spark, Loaded docs, DedupOptions opts, TaskListener listener) {
    drain(spark);
    listener.reset();
    long heapBefore = usedHeapMb();
    try (HeapSampler sampler = new HeapSampler()) {
      long t0 = System.nanoTime();
      DedupResult res = DedupPipeline.run(docs.df, opts);
      long kept = res.kept().count();
      double secs = secs(t0);
      long peak = sampler.peakMb();
      drain(spark);
      // Cluster membership for recall, outside the timing; only docs in clusters come back.
      Map<String, String> cluster = new HashMap<>();
      for (Row row : res.clusters().select("doc_id", "cluster_id").collectAsList()) {
        cluster.put(row.getString(0), row.getString(1));
      }
      res.release();
      LOG.info(
          "bench dedup: ours on {} docs ({} MB) took {} s, {} removed",
          docs.count,
          round(docs.mb()),
          round(secs),
          docs.count - kept);
      return new OurRun(
          secs,
          docs.count - kept,
          cluster,
          heapBefore,
          peak,
          listener.maxPeakExecution.get() / 1e6,
          listener.cpuNanos.get() / 1e9);
    }
  }

  // ---------------------------------------------------------------------------------- MLlib

  record MllibRun(
      double joinSeconds,
      double ccSeconds,
      long pairs,
      long removed,
      Map<String, String> component,
      double taskCpuSeconds) {}

  /**
   * MLlib: normalization UDF → RegexTokenizer → NGram(5) → HashingTF(binary) → MinHashLSH fit and
   * transform (cached) → approxSimilarityJoin(self, self, distance &lt; 1 - t + 1e-9) keeping a
   * &lt; b, pairs materialized ({@code mllib_join_s}); then GraphX connected components over the
   * pairs ({@code mllib_cc_s}) for a comparable "docs removed". Documents with fewer than 5 words
   * get no vector (MLlib rejects empty vectors), as ours signs no document shorter than one
   * shingle.
   */
  static MllibRun runMllib(SparkSession spark, Loaded docs, Settings s, TaskListener listener) {
    drain(spark);
    listener.reset();
    long t0 = System.nanoTime();
    UDF1<String, String> normalize = t -> t == null ? "" : Normalization.SLIMPAJAMA.apply(t);
    Dataset<Row> norm =
        docs.df.select(
            col("idx"),
            col("doc_id"),
            udf(normalize, DataTypes.StringType).apply(col("text")).as("norm"));
    RegexTokenizer tok =
        new RegexTokenizer()
            .setInputCol("norm")
            .setOutputCol("words")
            .setPattern(" ")
            .setGaps(true)
            .setToLowercase(false)
            .setMinTokenLength(1);
    NGram ngram = new NGram().setN(5).setInputCol("words").setOutputCol("ngrams");
    HashingTF tf =
        new HashingTF()
            .setInputCol("ngrams")
            .setOutputCol("features")
            .setNumFeatures(s.mllibFeatures)
            .setBinary(true);
    Dataset<Row> features =
        tf.transform(ngram.transform(tok.transform(norm)).where(size(col("ngrams")).gt(0)))
            .select("idx", "doc_id", "features");
    MinHashLSHModel model =
        new MinHashLSH()
            .setNumHashTables(s.mllibTables)
            .setInputCol("features")
            .setOutputCol("hashes")
            .setSeed(s.seed)
            .fit(features);
    // A user would cache the hashed table: the self-join reads it twice.
    Dataset<Row> hashed = model.transform(features).persist(StorageLevel.MEMORY_AND_DISK());
    hashed.count();
    Dataset<Row> pairs =
        model
            .approxSimilarityJoin(hashed, hashed, 1.0 - s.threshold + 1e-9, "dist")
            .select(
                col("datasetA.idx").as("ia"),
                col("datasetB.idx").as("ib"),
                col("datasetA.doc_id").as("a"),
                col("datasetB.doc_id").as("b"))
            .where(col("ia").lt(col("ib")))
            .persist(StorageLevel.MEMORY_AND_DISK());
    long nPairs = pairs.count();
    double joinSecs = secs(t0);

    long t1 = System.nanoTime();
    ClassTag<Object> tag = ClassTag$.MODULE$.apply(Object.class);
    // GraphX keeps the edge RDD's partitioning for every Pregel round; the join's output can have
    // spark.sql.shuffle.partitions mostly empty partitions, so size it to the edges instead.
    int edgeParts = (int) Math.max(cores(spark), Math.min(nPairs / 200_000 + 1, 4L * cores(spark)));
    RDD<Edge<Object>> edges =
        pairs
            .select("ia", "ib")
            .toJavaRDD()
            .coalesce(edgeParts)
            .map(row -> new Edge<Object>(row.getLong(0), row.getLong(1), Boolean.TRUE))
            .rdd();
    Graph<Object, Object> g =
        Graph.fromEdges(
            edges,
            Boolean.TRUE,
            StorageLevel.MEMORY_AND_DISK(),
            StorageLevel.MEMORY_AND_DISK(),
            tag,
            tag);
    Graph<Object, Object> cc = ConnectedComponents.run(g, tag, tag);
    Dataset<Row> comp =
        spark.createDataFrame(
            cc.vertices().toJavaRDD().map(v -> RowFactory.create((Long) v._1(), (Long) v._2())),
            new StructType().add("idx", DataTypes.LongType).add("comp", DataTypes.LongType));
    comp.persist(StorageLevel.MEMORY_AND_DISK());
    long vertices = comp.count();
    long components = comp.select("comp").distinct().count();
    double ccSecs = secs(t1);
    drain(spark);
    double cpu = listener.cpuNanos.get() / 1e9;

    // Component of every doc in a pair, by doc_id, outside the timing.
    Map<String, String> component = new HashMap<>();
    Dataset<Row> ids =
        pairs
            .select(col("ia").as("idx"), col("a").as("doc_id"))
            .union(pairs.select(col("ib").as("idx"), col("b").as("doc_id")))
            .distinct();
    for (Row row : ids.join(comp, "idx").select("doc_id", "comp").collectAsList()) {
      component.put(row.getString(0), Long.toString(row.getLong(1)));
    }
    comp.unpersist();
    pairs.unpersist();
    hashed.unpersist();
    g.unpersist(false);
    cc.unpersist(false);
    LOG.info(
        "bench dedup: MLlib join {} s ({} pairs), GraphX cc {} s, {} docs removed",
        round(joinSecs),
        nPairs,
        round(ccSecs),
        vertices - components);
    return new MllibRun(joinSecs, ccSecs, nPairs, vertices - components, component, cpu);
  }

  // ---------------------------------------------------------------------------------- recall

  record Recall(int should, int found, int shouldHi, int foundHi, int belowLinked) {
    double recall() {
      return should == 0 ? 1.0 : (double) found / should;
    }

    double recallHi() {
      return shouldHi == 0 ? 1.0 : (double) foundHi / shouldHi;
    }
  }

  /**
   * Recall over planted pairs: should = exact Jaccard ≥ t; "hi" = Jaccard ≥ t + 0.1; belowLinked
   * counts planted pairs below t that ended up in the same cluster (they can be linked legitimately
   * through a third document, so it is a hint, not a precision).
   */
  static Recall recall(List<Planted> planted, Map<String, String> group, double t) {
    int should = 0, found = 0, shouldHi = 0, foundHi = 0, below = 0;
    for (Planted p : planted) {
      String ga = group.get(p.variant);
      boolean together = ga != null && ga.equals(group.get(p.base));
      if (p.jaccard >= t) {
        should++;
        found += together ? 1 : 0;
        if (p.jaccard >= t + 0.1) {
          shouldHi++;
          foundHi += together ? 1 : 0;
        }
      } else if (together) {
        below++;
      }
    }
    return new Recall(should, found, shouldHi, foundHi, below);
  }

  // ---------------------------------------------------------------------------------- exact

  /**
   * Our exact step (global order, content hash of the normalized text, representative per hash;
   * meta table checkpointed) with slimpajama and with as-is normalization, and {@code
   * dropDuplicates("text").count()}. Only as-is vs dropDuplicates is like for like: slimpajama also
   * merges case/whitespace/punctuation variants and pays for normalizing.
   */
  static Map<String, Object> exactComparison(Loaded docs, Settings s) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Normalization n : new Normalization[] {Normalization.AS_IS, Normalization.SLIMPAJAMA}) {
      DedupOptions o = DedupOptions.builder().normalization(n).seed(s.seed).build();
      long t0 = System.nanoTime();
      ExactDedupStep.Result res = ExactDedupStep.run(docs.df, o);
      double secs = secs(t0);
      String k = n == Normalization.AS_IS ? "ours_as_is" : "ours_slimpajama";
      m.put(k + "_s", round(secs));
      m.put(k + "_removed", res.exactRemoved());
      res.release();
    }
    long t0 = System.nanoTime();
    long distinct = docs.df.dropDuplicates("text").count();
    double secs = secs(t0);
    m.put("drop_duplicates_s", round(secs));
    m.put("drop_duplicates_removed", docs.count - distinct);
    m.put(
        "ratio_drop_duplicates_over_ours_as_is",
        round(secs / ((Number) m.get("ours_as_is_s")).doubleValue()));
    return m;
  }

  // ------------------------------------------------------------------------------ signatures

  /**
   * Signatures (128 permutations by default) of every document of the cached base corpus in a Spark
   * job: one untimed pass, then a timed one. Per core = UTF-8 bytes / summed task CPU time
   * (executorCpuTime, which includes reading the cached rows), and bytes / (wall × cores). Then the
   * plain single-thread loop of SignatureThroughputBench over the same texts collected to the
   * driver (one warm-up pass, one timed pass; wall and thread CPU time). The ratio compares CPU
   * time with CPU time: 1.0 means Spark adds nothing per byte on top of the loop.
   */
  static Map<String, Object> signatureThroughput(
      SparkSession spark,
      Loaded docs,
      ShingleType type,
      int n,
      Settings s,
      int cores,
      TaskListener listener) {
    Dataset<Row> texts = docs.df.select("text");
    SignPartition fn = new SignPartition(type, n, s.numPerm, s.seed);
    texts.mapPartitions(fn, Encoders.LONG()).collectAsList();
    drain(spark);
    listener.reset();
    long t0 = System.nanoTime();
    texts.mapPartitions(fn, Encoders.LONG()).collectAsList();
    double wall = secs(t0);
    drain(spark);
    double cpu = listener.cpuNanos.get() / 1e9;

    List<String> local = texts.as(Encoders.STRING()).collectAsList();
    MinHasher mh =
        new MinHasher(s.numPerm, s.seed, new Shingler(type, n, Normalization.SLIMPAJAMA, s.seed));
    long[] sig = new long[s.numPerm];
    long sink = 0;
    for (String t : local) {
      mh.signature(t, sig);
      sink += sig[0];
    }
    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long c1 = threads.getCurrentThreadCpuTime();
    long t1 = System.nanoTime();
    for (String t : local) {
      mh.signature(t, sig);
      sink += sig[0];
    }
    double loop = secs(t1);
    // CPU time too: on a shared machine the loop's wall time counts other processes' load.
    double loopCpu = (threads.getCurrentThreadCpuTime() - c1) / 1e9;
    double mb = docs.mb();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("spark_wall_s", round(wall));
    m.put("spark_task_cpu_s", round(cpu));
    m.put("spark_mb_per_s_per_core_cpu", round(mb / cpu));
    m.put("spark_mb_per_s_per_core_wall", round(mb / wall / cores));
    m.put("spark_docs_per_s_per_core_cpu", round(docs.count / cpu));
    m.put("loop_s", round(loop));
    m.put("loop_mb_per_s", round(mb / loop));
    m.put("loop_cpu_s", round(loopCpu));
    m.put("loop_mb_per_s_cpu", round(mb / loopCpu));
    m.put("loop_docs_per_s", round(docs.count / loop));
    m.put("ratio_spark_cpu_over_loop_cpu", round(loopCpu / cpu));
    LOG.debug("signature sink {}", sink);
    return m;
  }

  /** Signs every text of a partition; returns one checksum per partition (keeps the JIT honest). */
  private static final class SignPartition implements MapPartitionsFunction<Row, Long> {
    private static final long serialVersionUID = 1L;
    private final ShingleType type;
    private final int n;
    private final int numPerm;
    private final long seed;

    SignPartition(ShingleType type, int n, int numPerm, long seed) {
      this.type = type;
      this.n = n;
      this.numPerm = numPerm;
      this.seed = seed;
    }

    @Override
    public Iterator<Long> call(Iterator<Row> in) {
      MinHasher mh =
          new MinHasher(numPerm, seed, new Shingler(type, n, Normalization.SLIMPAJAMA, seed));
      long[] sig = new long[numPerm];
      long sink = 0;
      while (in.hasNext()) {
        mh.signature(in.next().getString(0), sig);
        sink += sig[0];
      }
      return List.of(sink).iterator();
    }
  }

  // ---------------------------------------------------------------------------------- corpus

  /** A planted near-duplicate pair with the exact Jaccard of its word 5-gram sets. */
  record Planted(String variant, String base, double rate, double jaccard) {}

  /** A scale's corpus on disk: Parquet docs plus the planted pairs. */
  record Prepared(Path parquet, List<Planted> planted) {}

  /** A corpus cached in Spark memory. */
  record Loaded(Dataset<Row> df, long count, long bytes) {
    double mb() {
      return bytes / 1e6;
    }

    void release() {
      df.unpersist(true);
    }
  }

  static Loaded load(SparkSession spark, Prepared p, int cores) {
    Dataset<Row> raw = spark.read().parquet(p.parquet.toString());
    // Enough partitions for all cores and ~32 MB each; the corpus is then read from memory.
    Row stats = raw.selectExpr("count(*)", "sum(octet_length(text))").first();
    long count = stats.getLong(0);
    long bytes = stats.isNullAt(1) ? 0 : stats.getLong(1);
    int parts = (int) Math.max(cores * 2L, bytes / (32L << 20) + 1);
    Dataset<Row> df = raw.repartition(parts).persist(StorageLevel.MEMORY_AND_DISK());
    df.count();
    LOG.info(
        "bench dedup: loaded {} docs, {} MB in {} partitions", count, round(bytes / 1e6), parts);
    return new Loaded(df, count, bytes);
  }

  /**
   * Generates (once; reused while {@code prepared.ok} exists) the corpus of {@code docs} docs:
   * SampleCorpusGenerator JSONL, then docs + planted variants as Parquet in batches (bounded driver
   * memory), and the planted pairs as TSV.
   */
  static Prepared prepare(SparkSession spark, Settings s, long docs) throws IOException {
    if (docs > Integer.MAX_VALUE) {
      throw UserErrors.badArgument("--docs " + s.docs, "docs × scale must stay below 2^31");
    }
    Path dir =
        s.out.resolve(
            String.format(
                "corpus-%d-seed%d-plant%.3f%s",
                docs,
                s.seed,
                s.plantRate,
                s.boilerplate > 0 ? String.format("-boiler%.3f", s.boilerplate) : ""));
    Path parquet = dir.resolve("docs.parquet");
    Path pairs = dir.resolve("planted.tsv");
    Path ok = dir.resolve("prepared.ok");
    if (Files.exists(ok)) {
      return new Prepared(parquet, readPlanted(pairs));
    }
    long t0 = System.nanoTime();
    Demo.deleteRecursively(dir);
    Path jsonl = dir.resolve("jsonl");
    SampleCorpusGenerator.Options o = new SampleCorpusGenerator.Options();
    o.seed = s.seed;
    o.docs = (int) docs;
    o.shards = 4;
    o.compressShards = false;
    o.plantBadInput = false;
    o.nearDupRate = 0; // planted here instead, at controlled Jaccard levels
    o.lowQualityRate = 0; // dedup runs after the quality filter
    o.nonEnglishRate = 0;
    SampleCorpusGenerator.generate(o, jsonl);

    List<Path> files = new ArrayList<>();
    try (Stream<Path> st = Files.list(jsonl)) {
      st.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted().forEach(files::add);
    }
    Shingler shingler = new Shingler(ShingleType.WORD, 5, Normalization.SLIMPAJAMA, s.seed);
    ObjectMapper mapper = new ObjectMapper();
    List<Planted> planted = new ArrayList<>();
    List<Row> batch = new ArrayList<>();
    long idx = 0;
    boolean first = true;
    for (Path f : files) {
      String name = f.getFileName().toString();
      try (BufferedReader rd = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        String line;
        int lineNo = 0;
        while ((line = rd.readLine()) != null) {
          lineNo++;
          if (line.isBlank()) {
            continue;
          }
          JsonNode node = mapper.readTree(line);
          String text = node.get("text").asText();
          SplittableRandom footer = new SplittableRandom(s.seed * 0x2545F4914F6CDD1DL + idx);
          if (s.boilerplate > 0 && footer.nextDouble() < s.boilerplate) {
            text = text + "\n\n" + BOILERPLATE[footer.nextInt(BOILERPLATE.length)];
          }
          JsonNode set = node.path("meta").path("redpajama_set_name");
          String source = set.isMissingNode() ? "unknown" : set.asText();
          String id = name + ":" + lineNo;
          batch.add(RowFactory.create(idx++, id, source, text));
          SplittableRandom rnd = new SplittableRandom(s.seed * 0x9E3779B97F4A7C15L + idx);
          if (rnd.nextDouble() < s.plantRate && text.length() >= 200) {
            double rate = PLANT_RATES[planted.size() % PLANT_RATES.length];
            String variant = replaceWords(text, rate, rnd);
            String vid = id + "~near";
            batch.add(RowFactory.create(idx++, vid, source, variant));
            double j =
                Jaccard.exact(
                    Jaccard.shingleSet(variant, shingler), Jaccard.shingleSet(text, shingler));
            planted.add(new Planted(vid, id, rate, j));
          }
          if (batch.size() >= 20_000) {
            writeBatch(spark, batch, parquet, first);
            first = false;
            batch.clear();
          }
        }
      }
    }
    if (!batch.isEmpty() || first) {
      writeBatch(spark, batch, parquet, first);
    }
    try (BufferedWriter w = Files.newBufferedWriter(pairs, StandardCharsets.UTF_8)) {
      for (Planted p : planted) {
        w.write(p.variant + "\t" + p.base + "\t" + p.rate + "\t" + p.jaccard + "\n");
      }
    }
    Demo.deleteRecursively(jsonl);
    Files.writeString(ok, "ok\n");
    LOG.info(
        "bench dedup: prepared {} base docs + {} planted variants in {} ({} s)",
        docs,
        planted.size(),
        dir,
        round(secs(t0)));
    return new Prepared(parquet, planted);
  }

  private static void writeBatch(SparkSession spark, List<Row> batch, Path parquet, boolean first) {
    spark
        .createDataFrame(batch, SCHEMA)
        .coalesce(1)
        .write()
        .mode(first ? SaveMode.Overwrite : SaveMode.Append)
        .parquet(parquet.toString());
  }

  private static List<Planted> readPlanted(Path tsv) throws IOException {
    List<Planted> out = new ArrayList<>();
    for (String l : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
      String[] p = l.split("\t");
      if (p.length == 4) {
        out.add(new Planted(p[0], p[1], Double.parseDouble(p[2]), Double.parseDouble(p[3])));
      }
    }
    return out;
  }

  /**
   * Replaces each maximal non-whitespace run with a fresh token ("zq" + base-36 number) with
   * probability {@code rate}, keeping the whitespace; at least one replacement.
   */
  static String replaceWords(String text, double rate, SplittableRandom rnd) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    int i = 0;
    int n = text.length();
    int replaced = 0;
    int lastWordStart = -1;
    int lastWordOut = -1;
    while (i < n) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        out.append(c);
        i++;
        continue;
      }
      int start = i;
      while (i < n && !Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      lastWordStart = start;
      lastWordOut = out.length();
      if (rnd.nextDouble() < rate) {
        out.append(freshToken(rnd));
        replaced++;
      } else {
        out.append(text, start, i);
      }
    }
    if (replaced == 0 && lastWordStart >= 0) {
      // Guarantee a real variant: replace the last word.
      int end = lastWordStart;
      while (end < n && !Character.isWhitespace(text.charAt(end))) {
        end++;
      }
      out.replace(lastWordOut, lastWordOut + (end - lastWordStart), freshToken(rnd));
    }
    return out.toString();
  }

  private static String freshToken(SplittableRandom rnd) {
    return "zq" + Long.toString(rnd.nextLong() >>> 1, 36);
  }

  // ------------------------------------------------------------------------------- metrics

  /** Sums task CPU time and keeps the largest task peakExecutionMemory since the last reset. */
  static final class TaskListener extends SparkListener {
    final AtomicLong cpuNanos = new AtomicLong();
    final AtomicLong maxPeakExecution = new AtomicLong();

    void reset() {
      cpuNanos.set(0);
      maxPeakExecution.set(0);
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.taskMetrics() == null) {
        return;
      }
      cpuNanos.addAndGet(end.taskMetrics().executorCpuTime());
      maxPeakExecution.accumulateAndGet(end.taskMetrics().peakExecutionMemory(), Math::max);
    }
  }

  /**
   * Samples the JVM's used heap every 20 ms on a daemon thread. Local mode: driver and executor
   * share this heap, so the peak includes the cached corpus and not-yet-collected garbage; it is an
   * upper bound of what the run needed, not a working-set size.
   */
  static final class HeapSampler implements AutoCloseable {
    private final MemoryMXBean bean = ManagementFactory.getMemoryMXBean();
    private final AtomicLong peak = new AtomicLong();
    private volatile boolean stop;
    private final Thread thread;

    HeapSampler() {
      thread =
          new Thread(
              () -> {
                while (!stop) {
                  peak.accumulateAndGet(bean.getHeapMemoryUsage().getUsed(), Math::max);
                  try {
                    Thread.sleep(20);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "bench-heap-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    long peakMb() {
      peak.accumulateAndGet(bean.getHeapMemoryUsage().getUsed(), Math::max);
      return peak.get() >> 20;
    }

    @Override
    public void close() {
      stop = true;
      thread.interrupt();
    }
  }

  /**
   * Cores that run tasks: N of local[N] (all processors for local[*]), else defaultParallelism
   * (which in local mode can be set higher than the cores, e.g. by the test session).
   */
  static int cores(SparkSession spark) {
    String m = spark.sparkContext().master();
    java.util.regex.Matcher x =
        java.util.regex.Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?\\])?").matcher(m);
    if (x.matches()) {
      String n = x.group(1);
      return n == null
          ? 1
          : n.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(n);
    }
    return spark.sparkContext().defaultParallelism();
  }

  private static long usedHeapMb() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
  }

  /** Waits until the listener bus has delivered every event (task ends arrive asynchronously). */
  private static void drain(SparkSession spark) {
    // private[spark] in Scala, public in bytecode; Spark's own tests use it the same way.
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty(30_000L);
    } catch (java.util.concurrent.TimeoutException e) {
      LOG.warn(
          "bench dedup: listener bus not drained after 30 s; CPU and memory figures may be short");
    }
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
