package dev.slimspark.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.Pipeline;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.StageRunner;
import dev.slimspark.lake.Table;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The child JVM of {@code bench scale} (started by {@link ScaleBench} with a fixed -Xmx): runs the
 * whole pipeline on one corpus, one stage at a time, with {@link StageMetrics} listening, and
 * writes the result JSON: after every stage to {@code RESULT.partial} (so a crash leaves what was
 * measured), at the end to {@code RESULT}. Not a user command.
 *
 * <p>Arguments: {@code --lake DIR --result FILE --members TSV --corpus-bytes N --size LABEL --heap
 * H [--big-docs file:line,...] [--tokenizer-file FILE] [--set key=value ...]}; the config is the
 * defaults plus the sets.
 */
public final class ScaleBenchChild {
  private static final Logger LOG = LoggerFactory.getLogger(ScaleBenchChild.class);

  /** The summary count that is each stage's output rows. */
  static final Map<String, String> OUTPUT_KEY =
      Map.of(
          "ingest",
          "docs",
          "filter",
          "kept",
          "dedup",
          "kept",
          "tokenize",
          "docs",
          "pack",
          "rows",
          "export",
          "shards",
          "stats",
          "sources");

  private ScaleBenchChild() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    Map<String, String> a = new HashMap<>();
    List<String> sets = new ArrayList<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (args[i].equals("--set")) {
        sets.add(args[i + 1]);
      } else {
        a.put(args[i], args[i + 1]);
      }
    }
    Path result = Path.of(a.get("--result"));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("size", a.get("--size"));
    r.put("corpus_bytes", Long.parseLong(a.get("--corpus-bytes")));
    r.put("corpus_gb", StageMetrics.round(Long.parseLong(a.get("--corpus-bytes")) / 1e9));
    r.put("heap", a.get("--heap"));
    r.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
    r.put("started", Instant.now().toString());
    r.put("code_version", System.getenv().getOrDefault("SLIMSPARK_GIT_COMMIT", ""));
    r.put("config_sets", sets);
    List<Map<String, Object>> stages = new ArrayList<>();
    r.put("stages", stages);
    try {
      SlimConfig config = SlimConfig.load(null, sets);
      SparkSession spark = Main.session(config, "bench-scale");
      r.put("master", spark.sparkContext().master());
      r.put("cores", DedupBench.cores(spark));
      StageMetrics listener = new StageMetrics();
      spark.sparkContext().addSparkListener(listener);
      Map<String, JobSummary> done = new LinkedHashMap<>();
      for (String name : Pipeline.stageNames()) {
        // Written first, so a JVM that dies abruptly (OutOfMemoryError: exit 52) still names the
        // stage.
        r.put("status", "running " + name);
        write(r, partial(result));
        Map<String, Object> m = measure(spark, config, name, listener, done);
        m.put(
            "input_bytes",
            inputBytes(spark, a.get("--lake"), name, done, (Long) r.get("corpus_bytes")));
        perGb(m, (Long) r.get("corpus_bytes"));
        stages.add(m);
        write(r, partial(result));
        if (!"ok".equals(m.get("status"))) {
          r.put("status", "failed in " + name + ": " + m.get("status"));
          r.put("error", m.get("error"));
          write(r, partial(result));
          return 3;
        }
      }
      r.put("recall", recall(spark, a.get("--lake"), a.get("--members")));
      r.put(
          "big_docs_tokenizer",
          bigDocs(
              spark, a.get("--lake"), a.getOrDefault("--big-docs", ""), a.get("--tokenizer-file")));
      r.put(
          "output_hashes",
          Map.of(
              Table.DOCS_DEDUP.id(),
              contentHash(spark, a.get("--lake") + "/" + Table.DOCS_DEDUP.id()),
              Table.PACKED_ROWS.id(),
              contentHash(spark, a.get("--lake") + "/" + Table.PACKED_ROWS.id())));
      r.put("status", "ok");
      r.put("finished", Instant.now().toString());
      write(r, partial(result));
      Files.move(
          partial(result),
          result,
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      return 0;
    } catch (Throwable t) {
      LOG.error("bench scale child failed", t);
      r.put("status", "failed: " + t);
      try {
        write(r, partial(result));
      } catch (IOException e) {
        LOG.error("cannot write {}", partial(result), e);
      }
      return 1;
    }
  }

  /** Runs one stage between a listener reset and a drained snapshot, with the heap sampled. */
  private static Map<String, Object> measure(
      SparkSession spark,
      SlimConfig config,
      String name,
      StageMetrics listener,
      Map<String, JobSummary> done) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stage", name);
    listener.reset();
    long gc0 = gcMillis();
    long t0 = System.nanoTime();
    try (StageMetrics.HeapSampler heap = new StageMetrics.HeapSampler()) {
      try {
        JobSummary s =
            new StageRunner(System.out, System.err)
                .runOne(Pipeline.find(name), new RunContext(spark, config));
        done.put(name, s);
        m.put("status", s.status().json());
        Object rows = s.counts().get(OUTPUT_KEY.get(name));
        m.put("output_rows", rows);
        m.put("output_key", OUTPUT_KEY.get(name));
        m.put("counts", s.counts());
      } catch (Exception e) { // Spark throws checked SparkExceptions undeclared
        LOG.error("bench scale: stage {} failed", name, e);
        m.put("status", "failed");
        m.put("error", String.valueOf(e));
      }
      m.put("wall_s", StageMetrics.round((System.nanoTime() - t0) / 1e9));
      drain(spark);
      m.put("heap_peak_mb", heap.peakMb());
      m.put("heap_after_gc_peak_mb", heap.peakAfterGcMb());
    }
    m.put("jvm_gc_s", StageMetrics.round((gcMillis() - gc0) / 1e3));
    m.putAll(listener.snapshot());
    return m;
  }

  /**
   * Bytes of what the stage reads: text bytes (UTF-8) for the text stages, token bytes (2 per
   * token) for pack and export, the corpus for ingest and stats. Counted after the stage, outside
   * its measurement.
   */
  private static long inputBytes(
      SparkSession spark, String lake, String name, Map<String, JobSummary> done, long corpus) {
    try {
      switch (name) {
        case "filter":
          return sumColumn(spark, lake + "/" + Table.DOCS_RAW.id(), "byte_length");
        case "dedup":
          return ((Number) done.get("filter").counts().get("kept_bytes")).longValue();
        case "tokenize":
          return sumColumn(spark, lake + "/" + Table.DOCS_DEDUP.id(), "byte_length");
        case "pack":
          return 2 * ((Number) done.get("tokenize").counts().get("tokens")).longValue();
        case "export":
          Map<String, Object> p = done.get("pack").counts();
          return 2
              * (((Number) p.get("tokens_packed")).longValue()
                  + ((Number) p.get("pad_tokens")).longValue());
        default:
          return corpus;
      }
    } catch (RuntimeException e) {
      LOG.warn(
          "bench scale: input bytes of {} unknown ({}); using the corpus size", name, e.toString());
      return corpus;
    }
  }

  private static long sumColumn(SparkSession spark, String path, String column) {
    Row r = spark.read().format("delta").load(path).agg(sum(col(column))).first();
    return r.isNullAt(0) ? 0 : r.getLong(0);
  }

  private static void perGb(Map<String, Object> m, long corpus) {
    long in = (Long) m.get("input_bytes");
    double core = (Double) m.get("run_core_s");
    m.put("input_gb", StageMetrics.round(in / 1e9));
    m.put("core_s_per_gb", in == 0 ? null : StageMetrics.round(core / (in / 1e9)));
    m.put(
        "cpu_core_s_per_gb",
        in == 0 ? null : StageMetrics.round((Double) m.get("cpu_core_s") / (in / 1e9)));
    m.put("core_s_per_corpus_gb", StageMetrics.round(core / (corpus / 1e9)));
  }

  /**
   * Per planted family: members, how many passed the filter, how many of those share the largest
   * cluster (dup_clusters.cluster_id; a document in no cluster is its own), how many are in none.
   * recall = largest / passed.
   */
  static List<Map<String, Object>> recall(SparkSession spark, String lake, String membersTsv) {
    Dataset<Row> m =
        spark
            .read()
            .option("sep", "\t")
            .schema("family STRING, fname STRING, line LONG")
            .csv(membersTsv);
    Dataset<Row> kept =
        spark
            .read()
            .format("delta")
            .load(lake + "/" + Table.DOCS_FILTERED.id())
            .where(col("kept"))
            .select(
                substring_index(col("file"), "/", -1).as("kfile"),
                col("line_number"),
                col("doc_id"));
    Dataset<Row> clusters =
        spark
            .read()
            .format("delta")
            .load(lake + "/" + Table.DUP_CLUSTERS.id())
            .select("doc_id", "cluster_id");
    Dataset<Row> j =
        m.join(
                kept,
                m.col("fname")
                    .equalTo(kept.col("kfile"))
                    .and(m.col("line").equalTo(kept.col("line_number"))),
                "left")
            .select(m.col("family"), kept.col("doc_id"))
            .join(clusters, "doc_id", "left");
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (Row x :
        j.groupBy("family")
            .agg(
                count(lit(1)),
                count(col("doc_id")),
                sum(
                    when(col("doc_id").isNotNull().and(col("cluster_id").isNull()), 1)
                        .otherwise(0)))
            .orderBy("family")
            .collectAsList()) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("family", x.getString(0));
      f.put("members", x.getLong(1));
      f.put("kept_by_filter", x.getLong(2));
      f.put("unclustered", x.getLong(3));
      f.put("largest_cluster", x.getLong(2) > 0 ? 1L : 0L);
      out.put(x.getString(0), f);
    }
    Dataset<Row> sizes =
        j.where(col("cluster_id").isNotNull()).groupBy("family", "cluster_id").count();
    for (Row x : sizes.groupBy("family").agg(max(col("count"))).collectAsList()) {
      out.get(x.getString(0))
          .merge("largest_cluster", x.getLong(1), (p, q) -> Math.max((Long) p, (Long) q));
    }
    for (Map<String, Object> f : out.values()) {
      long keptN = (Long) f.get("kept_by_filter");
      f.put(
          "recall",
          keptN == 0
              ? null
              : StageMetrics.round4((Long) f.get("largest_cluster") / (double) keptN));
    }
    return new ArrayList<>(out.values());
  }

  /**
   * Rows and an order-independent hash of a table (XOR and sum of each row's xxhash64, every column
   * but {@code file}, the absolute input path): equal for equal content, so runs of the same size
   * under other heaps or directories can be compared (doc ids are relative to the corpus through
   * {@code ingest.id_base}).
   */
  static Map<String, Object> contentHash(SparkSession spark, String path) {
    Dataset<Row> t = spark.read().format("delta").load(path);
    String cols =
        java.util.Arrays.stream(t.columns())
            .filter(c -> !c.equals("file"))
            .map(c -> "`" + c + "`")
            .collect(java.util.stream.Collectors.joining(", "));
    Row x =
        t.selectExpr(
                "count(*)",
                "bit_xor(xxhash64(" + cols + "))",
                "cast(sum(cast(xxhash64(" + cols + ") AS DECIMAL(38, 0))) AS STRING)")
            .first();
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("rows", x.getLong(0));
    h.put("xor", x.isNullAt(1) ? "" : Long.toHexString(x.getLong(1)));
    h.put("sum", x.isNullAt(2) ? "0" : x.getString(2));
    return h;
  }

  /**
   * The planted multi-million-character documents ({@code --big-docs file:line,...}) encoded by the
   * Llama-2 tokenizer alone, on this thread, outside the stages: chars per second for each length,
   * to show the tokenizer linear in document length. Read from docs_filtered (the ones in the
   * boilerplate family are removed by dedup before tokenize). Empty without a SentencePiece file.
   */
  static List<Map<String, Object>> bigDocs(
      SparkSession spark, String lake, String keys, String tokenizerFile) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (keys.isEmpty() || tokenizerFile == null) {
      return out;
    }
    try (dev.slimspark.udfs.tokenize.spm.SentencePieceBpe tok =
        dev.slimspark.udfs.tokenize.spm.SentencePieceBpe.load(Path.of(tokenizerFile))) {
      Dataset<Row> f =
          spark
              .read()
              .format("delta")
              .load(lake + "/" + Table.DOCS_FILTERED.id())
              .where(col("kept"));
      for (String k : keys.split(",")) {
        int c = k.lastIndexOf(':');
        List<Row> rows =
            f.where(
                    substring_index(col("file"), "/", -1)
                        .equalTo(k.substring(0, c))
                        .and(col("line_number").equalTo(Long.parseLong(k.substring(c + 1)))))
                .select("text")
                .collectAsList();
        if (rows.isEmpty()) {
          continue;
        }
        String text = rows.get(0).getString(0);
        tok.encodeCounted(text.substring(0, Math.min(text.length(), 100_000))); // warm-up
        long t0 = System.nanoTime();
        int tokens = tok.encodeCounted(text).ids().length;
        double s = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("doc", k);
        m.put("chars", text.length());
        m.put("tokens", tokens);
        m.put("encode_s", StageMetrics.round(s));
        m.put("chars_per_s", Math.round(text.length() / s));
        out.add(m);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("bench scale: big-document tokenizer timing failed: {}", e.toString());
    }
    return out;
  }

  private static long gcMillis() {
    long t = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      t += Math.max(0, b.getCollectionTime());
    }
    return t;
  }

  /** Waits until the listener bus has delivered every task end (they arrive asynchronously). */
  private static void drain(SparkSession spark) {
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty(60_000L);
    } catch (java.util.concurrent.TimeoutException e) {
      LOG.warn("bench scale: listener bus not drained after 60 s; task figures may be short");
    }
  }

  static Path partial(Path result) {
    return result.resolveSibling(result.getFileName() + ".partial");
  }

  private static void write(Map<String, Object> r, Path p) throws IOException {
    ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Files.write(p, om.writeValueAsBytes(r));
  }
}
