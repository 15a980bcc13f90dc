package dev.slimspark.jobs;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimspark.errors.UserError;
import dev.slimspark.io.InputFiles;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a stage of {@code run} can be skipped: the {@code runs} table holds a row of that stage
 * with status ok and this config's hash, every input is in the state that row recorded (lake tables
 * at the same Delta version, input files with the same paths, sizes and modification times), and
 * every output is still at the version that run committed. A run whose driver died has no row (the
 * row is appended after the stage's last commit), so its stage is redone; a stage whose input
 * changed gets new output versions, so everything downstream is redone too.
 */
public final class Resume {
  private static final Logger LOG = LoggerFactory.getLogger(Resume.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The committed run a skipped stage stands on. */
  public record Committed(String runId, List<Map<String, Object>> outputs) {}

  private final RunContext ctx;
  private final Map<String, Row> latest = new HashMap<>();

  private Resume(RunContext ctx) {
    this.ctx = ctx;
  }

  /** Loads the latest committed (status ok) run of each stage for the context's config hash. */
  public static Resume load(RunContext ctx) {
    Resume r = new Resume(ctx);
    Lake lake = ctx.lake();
    if (!lake.exists(Table.RUNS)) {
      return r;
    }
    var runs = lake.read(Table.RUNS);
    if (!List.of(runs.columns()).contains("input_state_json")) {
      return r; // a lake from before resume existed: nothing is known to be up to date
    }
    for (Row row :
        runs.where(
                col("config_hash")
                    .equalTo(ctx.configHash())
                    .and(col("status").isin(Status.OK.json(), Status.SKIPPED.json())))
            .select("job", "run_id", "ended_at", "outputs_json", "input_state_json")
            .collectAsList()) {
      Row old = r.latest.get(row.getString(0));
      if (old == null || row.getTimestamp(2).after(old.getTimestamp(2))) {
        r.latest.put(row.getString(0), row);
      }
    }
    return r;
  }

  /** The committed run that makes {@code job} up to date, or null when it must run. */
  public Committed upToDate(String job) {
    Row row = latest.get(job);
    if (row == null || row.isNullAt(4)) {
      LOG.info("{}: no committed run for config {}", job, ctx.configHash());
      return null;
    }
    try {
      Map<String, String> recorded =
          JSON.readValue(row.getString(4), new TypeReference<LinkedHashMap<String, String>>() {});
      Map<String, String> now = inputState(ctx, new ArrayList<>(recorded.keySet()));
      if (!now.equals(recorded)) {
        LOG.info("{}: inputs changed since run {}: {} -> {}", job, row.getString(1), recorded, now);
        return null;
      }
      List<Map<String, Object>> outputs =
          JSON.readValue(row.getString(3), new TypeReference<List<Map<String, Object>>>() {});
      for (Map<String, Object> o : outputs) {
        String path = (String) o.get("path");
        long version = ((Number) o.get("version")).longValue();
        boolean same = version >= 0 ? Lake.versionAt(ctx.spark(), path) == version : exists(path);
        if (!same) {
          LOG.info("{}: output {} changed since run {}", job, path, row.getString(1));
          return null;
        }
      }
      return new Committed(row.getString(1), outputs);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable runs row " + row.getString(1), e);
    }
  }

  /** The summary line of a skipped stage: status "up to date", the outputs of the run it reuses. */
  public static JobSummary skipped(String job, RunContext ctx, Committed c) {
    JobSummary s =
        new JobSummary(job, ctx).status(Status.UP_TO_DATE).put("committed_run_id", c.runId());
    for (Map<String, Object> o : c.outputs()) {
      s.output(
          (String) o.get("table"), (String) o.get("path"), ((Number) o.get("version")).longValue());
    }
    return s;
  }

  /**
   * The state of each input: {@code delta-vN} for a table of the lake (absent: {@code absent}),
   * {@code files-SHA} over the listed files' paths, sizes and modification times for anything else
   * (the ingest patterns), {@code no-files} when a pattern matches nothing.
   */
  public static Map<String, String> inputState(RunContext ctx, List<String> inputs) {
    Map<String, String> out = new LinkedHashMap<>();
    String tables = ctx.lake().root() + "/";
    for (String in : inputs) {
      if (in.startsWith(tables)) {
        long v = Lake.versionAt(ctx.spark(), in);
        out.put(in, v < 0 ? "absent" : "delta-v" + v);
      } else {
        out.put(in, filesState(ctx, in));
      }
    }
    return out;
  }

  private static String filesState(RunContext ctx, String pattern) {
    List<InputFiles.Entry> files;
    try {
      files = InputFiles.expand(List.of(pattern), ctx.spark().sparkContext().hadoopConfiguration());
    } catch (UserError e) {
      return "no-files";
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (InputFiles.Entry f : files) {
        sha.update(
            (f.path + "\t" + f.size + "\t" + f.modified + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return "files-" + HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private boolean exists(String path) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(ctx.spark().sparkContext().hadoopConfiguration()).exists(p);
    } catch (IOException e) {
      return false;
    }
  }
}
