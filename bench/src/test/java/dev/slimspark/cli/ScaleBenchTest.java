package dev.slimspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimspark.testing.StdoutCapture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code bench scale}'s arithmetic without Spark: task metrics summed per pipeline stage, median
 * and slowest task, the skew of the heaviest Spark stage, the tables across sizes (ratios to the
 * smallest size, the fitted cost per GB), and its argument errors (exit 2). The bench itself is run
 * by hand (BENCHMARKS.md, "Scale series"): one size costs minutes.
 */
class ScaleBenchTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void medianAndSlowestTaskAndTheWorstHeavySparkStage() {
    StageMetrics m = new StageMetrics();
    // A one-task Delta log read: light, never judged for skew.
    m.record("0.0", "delta log", 50, 40, 30_000_000L, 0, 0, 0, 0, 0, -1);
    // The wide stage: four tasks of 1 s and one of 9 s (ratio 9 / 1).
    for (long d : new long[] {1000, 1000, 9000, 1000, 1000}) {
      m.record(
          "1.0",
          "map at Filter",
          d,
          d,
          d * 500_000L,
          d / 10,
          1 << 20,
          2 << 20,
          0,
          4096,
          300L << 20);
    }
    // A second heavy stage, even: ratio 1.
    m.record("2.0", "save", 2000, 2000, 1_000_000_000L, 0, 0, 0, 4096, 0, 500L << 20);
    m.record("2.0", "save", 2000, 2000, 1_000_000_000L, 0, 0, 0, 4096, 0, 200L << 20);
    Map<String, Object> s = m.snapshot();
    assertEquals(8, s.get("tasks"));
    assertEquals(3, s.get("spark_stages"));
    assertEquals(17.04, (Double) s.get("run_core_s"), 1e-9);
    assertEquals(8.53, (Double) s.get("cpu_core_s"), 1e-9);
    assertEquals(9.0, s.get("slowest_task_s"));
    // Sorted: 50, 1000 x 4, 2000, 2000, 9000 -> mean of the 4th and 5th.
    assertEquals(1.0, s.get("median_task_s"));
    assertEquals(StageMetrics.round(1300.0 / 17040), s.get("gc_share"));
    assertEquals(5L << 20, s.get("spill_memory_bytes"));
    assertEquals(10L << 20, s.get("spill_disk_bytes"));
    assertEquals(8192L, s.get("shuffle_read_bytes"));
    assertEquals(5L * 4096, s.get("shuffle_write_bytes"));
    assertEquals(500L, s.get("executor_peak_heap_mb"));
    @SuppressWarnings("unchecked")
    Map<String, Object> w = (Map<String, Object>) s.get("worst_spark_stage");
    assertEquals("map at Filter", w.get("name"));
    assertEquals(9.0, w.get("slowest_over_median"));
    assertEquals(5, w.get("tasks"));

