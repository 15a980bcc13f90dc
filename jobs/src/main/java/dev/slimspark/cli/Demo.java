package dev.slimspark.cli;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
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
 * {@code slimspark demo [--lake DIR]}: generates the bundled sample corpus next to the lake (default
 * {@code demo-out/lake}, sample in {@code demo-out/sample}), runs every stage on it, then the
 * labeling stages on the bundled labeled sentences ({@link DemoLabeling}: model in {@code
 * demo-out/models/finetuned}), and writes the report ({@code demo-out/report.html} + {@code .json});
 * the final summary line names both.
 */
final class Demo {
  private static final Logger LOG = LoggerFactory.getLogger(Demo.class);
  static final String DEFAULT_LAKE = "demo-out/lake";

  private Demo() {}

  static int run(String[] args) throws IOException {
    List<String> rest = new ArrayList<>();
    String lake = DEFAULT_LAKE;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--lake") && i + 1 < args.length) {
        lake = args[++i];
      } else {
        rest.add(args[i]);
      }
    }
    Main.JobArgs ja = Main.parseJobArgs(rest.toArray(new String[0]), "demo");
    if (ja.help) {
      System.err.println("usage: slimspark demo [--lake DIR] [--conf FILE] [--set key=value ...]\n"
          + "Generates the sample corpus in DIR/../sample and runs every stage into DIR, then finetune,\n"
          + "label (fine-tuned head + knn-vote) and evaluate on bundled labeled sentences (DIR/../sample/labeled).");
      return 0;
    }
    Path lakeDir = new File(lake).getAbsoluteFile().toPath();
    Path sampleDir = lakeDir.resolveSibling("sample");
    List<String> sets = new ArrayList<>(ja.sets);
    sets.add(0, "lake=\"" + lakeDir + "\"");
    sets.add(1, "ingest.input=[\"" + sampleDir + "/*.jsonl*\"]");
    SlimConfig config = SlimConfig.load(ja.conf, sets);

    SampleCorpusGenerator.Options o = new SampleCorpusGenerator.Options();
    o.docs = config.getInt("demo.docs");
    o.shards = config.getInt("demo.shards");
    o.seed = config.getInt("demo.seed");
    deleteRecursively(sampleDir);
    Files.createDirectories(sampleDir);
    SampleManifest m = SampleCorpusGenerator.generate(o, sampleDir);
    LOG.info("Generated sample corpus in {}: {} valid docs", sampleDir, m.totalValidDocs());

    SparkSession spark = Main.session(config, "demo");
    RunContext ctx = new RunContext(spark, config);
    int code = Main.runStages(spark, config, Pipeline.stageNames(), "demo-stages");
    if (code == 0) {
      List<String> labeling = new ArrayList<>(sets);
      labeling.addAll(2, DemoLabeling.prepare(sampleDir.resolve("labeled"), lakeDir.resolveSibling("models").resolve("finetuned")));
      code = DemoLabeling.run(spark, ja.conf, labeling);
    }
    JobSummary s = new JobSummary("demo", ctx);
    s.input(sampleDir.toString());
    s.status(code == 0 ? "ok" : "failed");
    Map<String, Object> tables = new LinkedHashMap<>();
    for (String t : SqlCommand.registerTables(spark, ctx.lake())) {
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
          dev.slimspark.report.Report.write(ctx.lake(), ReportCommand.defaultPath(ctx.lake()));
      s.put("report", p.html().toAbsolutePath().toString());
      s.put("report_json", p.json().toAbsolutePath().toString());
    }
    System.out.println(s.toJson());
    return code;
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
