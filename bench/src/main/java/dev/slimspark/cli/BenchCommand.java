package dev.slimspark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.StageRunner;
import dev.slimspark.sample.SampleCorpusGenerator;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code slimspark bench ingest-filter [--bytes 1g] [--out DIR]}: measures our ingest and
 * ingest+filter throughput per core and, in the same run, the reference (a plain single-threaded
 * Jackson loop reading and parsing the same JSONL, timed before and after ours), and prints the
 * ratios as one JSON line. {@code slimspark bench dedup ...} is {@link DedupBench}, {@code
 * slimspark bench scale ...} is {@link ScaleBench}; {@code slimspark bench main CLASS [ARGS...]}
 * runs one of the bench module's other mains ({@link #MAINS}) in this JVM.
 *
 * <p>Lives in the bench module, which is not part of the cluster jar: {@link Main} finds this class
 * by name, and bin/slimspark puts the bench module on the class path for {@code bench}.
 */
public final class BenchCommand {
  private static final Logger LOG = LoggerFactory.getLogger(BenchCommand.class);

  /** The bench module's standalone mains, by simple name (BENCHMARKS.md has their commands). */
  static final List<String> MAINS =
      List.of(
          "dev.slimspark.jobs.tokenize.TokenizeBench",
          "dev.slimspark.jobs.tokenize.TokenizeStageBench",
          "dev.slimspark.jobs.tokenize.EncodeProbe",
          "dev.slimspark.jobs.label.LabelBench",
          "dev.slimspark.jobs.pack.PackBench",
          "dev.slimspark.jobs.decon.DeconBench",
          "dev.slimspark.jobs.decon.DeconStageBench",
          "dev.slimspark.jobs.pack.PackStageBench",
          "dev.slimspark.udfs.tokenize.spm.SentencePieceBench",
          "dev.slimspark.udfs.quality.SegmentationCostBench",
          "dev.slimspark.udfs.minhash.SignatureThroughputBench");

  private BenchCommand() {}