    m.reset();
    Map<String, Object> empty = m.snapshot();
    assertEquals(0, empty.get("tasks"));
    assertNull(empty.get("executor_peak_heap_mb"));
    assertNull(empty.get("worst_spark_stage"));
    assertEquals(0.0, StageMetrics.median(List.of()));
    assertEquals(2.0, StageMetrics.median(List.of(3L, 1L, 2L)));
  }

  @Test
  void seriesTableGivesRatiosToTheSmallestSizeAndTheFittedSlope() throws Exception {
    // dedup: 10 fixed core-s + 20 core-s/GB; the ratio falls as the fixed part is spread.
    JsonNode a = JSON.readTree(result("1g", 1.0, 30.0, 500, 400));
    JsonNode b = JSON.readTree(result("2g", 2.0, 50.0, 600, 420));
    JsonNode c = JSON.readTree(result("4g", 4.0, 90.0, 550, 500));
    double[] f =
        ScaleTables.fit(List.of(new double[] {1, 30}, new double[] {2, 50}, new double[] {4, 90}));
    assertEquals(10.0, f[0], 1e-9);
    assertEquals(20.0, f[1], 1e-9);
    assertNull(ScaleTables.fit(List.of(new double[] {1, 30})));
    assertNull(ScaleTables.fit(List.of(new double[] {1, 30}, new double[] {1, 31})));

    String t = ScaleTables.seriesTable(List.of(a, b, c));
    assertTrue(
        t.contains("| dedup | 30.00 (1.00) | 25.00 (0.83) | 22.50 (0.75) | 10.0 | 20.00 |"), t);
    assertTrue(t.contains("| peak heap used MB | 500 (1.00) | 600 (1.20) | 550 (1.10) |"), t);
    assertTrue(t.contains("| peak heap after GC MB | 400 (1.00) | 420 (1.05) | 500 (1.25) |"), t);

    // A failed size shows its status and leaves the fit to the others.
    JsonNode failed =
        JSON.readTree(
            "{\"size\":\"8g\",\"status\":\"failed (exit 52, OutOfMemoryError)\",\"stages\":[]}");
    String t2 = ScaleTables.seriesTable(List.of(a, b, failed));
    assertTrue(
        t2.contains(
            "| dedup | 30.00 (1.00) | 25.00 (0.83) | failed (exit 52, OutOfMemoryError) | 10.0 | 20.00 |"),
        t2);
    assertTrue(t2.contains("| peak heap used MB | 500 (1.00) | 600 (1.20) | - |"), t2);

    String size = ScaleTables.sizeTable(a);
    assertTrue(size.contains("| dedup | 12.0 | 1.000 | 30.0 |"), size);
    assertTrue(size.contains("| boilerplate | 1000 | 990 | 985 | 2 | 0.9949 |"), size);
    assertTrue(
        size.contains("| skew-large-1.jsonl.zst:7 | 4000000 | 900000 | 0.500 | 8000000 |"), size);
    assertTrue(size.contains("docs_dedup: 7 rows, content hash xor ab sum 123"), size);
  }

  private static String result(String size, double gb, double coreS, long heap, long afterGc) {
    return "{\"size\":\""
        + size
        + "\",\"status\":\"ok\",\"corpus_gb\":"
        + gb
        + ",\"heap\":\"1g\",\"cores\":2,"
        + "\"stages\":[{\"stage\":\"dedup\",\"status\":\"ok\",\"wall_s\":12.0,\"input_gb\":"
        + gb
        + ",\"run_core_s\":"
        + coreS
        + ",\"cpu_core_s\":1.0,\"core_s_per_gb\":"
        + coreS / gb
        + ",\"heap_peak_mb\":"
        + heap
        + ",\"heap_after_gc_peak_mb\":"
        + afterGc
        + ",\"output_rows\":7}],"
        + "\"recall\":[{\"family\":\"boilerplate\",\"members\":1000,\"kept_by_filter\":990,\"largest_cluster\":985,"
        + "\"unclustered\":2,\"recall\":0.9949}],"
        + "\"big_docs_tokenizer\":[{\"doc\":\"skew-large-1.jsonl.zst:7\",\"chars\":4000000,\"tokens\":900000,\"encode_s\":0.5,\"chars_per_s\":8000000}],"
        + "\"output_hashes\":{\"docs_dedup\":{\"rows\":7,\"xor\":\"ab\",\"sum\":\"123\"}}}";
  }

  @Test
  void badArgumentsAreUserErrors() {
    for (String[] args :
        List.of(
            new String[] {"bench", "scale", "--heap", "lots"},
            new String[] {"bench", "scale", "--heap", "256m"},
            new String[] {"bench", "scale", "--sizes", "1g,10k"},
            new String[] {"bench", "scale", "--sizes", "1x"},
            new String[] {"bench", "scale", "--sizes", ","},
            new String[] {"bench", "scale", "--tokenizer", "/nonexistent/llama2"},
            new String[] {"bench", "scale", "--bogus", "1"})) {
      try (StdoutCapture c = new StdoutCapture()) {
        assertEquals(2, Main.run(args), String.join(" ", args));
        assertTrue(
            c.stderr().contains("fix")
                || c.stderr().contains("Fix")
                || c.stderr().contains("Run with --help"),
            c.stderr());
        assertEquals("", c.stdout());
      }
    }
  }
}
