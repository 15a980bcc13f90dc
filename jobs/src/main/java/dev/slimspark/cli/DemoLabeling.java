package dev.slimspark.cli;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.Pipeline;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.StageRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The labeling part of {@code slimspark demo}: the labelers that run offline on a labeled sample.
 * The bundled sample ({@value #SAMPLE}: 90 financial sentences written by the project, one record
 * per line, labels bearish / bullish / neutral) is split into {@code train.csv} (3 of every 4 rows)
 * and {@code test.csv} (every 4th); {@code finetune} trains the default head (BGE-small + token
 * n-grams) on train, {@code label} runs it and a knn-vote labeler (k = 5, pool = train, MiniLM)
 * over test, and {@code evaluate} scores both against test's labels, so the report's Labels section
 * is filled. k-shot labelers need a language model directory and are not part of the demo. Only
 * this run's labelers are evaluated (a re-run trains a new model, hence new labeler ids).
 */
final class DemoLabeling {
  static final String SAMPLE = "label/finance_sentences.csv";

  private DemoLabeling() {}

  /**
   * Writes the split sample to {@code dir} and returns the config settings that point the labeling
   * stages at it, the model going to {@code modelDir}. Put user settings after these to override.
   */
  static List<String> prepare(Path dir, Path modelDir) throws IOException {
    List<String> lines;
    try (InputStream in = DemoLabeling.class.getClassLoader().getResourceAsStream(SAMPLE)) {
      if (in == null) {
        throw new IllegalStateException(
            "the demo's labeled sample " + SAMPLE + " is missing from the jar");
      }
      lines =
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .filter(l -> !l.isBlank())
              .toList();
    }
    List<String> train = new ArrayList<>(List.of(lines.get(0)));
    List<String> test = new ArrayList<>(List.of(lines.get(0)));
    for (int i = 1; i < lines.size(); i++) {
      (i % 4 == 0 ? test : train).add(lines.get(i));
    }
    Files.createDirectories(dir);
    Path tr = dir.resolve("train.csv");
    Path te = dir.resolve("test.csv");
    Files.write(tr, train, StandardCharsets.UTF_8);
    Files.write(te, test, StandardCharsets.UTF_8);
    return List.of(
        "finetune.input=" + q(tr),
        "finetune.output=" + q(modelDir),
        "label.input=" + q(te),
        "label.labelers=[{type = \"fine-tuned\", model = "
            + q(modelDir)
            + "}, {type = \"knn-vote\", k = 5, pool = "
            + q(tr)
            + "}]",
        "evaluate.gold=" + q(te));
  }

  /**
   * Runs finetune, label and evaluate (each printing its summary line) with {@code sets} on top of
   * {@code confFile}; returns 0, or 3 when a stage did not end "ok".
   */
  static int run(SparkSession spark, String confFile, List<String> sets) {
    SlimConfig c = SlimConfig.load(confFile, sets);
    StageRunner runner = new StageRunner(System.out, System.err);
    if (!runner.runOne(Pipeline.find("finetune"), new RunContext(spark, c)).ok()) {
      return 3;
    }
    JobSummary label = runner.runOne(Pipeline.find("label"), new RunContext(spark, c));
    if (!label.ok()) {
      return 3;
    }
    // evaluate compares exactly the labelers this label run wrote.
    List<String> ids = new ArrayList<>();
    for (Object id : ((Map<?, ?>) label.counts().get("labelers")).keySet()) {
      ids.add(q(id));
    }
    List<String> withIds = new ArrayList<>(sets);
    withIds.add("evaluate.labelers=[" + String.join(", ", ids) + "]");
    RunContext evaluate = new RunContext(spark, SlimConfig.load(confFile, withIds));
    return runner.runOne(Pipeline.find("evaluate"), evaluate).ok() ? 0 : 3;
  }

  /** A HOCON string literal (paths may hold backslashes or quotes). */
  private static String q(Object s) {
    return com.typesafe.config.ConfigValueFactory.fromAnyRef(s.toString()).render();
  }
}
