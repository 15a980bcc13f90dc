package dev.slimspark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.sample.SampleCorpusGenerator;
import dev.slimspark.sample.SampleManifest;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code slimspark bench scale [--sizes 1g,2g,4g,8g] [--out DIR] [--heap 1g] [--tokenizer DIR]
 * [--seed N] [--keep-lake] [--cluster] [--set key=value ...]} (issue 14): the whole pipeline on the
 * skewed sample corpus ({@code generate-sample --skew}) at several sizes, each in a child JVM
 * ({@link ScaleBenchChild}) with the same fixed -Xmx, so that a size that runs out of memory fails
 * alone and every size has the same heap.
 *
 * <p>Per size, under {@code --out} (default {@code target/bench-scale}): {@code corpus-SIZE/}
 * (kept, generated once), {@code corpus-SIZE.members.tsv} (the planted family members, for recall),
 * {@code log-SIZE.txt} (the child's output), {@code lake-SIZE/} (deleted once the metrics are
 * written, unless {@code --keep-lake}), {@code result-SIZE.json} and {@code result-SIZE.md}.
 * Resumable: a size whose {@code result-SIZE.json} exists is not run again; a failed size leaves
 * {@code failed-SIZE.json} (with the stages it finished) and is retried on the next call. At the
 * end {@code scale-series.md} holds the table across sizes ({@link ScaleTables}).
 *
 * <p>{@code --cluster} runs each size on a standalone cluster of {@value #CLUSTER_WORKERS} one-core
 * workers on this machine ({@link LocalStandaloneCluster}), the child JVM being the driver and each
 * worker starting one executor with the same {@code --heap}: driver and executor heaps are then
 * measured apart ("heap peak" is the driver's, "exec heap" the executors'). Its default {@code
 * --out} is {@code target/bench-scale-cluster}, so local and cluster results never mix.
 *
 * <p>Risks: a long series on a shared machine measures the other load too; the lake of an 8 GB size
 * needs several GB of disk under {@code --out}, and Spark's shuffle files go to {@code
 * spark.local.dir} (/tmp).
 */
final class ScaleBench {
  private static final Logger LOG = LoggerFactory.getLogger(ScaleBench.class);
  static final String DEFAULT_TOKENIZER = "../shared/data/tokenizers/llama2";
  static final String USAGE =
      "usage: slimspark bench scale [--sizes 1g,2g,4g,8g] [--out DIR, default target/bench-scale] [--heap 1g]\n"
          + "                             [--tokenizer DIR with tokenizer.model, default "
          + DEFAULT_TOKENIZER
          + " when present]\n"
          + "                             [--seed N, default 42] [--keep-lake] [--set key=value ...]\n"
          + "                             [--cluster: on a standalone cluster of two one-core workers here,\n"
          + "                              executors with --heap each; default --out target/bench-scale-cluster]";

  /** Workers of the {@code --cluster} variant (one core, one executor each). */
  static final int CLUSTER_WORKERS = 2;

  /** Parsed options. */
  static final class Settings {
    final List<String> sizes = new ArrayList<>(List.of("1g", "2g", "4g", "8g"));
    Path out;
    boolean cluster;
    String heap = "1g";
    Path tokenizer;
    long seed = 42;
    boolean keepLake;
    final List<String> sets = new ArrayList<>();
  }

  private ScaleBench() {}

  static int run(String[] args) throws IOException {
    if (args.length > 0 && Main.isHelp(args[0])) {
      System.err.println(USAGE);
      return 0;
    }
    Settings s = parse(args);
    Files.createDirectories(s.out);
    List<String> sets = childSets(s);
    List<JsonNode> results = new ArrayList<>();
    List<Map<String, Object>> brief = new ArrayList<>();
    boolean allOk = true;
    // A null resource is allowed: no cluster, nothing to close.
    try (LocalStandaloneCluster cluster =
        s.cluster
            ? LocalStandaloneCluster.start(s.out.resolve("cluster"), CLUSTER_WORKERS, 1, s.heap)
            : null) {
      List<String> props = cluster == null ? List.of() : cluster.driverProperties();
      for (String size : s.sizes) {
        JsonNode r = runSize(s, size, sets, props);
        results.add(r);
        allOk &= r.path("status").asText().equals("ok");
        String table = ScaleTables.sizeTable(r);
        Files.writeString(s.out.resolve("result-" + size + ".md"), table);
        System.err.println(table);
        brief.add(brief(s, size, r));
      }
    }
    String series = ScaleTables.seriesTable(results);
    Files.writeString(s.out.resolve("scale-series.md"), series);
    System.err.println(series);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("job", "bench");
    summary.put("bench", "scale");
    summary.put("out", s.out.toString());
    summary.put("heap", s.heap);
    summary.put(
        "cluster",
        s.cluster ? CLUSTER_WORKERS + " one-core workers, executors -Xmx" + s.heap : "none");
    summary.put("sizes", brief);
    summary.put("series_table", s.out.resolve("scale-series.md").toString());
    summary.put("status", allOk ? "ok" : "failed");
    System.out.println(JobSummary.toJson(summary));
    return allOk ? 0 : 3;
  }

