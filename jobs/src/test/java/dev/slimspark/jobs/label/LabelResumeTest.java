package dev.slimspark.jobs.label;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.map_entries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.Status;
import dev.slimspark.lake.Table;
import dev.slimspark.testing.ChildProcesses;
import dev.slimspark.testing.SameRows;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Kill-and-rerun: a {@code label} job in a child JVM is killed (SIGKILL) after its first commits to
 * {@code labels}; the same command run again labels only what is missing. Afterwards every
 * (document, labeler) has exactly one row and the labels equal an uninterrupted run's. Encoding
 * runs with batch size 1 so an embedding does not depend on which texts share its batch (int8
 * encoders vary ~1e-2 with batch composition), making the comparison exact.
 */
class LabelResumeTest {
  /**
   * 90 sentences + 1 blank document in commits of ~30: 4 commits per labeler, 8 in all. The test
   * takes about a minute on an idle 2-core machine; the waits are generous because a child JVM
   * niced on a machine saturated by other work has been seen to need 10 minutes for its first
   * commit.
   */
  static final int COMMIT_EVERY = 30;

  @Test
  void killedLabelJobResumesAndLabelsEachRowExactlyOnce() throws Exception {
    Path dir = TestSpark.newDir("label-resume");
    Path pool = Path.of("src/main/resources/label/finance_sentences.csv").toAbsolutePath();
    Path docs = dir.resolve("docs.csv");
    List<String> lines = Files.readAllLines(pool, StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>(List.of(lines.get(0)));
    for (String l : lines.subList(1, lines.size())) {
      out.add(
          l.replaceFirst(
              "^fs-", "doc-")); // Other ids than the pool's: a document's own text is its nearest
      // neighbour.
    }
    out.add("blank-1,\"  \",neutral"); // An error row is a row too: written once.
    Files.write(docs, out, StandardCharsets.UTF_8);
    long total = out.size() - 1;

    Path killedLake = dir.resolve("lake-killed");
    List<String> sets =
        List.of(
            "label.input=" + Stages.q(docs),
            "label.batch_size=1",
            "label.commit_every_rows=" + COMMIT_EVERY,
            "label.labelers=[{type = \"knn-vote\", k = 5, pool = "
                + Stages.q(pool)
                + "}, "
                + "{type = \"knn-vote\", k = 1, pool = "
                + Stages.q(pool)
                + "}]");
    Path commit0 = killedLake.resolve("labels/_delta_log/00000000000000000000.json");

    Path log1 = dir.resolve("label-1.log");
    Process first = start(killedLake, sets, log1);
    try {
      ChildProcesses.await(
          "first labels commit",
          () -> Files.exists(commit0),
          Duration.ofSeconds(1800),
          first,
          log1);
      first.destroyForcibly();
      assertTrue(first.waitFor(30, TimeUnit.SECONDS));
    } finally {
      ChildProcesses.stop(first);
    }
    long afterKill = labels(killedLake).count();
    List<Row> killedRun = labels(killedLake).select("run_id").distinct().collectAsList();
    assertEquals(1, killedRun.size());
    assertTrue(
        afterKill > 0 && afterKill < 2 * total,
        "killed mid-way: " + afterKill + " of " + 2 * total + " rows");

    Path log2 = dir.resolve("label-2.log");
    Process second = start(killedLake, sets, log2);
    try {
      assertTrue(
          second.waitFor(1800, TimeUnit.SECONDS),
          "rerun did not finish\n" + ChildProcesses.tail(log2));
    } finally {
      ChildProcesses.stop(second);
    }
    assertEquals(0, second.exitValue(), ChildProcesses.tail(log2));
    String summary =
        Files.readAllLines(log2, StandardCharsets.UTF_8).stream()
            .filter(l -> l.startsWith("{") && l.contains("\"job\":\"label\""))
            .reduce((a, b) -> b)
            .orElseThrow();
    assertTrue(summary.contains("\"reconciled\":true"), summary);

    Dataset<Row> resumed = labels(killedLake);
    assertEquals(2 * total, resumed.count());
    assertEquals(
        0,
        resumed.groupBy("doc_id", "labeler_id").count().filter("count != 1").count(),
        "each row labeled once");
    assertEquals(
        afterKill,
        resumed.filter(col("run_id").equalTo(killedRun.get(0).getString(0))).count(),
        "the killed run's committed rows are kept, none relabeled");
    assertEquals(2, resumed.select("run_id").distinct().count());

    // The same command, never interrupted, in this JVM.
    Path cleanLake = dir.resolve("lake-clean");
    List<String> cleanSets = new ArrayList<>(sets);
    cleanSets.add("lake=" + Stages.q(cleanLake));
    JobSummary clean =
        LabelStagesTest.run(new LabelStage(), Stages.config(cleanSets.toArray(new String[0])));
    assertEquals(Status.OK, clean.status());
    SameRows.assertSameRows(
        comparable(resumed), comparable(labels(cleanLake)), "labels", "killed and resumed");
  }

  private static Process start(Path lake, List<String> sets, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ChildProcesses.java());
    cmd.addAll(Arrays.asList(System.getProperty("slimspark.java.opens", "").split("\\s+")));
    cmd.removeIf(String::isBlank);
    cmd.addAll(
        List.of(
            "-Xmx1g",
            "-Dspark.master=local[2]",
            "-Dspark.ui.enabled=false",
            "-Dspark.driver.host=127.0.0.1",
            "-cp",
            String.join(File.pathSeparator, ChildProcesses.classPath()),
            "dev.slimspark.cli.Main",
            "label",
            "--set",
            "lake=" + Stages.q(lake),
            "--set",
            "spark.sql.shuffle.partitions=4"));
    for (String s : sets) {
      cmd.add("--set");
      cmd.add(s);
    }
    return ChildProcesses.start(cmd, Map.of(), log);
  }

  private static Dataset<Row> labels(Path lake) {
    return TestSpark.session()
        .read()
        .format("delta")
        .load(lake.resolve(Table.LABELS.id()).toString());
  }

  /** Everything a labeler decided (maps sorted: set operations refuse map columns). */
  private static Dataset<Row> comparable(Dataset<Row> labels) {
    return labels.select(
        col("doc_id"),
        col("labeler_id"),
        col("label"),
        array_sort(map_entries(col("scores"))).as("scores"),
        col("demo_ids"),
        col("tokens_processed"),
        col("truncated"),
        col("error"));
  }
}
