package dev.slimspark;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.Pipeline;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.StageRunner;
import java.util.List;

/** Runs pipeline stages on the shared test session through the CLI's runner. */
public final class Stages {
  private Stages() {}

  public static SlimConfig config(String... sets) {
    return SlimConfig.load(null, List.of(sets));
  }

  /**
   * Runs one stage as {@code slimspark STAGE} does: recorded in the runs table, its line printed.
   */
  public static JobSummary run(String stage, SlimConfig config) {
    RunContext ctx = new RunContext(TestSpark.session(), config);
    return new StageRunner(System.out, System.err).runOne(Pipeline.find(stage), ctx);
  }

  /** Quotes a path for a --set value. */
  public static String q(Object path) {
    return "\"" + path + "\"";
  }
}
