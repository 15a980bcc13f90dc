package dev.slimspark.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a job reports when it ends: printed as one JSON line on stdout and recorded in the {@code
 * runs} table. Counts are nested maps of numbers so that runs reconcile (every input line lands in
 * exactly one outcome).
 */
public final class JobSummary {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String job;
  private final RunContext run;
  private final List<String> inputs = new ArrayList<>();
  private final Map<String, Object> counts = new LinkedHashMap<>();
  private final List<Map<String, Object>> outputs = new ArrayList<>();
  private final Map<String, Object> extra = new LinkedHashMap<>();
  private final Map<String, String> inputState = new LinkedHashMap<>();
  private Status status = Status.OK;
  private dev.slimspark.errors.UserError checkFailure;

  public JobSummary(String job, RunContext run) {
    this.job = job;
    this.run = run;
  }

  public String job() {
    return job;
  }

  public JobSummary input(String in) {
    inputs.add(in);
    return this;
  }

  public List<String> inputs() {
    return inputs;
  }

  /** The state of each input when the run committed (see {@link Resume#inputState}). */
  public JobSummary inputState(Map<String, String> state) {
    inputState.clear();
    inputState.putAll(state);
    return this;
  }

  public Map<String, String> inputState() {
    return inputState;
  }

  /** Sets a count; nested maps are allowed for breakdowns (per reason, per source). */
  public JobSummary count(String name, Object value) {
    counts.put(name, value);
    return this;
  }

  public Map<String, Object> counts() {
    return counts;
  }

  public JobSummary output(String table, String path, long version) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("table", table);
    o.put("path", path);
    o.put("version", version);
    outputs.add(o);
    return this;
  }

  public List<Map<String, Object>> outputs() {
    return outputs;
  }

  /** Any further top-level field (e.g. chosen LSH parameters, reconciliation checks). */
  public JobSummary put(String key, Object value) {
    extra.put(key, value);
    return this;
  }

  public Map<String, Object> extra() {
    return extra;
  }

  /** Sets how the job ended (it starts {@link Status#OK}). */
  public JobSummary status(Status s) {
    this.status = s;
    return this;
  }

  public Status status() {
    return status;
  }

  /** Whether the job ended {@link Status#OK} (or {@link Status#SKIPPED}: nothing to do). */
  public boolean ok() {
    return status == Status.OK || status == Status.SKIPPED;
  }

  /**
   * Marks the job as having run but failed a check ({@link Status#CHECK_FAILED}, exit 3): the CLI
   * prints {@code why} as problem/cause/fix, and the summary line carries it as {@code check}.
   */
  public JobSummary failCheck(dev.slimspark.errors.UserError why) {
    this.status = Status.CHECK_FAILED;
    this.checkFailure = why;
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("problem", why.problem());
    c.put("cause", why.why());
    c.put("fix", why.fix());
    extra.put("check", c);
    return this;
  }

  /** The failed check's problem/cause/fix, or null. */
  public dev.slimspark.errors.UserError checkFailure() {
    return checkFailure;
  }

  public RunContext run() {
    return run;
  }

  /** The summary as an ordered map (what the JSON line holds). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("job", job);
    m.put("run_id", run.runId());
    m.put("status", status.json());
    m.put("inputs", inputs);
    if (!inputState.isEmpty()) {
      m.put("input_state", inputState);
    }
    m.put("counts", counts);
    m.put("outputs", outputs);
    m.putAll(extra);
    if (run.config() != null && !run.config().warnings().isEmpty()) {
      m.put("config_warnings", run.config().warnings());
    }
    m.put("wall_ms", run.elapsedMs());
    m.put("config_hash", run.configHash());
    m.put("code_version", run.codeVersion());
    return m;
  }

  public String toJson() {
    return toJson(toMap());
  }

  public static String toJson(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