  private static Map<String, Object> brief(Settings s, String size, JsonNode r) {
    boolean ok = r.path("status").asText().equals("ok");
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("size", size);
    b.put("status", r.path("status").asText());
    b.put("result", s.out.resolve((ok ? "result-" : "failed-") + size + ".json").toString());
    return b;
  }

  static Settings parse(String[] args) {
    Settings s = new Settings();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--keep-lake") || a.equals("--cluster")) {
        s.keepLake |= a.equals("--keep-lake");
        s.cluster |= a.equals("--cluster");
        continue;
      }
      if (i + 1 >= args.length) {
        throw UserErrors.badArgument(a, USAGE);
      }
      String v = args[++i];
      switch (a) {
        case "--sizes" -> s.sizes.clear();
        case "--out" -> s.out = Path.of(v);
        case "--heap" -> s.heap = heap(v);
        case "--tokenizer" -> s.tokenizer = Path.of(v);
        case "--seed" -> s.seed = GenerateSampleCommand.parseSize(a, v);
        case "--set" -> s.sets.add(v);
        default -> throw UserErrors.badArgument(a, USAGE);
      }
      if (a.equals("--sizes")) {
        for (String x : v.split(",")) {
          String label = x.trim().toLowerCase(Locale.ROOT);
          if (GenerateSampleCommand.parseSize(a, label) < (1 << 20)) {
            throw UserErrors.badArgument(
                a + " " + v,
                "sizes are corpus bytes with k, m or g, at least 1m, e.g. --sizes 1g,2g,4g,8g");
          }
          if (!s.sizes.contains(label)) {
            s.sizes.add(label);
          }
        }
        if (s.sizes.isEmpty()) {
          throw UserErrors.badArgument(
              a + " " + v, "--sizes lists at least one size, e.g. --sizes 1g,2g,4g,8g");
        }
      }
    }
    if (s.out == null) {
      s.out = Path.of(s.cluster ? "target/bench-scale-cluster" : "target/bench-scale");
    }
    s.out = s.out.toAbsolutePath();
    if (s.tokenizer != null && !Files.exists(s.tokenizer)) {
      throw UserErrors.missingFile(
          "--tokenizer (a directory with tokenizer.model or tokenizer.json)",
          s.tokenizer.toString());
    }
    return s;
  }

  /** Spark refuses a driver heap under 450 MiB (1.5 x its 300 MiB reserve); a little above that. */
  static final long MIN_HEAP = 480L << 20;

  private static String heap(String v) {
    if (!v.matches("\\d+[kmgKMG]?") || GenerateSampleCommand.parseSize("--heap", v) < MIN_HEAP) {
      throw UserErrors.badArgument(
          "--heap " + v,
          "--heap is a JVM heap size as -Xmx takes it, at least 480m (Spark needs 450 MiB), e.g. 1g or 768m");
    }
    return v;
  }

  /**
   * The child's config: a Llama-2 (TinyLlama) tokenize and pack when a tokenizer is found, Gopher's
   * word cap raised so the multi-million-character documents reach tokenize, then the user's sets.
   */
  static List<String> childSets(Settings s) {
    List<String> sets = new ArrayList<>();
    sets.add("filter.gopher.word_count.max=100000000");
    Path tok = s.tokenizer != null ? s.tokenizer : Path.of(DEFAULT_TOKENIZER);
    if (Files.exists(tok)) {
      sets.add("tokenize.tokenizer.kind=sentencepiece");
      sets.add(
          "tokenize.tokenizer.path="
              + com.typesafe.config.ConfigUtil.quoteString(
                  tok.toAbsolutePath().normalize().toString()));
      sets.add("tokenize.bos=\"<s>\"");
      sets.add("tokenize.eos=\"\"");
      sets.add("pack.pad_id=32000");
    } else {
      LOG.warn(
          "bench scale: no Llama-2 tokenizer at {} (pass --tokenizer DIR); tokenizing with jtokkit-gpt2 instead,"
              + " whose cost per GB differs",
          tok.toAbsolutePath().normalize());
      sets.add("tokenize.tokenizer.kind=jtokkit-gpt2");
    }
    sets.addAll(s.sets);
    return sets;
  }

  /** The planted big documents as file:line, comma separated. */
  private static String bigDocKeys(Path corpus) throws IOException {
    return String.join(
        ",",
        SampleManifest.read(corpus).skew().bigDocs().stream()
            .map(b -> b.key().file() + ":" + b.key().line())
            .toList());
  }

  /**
   * The SentencePiece model file the tokenize stage reads (tokenizer.model, else tokenizer.json),
   * or null.
   */
  static Path tokenizerFile(Settings s) {
    Path tok =
        (s.tokenizer != null ? s.tokenizer : Path.of(DEFAULT_TOKENIZER))
            .toAbsolutePath()
            .normalize();
    if (Files.isRegularFile(tok)) {
      return tok;
    }
    for (String name : List.of("tokenizer.model", "tokenizer.json")) {
      if (Files.isRegularFile(tok.resolve(name))) {
        return tok.resolve(name);
      }
    }
    return null;
  }

  /** One size: the stored result, or generate (if needed), run the child, record its outcome. */
  private static JsonNode runSize(Settings s, String size, List<String> sets, List<String> props)
      throws IOException {
    ObjectMapper om = new ObjectMapper();
    Path result = s.out.resolve("result-" + size + ".json");
    if (Files.exists(result)) {
      LOG.info("bench scale: {} already measured ({}), skipped", size, result);
      return om.readTree(result.toFile());
    }
    Path corpus = s.out.resolve("corpus-" + size);
    Path members = s.out.resolve("corpus-" + size + ".members.tsv");
    long corpusBytes =
        ensureCorpus(corpus, members, GenerateSampleCommand.parseSize("--sizes", size), s.seed);
    Path lake = s.out.resolve("lake-" + size);
    Demo.deleteRecursively(lake);
    Files.deleteIfExists(ScaleBenchChild.partial(result));
    List<String> childArgs =
        new ArrayList<>(
            List.of(
                "--lake",
                lake.toString(),
                "--result",
                result.toString(),
                "--members",
                members.toString(),
                "--corpus-bytes",
                Long.toString(corpusBytes),
                "--size",
                size,
                "--heap",
                s.heap,
                "--set",
                "lake=" + com.typesafe.config.ConfigUtil.quoteString(lake.toString()),
                "--set",
                "ingest.input=["
                    + com.typesafe.config.ConfigUtil.quoteString(corpus + "/*.jsonl*")
                    + "]",
                // Doc ids relative to the corpus, so outputs of runs in other directories compare
                // equal.
                "--set",
                "ingest.id_base=" + com.typesafe.config.ConfigUtil.quoteString(corpus.toString()),
                "--big-docs",
                bigDocKeys(corpus)));
    Path tokFile = tokenizerFile(s);
    if (tokFile != null) {
      childArgs.addAll(List.of("--tokenizer-file", tokFile.toString()));
    }
    for (String x : sets) {
      childArgs.add("--set");
      childArgs.add(x);
    }
    Path log = s.out.resolve("log-" + size + ".txt");
    LOG.info(
        "bench scale: {} ({} bytes) in a child JVM with -Xmx{}; log {}",
        size,
        corpusBytes,
        s.heap,
        log);
    int code = ChildJvm.run(s.heap, props, childArgs, log);
    JsonNode r;
    if (code == 0 && Files.exists(result)) {
      r = om.readTree(result.toFile());
      Files.deleteIfExists(s.out.resolve("failed-" + size + ".json"));
    } else {
      Path partial = ScaleBenchChild.partial(result);
      ObjectNode f =
          Files.exists(partial)
              ? (ObjectNode) om.readTree(partial.toFile())
              : om.createObjectNode();
      f.put("size", size);
      f.put("heap", s.heap);
      f.put("exit_code", code);
      f.put(
          "status",
          "failed (exit "
              + code
              + (code == 52 ? ", OutOfMemoryError" : "")
              + "): "
              + f.path("status").asText("no stage finished")
              + "; see "
              + log);
      Files.write(
          s.out.resolve("failed-" + size + ".json"),
          om.writerWithDefaultPrettyPrinter().writeValueAsBytes(f));
      Files.deleteIfExists(partial);
      r = f;
    }
    if (!s.keepLake) {
      Demo.deleteRecursively(lake);
    }
    return r;
  }

  /**
   * Generates the skewed corpus unless its manifest exists (into a temporary directory renamed at
   * the end, so an interrupted generation is redone), and writes the members TSV (family, file
   * name, line) the child joins for recall. Returns the corpus's uncompressed bytes.
   */
  static long ensureCorpus(Path corpus, Path members, long bytes, long seed) throws IOException {
    if (!Files.exists(corpus.resolve(SampleCorpusGenerator.MANIFEST_FILE))) {
      Path tmp = corpus.resolveSibling(corpus.getFileName() + ".tmp");
      Demo.deleteRecursively(tmp);
      Demo.deleteRecursively(corpus);
      Files.createDirectories(tmp);
      SampleCorpusGenerator.Options o = new SampleCorpusGenerator.Options();
      o.targetBytes = bytes;
      o.skew = true;
      o.plantBadInput = false;
      o.shards = 16;
      o.seed = seed;
      LOG.info("bench scale: generating a {} byte skewed corpus in {}", bytes, corpus);
      SampleCorpusGenerator.generate(o, tmp);
      Files.move(tmp, corpus);
      Files.deleteIfExists(members);
    }
    SampleManifest m = SampleManifest.read(corpus);
    if (!Files.exists(members)) {
      Path tmp = members.resolveSibling(members.getFileName() + ".tmp");
      try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        for (SampleManifest.Family f : m.skew().families()) {
          for (SampleManifest.DocKey k : f.members()) {
            w.write(f.name() + "\t" + k.file() + "\t" + k.line() + "\n");
          }
        }
      }
      Files.move(tmp, members);
    }
    return m.totals().uncompressedBytes();
  }
}