  /** Entry point that {@link Main} calls (by reflection) for {@code slimspark bench ARGS}. */
  public static int run(String[] args) throws Exception {
    if (args.length == 0 || Main.isHelp(args[0])) {
      System.err.println(
          "usage: slimspark bench ingest-filter [--bytes N(k|m|g), default 1g] [--out DIR, default target/bench]\n"
              + "       slimspark bench dedup [--docs N, default 20000] [--scales 1,2,4,8] [--out DIR, default target/bench-dedup]\n"
              + "                             [--boilerplate FRACTION of docs with a shared web footer, default 0]\n"
              + "                             [--mllib-tables L, default 5] [--shuffle-partitions N, default 4 x cores] [--no-warmup]\n"
              + ScaleBench.USAGE.replace("usage: ", "       ")
              + "\n"
              + "       slimspark bench main CLASS [ARGS...]   one of: "
              + String.join(
                  ", ", MAINS.stream().map(c -> c.substring(c.lastIndexOf('.') + 1)).toList()));
      return 0;
    }
    if (args[0].equals("main")) {
      return runMain(java.util.Arrays.copyOfRange(args, 1, args.length));
    }
    if (args[0].equals("dedup")) {
      return DedupBench.run(java.util.Arrays.copyOfRange(args, 1, args.length));
    }
    if (args[0].equals("scale")) {
      return ScaleBench.run(java.util.Arrays.copyOfRange(args, 1, args.length));
    }
    if (!args[0].equals("ingest-filter")) {
      throw UserErrors.badArgument(args[0], "benchmarks: ingest-filter, dedup, scale, main CLASS");
    }
    long bytes = 1L << 30;
    Path out = Path.of("target/bench");
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--bytes") && i + 1 < args.length) {
        bytes = GenerateSampleCommand.parseSize("--bytes", args[++i]);
      } else if (args[i].equals("--out") && i + 1 < args.length) {
        out = Path.of(args[++i]);
      } else {
        throw UserErrors.badArgument(args[i], "see `slimspark bench --help`");
      }
    }
    return ingestFilter(bytes, out.toAbsolutePath());
  }

  /**
   * {@code bench main CLASS [ARGS...]}: CLASS is a simple name from {@link #MAINS} or a full one.
   */
  private static int runMain(String[] args) throws Exception {
    if (args.length == 0) {
      throw UserErrors.badArgument(
          "main", "slimspark bench main CLASS [ARGS...], see `slimspark bench --help`");
    }
    String name = args[0];
    for (String c : MAINS) {
      if (c.endsWith("." + name)) {
        name = c;
      }
    }
    Class<?> main;
    try {
      main = Class.forName(name);
    } catch (ClassNotFoundException e) {
      throw UserErrors.badArgument(args[0], "bench main classes: " + String.join(", ", MAINS));
    }
    try {
      main.getMethod("main", String[].class)
          .invoke(null, (Object) java.util.Arrays.copyOfRange(args, 1, args.length));
    } catch (java.lang.reflect.InvocationTargetException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
    return 0;
  }

  private static int ingestFilter(long bytes, Path out) throws IOException {
    Path corpus = out.resolve("corpus-" + bytes);
    if (!Files.exists(corpus.resolve(SampleCorpusGenerator.MANIFEST_FILE))) {
      Demo.deleteRecursively(corpus);
      Files.createDirectories(corpus);
      SampleCorpusGenerator.Options o = new SampleCorpusGenerator.Options();
      o.targetBytes = bytes;
      o.compressShards = false;
      o.plantBadInput = false;
      o.shards = 16;
      LOG.info("Generating a {} byte benchmark corpus in {}", bytes, corpus);
      SampleCorpusGenerator.generate(o, corpus);
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(corpus)) {
      s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().forEach(files::add);
    }
    long inputBytes = 0;
    for (Path f : files) {
      inputBytes += Files.size(f);
    }
    double mb = inputBytes / 1e6;

    double refBefore = referenceSeconds(files);
    Path lake = out.resolve("lake");
    Demo.deleteRecursively(lake);
    SlimConfig config =
        SlimConfig.load(
            null, List.of("lake=\"" + lake + "\"", "ingest.input=[\"" + corpus + "/*.jsonl\"]"));
    SparkSession spark = Main.session(config, "bench");
    int cores = spark.sparkContext().defaultParallelism();
    long t0 = System.nanoTime();
    new StageRunner(System.out, System.err).run(spark, config, List.of("ingest"), "bench-ingest");
    double ingestS = (System.nanoTime() - t0) / 1e9;
    long t1 = System.nanoTime();
    new StageRunner(System.out, System.err).run(spark, config, List.of("filter"), "bench-filter");
    double filterS = (System.nanoTime() - t1) / 1e9;
    double refAfter = referenceSeconds(files);
    double refS = (refBefore + refAfter) / 2;

    Map<String, Object> r = new LinkedHashMap<>();
    r.put("job", "bench");
    r.put("bench", "ingest-filter");
    r.put("input_mb", round(mb));
    r.put("files", files.size());
    r.put("cores", cores);
    r.put("reference", "single-threaded Jackson readTree loop over the same JSONL");
    r.put("reference_s", List.of(round(refBefore), round(refAfter)));
    r.put("reference_mb_per_s", round(mb / refS));
    r.put("ingest_s", round(ingestS));
    r.put("ingest_mb_per_s_per_core", round(mb / ingestS / cores));
    r.put("ingest_ratio_per_core", round((mb / ingestS / cores) / (mb / refS)));
    r.put("filter_s", round(filterS));
    r.put("ingest_filter_mb_per_s_per_core", round(mb / (ingestS + filterS) / cores));
    r.put("ingest_filter_ratio_per_core", round((mb / (ingestS + filterS) / cores) / (mb / refS)));
    System.out.println(JobSummary.toJson(r));
    return 0;
  }

  /** The reference: read every line, parse it with Jackson, touch the text. */
  static double referenceSeconds(List<Path> files) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    long chars = 0;
    long t0 = System.nanoTime();
    for (Path f : files) {
      try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode n = mapper.readTree(line);
          chars += n.get("text").asText().length();
        }
      }
    }
    double s = (System.nanoTime() - t0) / 1e9;
    LOG.info("Reference loop read {} chars in {} s", chars, s);
    return s;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
