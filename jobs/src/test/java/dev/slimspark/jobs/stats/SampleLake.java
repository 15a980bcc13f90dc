package dev.slimspark.jobs.stats;

import static dev.slimspark.Stages.q;

import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.Pipeline;
import dev.slimspark.lake.Lake;
import dev.slimspark.report.Report;
import dev.slimspark.sample.SampleCorpusGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One small sample corpus run through every stage once per test JVM, shared by the stats, report
 * and notebook tests (the pipeline is the slow part). Records each stage's summary and wall time.
 */
public final class SampleLake {
  private static SampleLake instance;
  private static RuntimeException failure;

  public final Path lake;
  public final SlimConfig config;
  public final Map<String, JobSummary> summaries = new LinkedHashMap<>();
  public final Map<String, Long> wallMs = new LinkedHashMap<>();

  private SampleLake() throws IOException {
    Path sample = TestSpark.newDir("stats-sample");
    SampleCorpusGenerator.generate(SampleCorpusGenerator.Options.of(300, 2, 11), sample);
    lake = TestSpark.newDir("stats-lake");
    config = Stages.config("lake=" + q(lake), "ingest.input=[" + q(sample + "/*.jsonl*") + "]");
    for (String stage : Pipeline.stageNames()) {
      long t0 = System.nanoTime();
      JobSummary s = Stages.run(stage, config);
      wallMs.put(stage, (System.nanoTime() - t0) / 1_000_000);
      summaries.put(stage, s);
      if (!s.ok()) {
        throw new IllegalStateException(stage + " failed: " + s.toJson());
      }
    }
  }

  public static synchronized SampleLake get() {
    if (failure != null) {
      throw failure; // fail every user fast instead of re-running a broken pipeline
    }
    if (instance == null) {
      try {
        instance = new SampleLake();
      } catch (IOException | RuntimeException e) {
        failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
        throw failure;
      }
    }
    return instance;
  }

  private Report.Paths report;

  /** The report of this lake, written once under target/report/ (kept for inspection). */
  public synchronized Report.Paths report() {
    if (report == null) {
      try {
        long t0 = System.nanoTime();
        report =
            Report.write(
                new Lake(TestSpark.session(), lake.toString()),
                Path.of("target", "report", "report.html"));
        wallMs.put("report", (System.nanoTime() - t0) / 1_000_000);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return report;
  }

  public Dataset<Row> table(String name) {
    return TestSpark.session().read().format("delta").load(lake.resolve(name).toString());
  }
}
