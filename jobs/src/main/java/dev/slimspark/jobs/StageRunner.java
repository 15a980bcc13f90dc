package dev.slimspark.jobs;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.lake.Table;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Runs stages of the {@link Pipeline} in order on one session: each stage's summary is recorded in
 * the {@code runs} table and printed as one JSON line on {@code out}; the first stage that does not
 * end {@link Status#OK} stops the rest (exit code 3) and its failed check is printed on {@code err}
 * as problem/cause/fix. The CLI, the demo and the tests all run stages through this class.
 */
public final class StageRunner {
  /** Exit code of a command whose job ran but failed a check. */
  public static final int CHECK_FAILED_EXIT = 3;

  private final PrintStream out;
  private final PrintStream err;

  /**
   * @param out where summary lines go (the command's stdout)
   * @param err where a failed check's problem/cause/fix goes (the command's stderr)
   */
  public StageRunner(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs {@code names} in order, never skipping one; returns the exit code. */
  public int run(SparkSession spark, SlimConfig config, List<String> names, String cmd) {
    return run(spark, config, names, cmd, false);
  }

  /**
   * Runs {@code names} in order and returns the exit code (0, or 3 when a stage did not end ok).
   * With {@code resume}, a stage whose outputs are committed for this config and whose inputs are
   * unchanged is skipped and reported "up to date" ({@link Resume}). A multi-stage {@code run} ends
   * with one more line listing every stage's status.
   */
  public int run(
      SparkSession spark, SlimConfig config, List<String> names, String cmd, boolean resume) {
    List<Map<String, Object>> done = new ArrayList<>();
    RunContext pipelineRun = new RunContext(spark, config);
    Resume committed = resume ? Resume.load(pipelineRun) : null;
    int code = 0;
    int skipped = 0;
    for (String n : names) {
      RunContext ctx = new RunContext(spark, config);
      Resume.Committed c = committed == null ? null : committed.upToDate(n);
      JobSummary s = c != null ? skip(n, ctx, c) : runOne(Pipeline.find(n), ctx);
      skipped += c != null ? 1 : 0;
      done.add(brief(n, ctx, s));
      if (!s.ok() && c == null) {
        code = CHECK_FAILED_EXIT;
        printFailure(s);
        break;
      }
    }
    if (names.size() > 1 && cmd.equals("run")) {
      printRunLine(
          cmd,
          pipelineRun,
          done,
          code != 0 ? Status.FAILED : skipped == names.size() ? Status.UP_TO_DATE : Status.OK);
    }
    return code;
  }

  /** Runs one stage, records it in the runs table and prints its summary line. */
  public JobSummary runOne(Stage stage, RunContext ctx) {
    JobSummary s = stage.run(ctx);
    RunsTable.record(s);
    print(s);
    return s;
  }

  /** The summary line of a stage {@code run} skips, printed; nothing is recorded. */
  private JobSummary skip(String name, RunContext ctx, Resume.Committed c) {
    JobSummary s = Resume.skipped(name, ctx, c);
    print(s);
    return s;
  }

  /** One stage's entry in the final {@code run} line. */
  private static Map<String, Object> brief(String name, RunContext ctx, JobSummary s) {
    Map<String, Object> brief = new LinkedHashMap<>();
    brief.put("job", name);
    brief.put("run_id", ctx.runId());
    brief.put("status", s.status().json());
    return brief;
  }

  /** Why a stage that ran did not end ok, as problem/cause/fix, when it says. */
  private void printFailure(JobSummary s) {
    if (s.checkFailure() != null) {
      err.println(s.checkFailure().render());
    } else if (s.status() == Status.FAILED_ON_QUARANTINE) {
      long quarantined = ((Number) s.counts().get("quarantined")).longValue();
      err.println(
          UserErrors.quarantineNotAllowed(quarantined, Table.INGEST_QUARANTINE.id()).render());
    }
  }

  private void printRunLine(
      String cmd, RunContext pipelineRun, List<Map<String, Object>> done, Status status) {
    JobSummary all = new JobSummary(cmd, pipelineRun);
    all.count("stages", done);
    all.status(status);
    out.println(all.toJson());
  }

  private void print(JobSummary s) {
    out.println(s.toJson());
    out.flush();
  }
}
