package dev.slimspark;

import dev.slimspark.cli.Pipeline;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.RunsTable;
import java.util.List;

/** Runs pipeline stages on the shared test session, as the CLI does. */
public final class Stages {
  private Stages() {}

  public static SlimConfig config(String... sets) {
    return SlimConfig.load(null, List.of(sets));
  }

  public static JobSummary run(String stage, SlimConfig config) {
    RunContext ctx = new RunContext(TestSpark.session(), config);
    JobSummary s = Pipeline.find(stage).run(ctx);
    RunsTable.record(s);
    return s;
  }

  /** Quotes a path for a --set value. */
  public static String q(Object path) {
    return "\"" + path + "\"";
  }
}
