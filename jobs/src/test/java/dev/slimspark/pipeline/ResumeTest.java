package dev.slimspark.pipeline;

import static dev.slimspark.Stages.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.Pipeline;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.StageRunner;
import dev.slimspark.lake.Lake;
import dev.slimspark.sample.SampleCorpusGenerator;
import dev.slimspark.testing.StdoutCapture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code run} resumes: a stage whose outputs are committed for this config and whose inputs are
 * unchanged is skipped ("up to date"); a stage whose output was replaced without a commit record
 * (what a killed driver leaves) is redone; changed input files redo everything downstream; another
 * config redoes everything.
 */
class ResumeTest {
  static final List<String> STAGES = List.of("ingest", "filter");

  record Result(int code, List<String> statuses) {}

  static Result run(SlimConfig c, boolean resume) {
    StdoutCapture out = new StdoutCapture();
    int code;
    try (out) {
      code =
          new StageRunner(System.out, System.err)
              .run(TestSpark.session(), c, STAGES, "run", resume);
    }
    return new Result(code, out.jobStatuses());
  }

  @Test
  void rerunSkipsCommittedStagesAndRedoesChangedOnes() throws IOException {
    Path sample = TestSpark.newDir("resume-sample");
    SampleCorpusGenerator.generate(SampleCorpusGenerator.Options.of(30, 1, 3), sample);
    Path lakeDir = TestSpark.newDir("resume-lake");
    String[] sets = {"lake=" + q(lakeDir), "ingest.input=[" + q(sample + "/*.jsonl*") + "]"};
    SlimConfig c = Stages.config(sets);
    Lake lake = new Lake(TestSpark.session(), lakeDir.toString());

    assertEquals(new Result(0, List.of("ingest=ok", "filter=ok", "run=ok")), run(c, true));
    long raw = lake.version("docs_raw");
    long filtered = lake.version("docs_filtered");
    long runs = lake.version("runs");

    // Unchanged: a no-op that writes nothing, not even to runs.
    assertEquals(
        new Result(0, List.of("ingest=up to date", "filter=up to date", "run=up to date")),
        run(c, true));
    assertEquals(raw, lake.version("docs_raw"));
    assertEquals(filtered, lake.version("docs_filtered"));
    assertEquals(runs, lake.version("runs"));

    // docs_filtered rewritten by a filter run that never recorded itself (its driver died before
    // the runs row): filter is redone, ingest is not.
    Pipeline.find("filter").run(new RunContext(TestSpark.session(), c));
    assertEquals(new Result(0, List.of("ingest=up to date", "filter=ok", "run=ok")), run(c, true));
    assertEquals(raw, lake.version("docs_raw"));

    // An input file changed: ingest is redone, and filter with it (its input has a new version).
    try (var files = Files.list(sample)) {
      Path shard =
          files
              .filter(p -> p.getFileName().toString().endsWith(".jsonl"))
              .findFirst()
              .orElseThrow();
      Files.writeString(
          shard,
          "{\"text\": \"one more document, appended later\"}\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);
    }
    assertEquals(new Result(0, List.of("ingest=ok", "filter=ok", "run=ok")), run(c, true));
    assertTrue(lake.version("docs_raw") > raw);

    // Another config (any key counts): nothing committed for it yet.
    SlimConfig other = Stages.config(sets[0], sets[1], "dedup.seed=7");
    assertEquals(new Result(0, List.of("ingest=ok", "filter=ok", "run=ok")), run(other, true));
  }
}
