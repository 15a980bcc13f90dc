package dev.slimspark.cli;

import com.typesafe.config.ConfigUtil;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.Pipeline;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.StageRunner;
import dev.slimspark.jobs.Status;
import dev.slimspark.sample.SampleCorpusGenerator;
import dev.slimspark.sample.SampleManifest;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code slimspark demo [--out DIR] [--lake LAKE]}: generates the bundled sample corpus in the
 * demo's directory ({@link #outDir}: default {@code demo-out}, sample in {@code demo-out/sample},
 * lake in {@code demo-out/lake}), runs every stage on it, then the labeling stages on the bundled
 * labeled sentences ({@link DemoLabeling}: model in {@code demo-out/models/finetuned}), and writes
 * the report ({@code demo-out/report.html} + {@code .json}); the final summary line names both.
 */
final class Demo {
  private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

  private Demo() {}

  static int run(String[] args) throws IOException {
    List<String> rest = new ArrayList<>();
    String lake = null;
    String out = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--lake") && i + 1 < args.length) {
        lake = args[++i];
      } else if (args[i].equals("--out") && i + 1 < args.length) {
        out = args[++i];
      } else {
        rest.add(args[i]);
      }
    }
    Main.JobArgs ja = Main.parseJobArgs(rest.toArray(new String[0]), "demo");
    if (ja.help) {
      System.err.println(
          "usage: slimspark demo [--out DIR] [--lake LAKE] [--conf FILE] [--set key=value ...]\n"
              + "Generates the sample corpus in DIR/sample and runs every stage into LAKE (default DIR/lake), then finetune,\n"
              + "label (fine-tuned head + knn-vote) and evaluate on bundled labeled sentences (DIR/sample/labeled); writes\n"
              + "DIR/report.html and DIR/report.json. DIR: default demo-out, or LAKE/_demo when only --lake is given.");
      return 0;
    }
    if (lake != null && lake.isBlank()) {
      throw UserErrors.badArgument(
          "--lake " + lake, "--lake takes a directory; it is empty (an unset shell variable?)");
    }
    Path outDir = outDir(out, lake);
    Path lakeDir =
        lake == null ? outDir.resolve("lake") : new File(lake).getAbsoluteFile().toPath();
    Path sampleDir = outDir.resolve("sample");
    List<String> sets = new ArrayList<>(ja.sets);
    sets.add(0, "lake=" + ConfigUtil.quoteString(lakeDir.toString()));
    sets.add(
        1,
        "ingest.input=["
            + ConfigUtil.quoteString(globEscape(sampleDir.toString()) + "/*.jsonl*")
            + "]");
    SlimConfig config = SlimConfig.load(ja.conf, sets);

    SampleManifest m = generateSample(config, sampleDir);

    SparkSession spark = Main.session(config, "demo");
    RunContext ctx = new RunContext(spark, config);
    int code =
        new StageRunner(System.out, System.err)
            .run(spark, config, Pipeline.stageNames(), "demo-stages");
    if (code == 0) {
      List<String> labeling = new ArrayList<>(sets);
      labeling.addAll(
          2,
          DemoLabeling.prepare(
              sampleDir.resolve("labeled"), outDir.resolve("models").resolve("finetuned")));
      code = DemoLabeling.run(spark, ja.conf, labeling);
    }
    System.out.println(summary(spark, ctx, code, m, sampleDir, outDir).toJson());
    return code;
  }

  /** The bundled sample corpus, generated afresh in sampleDir as demo.* configures it. */
  private static SampleManifest generateSample(SlimConfig config, Path sampleDir)
      throws IOException {
    SampleCorpusGenerator.Options o = DemoOptions.from(config).generator();
    deleteRecursively(sampleDir);
    Files.createDirectories(sampleDir);
    SampleManifest m = SampleCorpusGenerator.generate(o, sampleDir);
    LOG.info("Generated sample corpus in {}: {} valid docs", sampleDir, m.totalValidDocs());
    return m;
  }

  /**
   * The demo's summary line: its lake, sample, tables and sample counts and, when every stage
   * succeeded, the report's paths.
   */
  private static JobSummary summary(
      SparkSession spark, RunContext ctx, int code, SampleManifest m, Path sampleDir, Path outDir)
      throws IOException {
    JobSummary s = new JobSummary("demo", ctx);
    s.input(sampleDir.toString());
    s.status(code == 0 ? Status.OK : Status.FAILED);
    Map<String, Object> tables = new LinkedHashMap<>();
    for (String t : SqlCommand.tables(spark, ctx.lake())) {
      tables.put(t, ctx.lake().path(t));
    }
    s.put("lake", ctx.lake().root());
    s.put("sample", sampleDir.toString());
    s.put("tables", tables);
    s.count("sample_valid_docs", m.totalValidDocs());
    s.count("sample_bad_lines", m.badLinesByReason());
    s.count("sample_blank_lines", m.blankLines());
    if (code == 0) {
      // Last, so the summary line ends with where to look: the HTML report and its JSON twin.
      dev.slimspark.report.Report.Paths p =
          dev.slimspark.report.Report.write(ctx.lake(), outDir.resolve("report.html"));
      s.put("report", p.html().toAbsolutePath().toString());
      s.put("report_json", p.json().toAbsolutePath().toString());
    }
    return s;
  }

  /**
   * The demo's own directory for the sample, the model and the report: {@code --out}, else {@code
   * LAKE/_demo} when only --lake is given (inside the lake, hidden from table listings by its '_',
   * so two demos with their own lakes never share files and nothing lands beside the lake), else
   * {@code demo-out}.
   */
  static Path outDir(String out, String lake) {
    String d = out != null ? out : lake != null ? lake + "/_demo" : "demo-out";
    return new File(d).getAbsoluteFile().toPath().normalize();
  }

  /** A directory path as a Hadoop glob that matches exactly it: glob metacharacters escaped. */
  static String globEscape(String path) {
    return path.replaceAll("([\\\\\\[\\]{}*?])", "\\\\$1");
  }

  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
