package dev.slimspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.TestSpark;
import dev.slimspark.jobs.JobSummary;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the whole {@code bench dedup} code path at tiny scale (300 docs, scales 1 and 2) on the
 * shared test session and checks the JSON fields and that the values are sane. Timings are not
 * asserted (meaningless at this size).
 */
/**
 * Exercises the dedup benchmark's code path at tiny scale. Tagged "bench": it runs MLlib, GraphX
 * and our pipeline several times (minutes of fixed Spark overhead), so the default build skips it;
 * run it with {@code ./mvnw -pl bench -am verify -Dslimspark.test.excludedGroups=
 * -Dtest=DedupBenchTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@org.junit.jupiter.api.Tag("bench")
class DedupBenchTest {
  private static final Logger LOG = LoggerFactory.getLogger(DedupBenchTest.class);

  @Test
  @SuppressWarnings("unchecked")
  void tinyBenchHasExpectedFields() throws Exception {
    DedupBench.Settings s = new DedupBench.Settings();
    s.docs = 300;
    s.scales = List.of(1, 2);
    s.out = TestSpark.newDir("bench-dedup");
    s.warmup = false;
    s.plantRate = 0.3; // enough planted pairs in 300 docs to test recall
    Map<String, Object> r = DedupBench.measure(TestSpark.session(), s);
    LOG.info("bench dedup (tiny): {}", JobSummary.toJson(r));

    for (String k :
        List.of(
            "cores",
            "base_docs",
            "base_mb",
            "planted_pairs",
            "vs_mllib",
            "exact",
            "signatures",
            "scaling",
            "fit_intercept_s",
            "fit_s_per_mb",
            "time_ratio_last_over_first",
            "end_to_end_mb_per_s_per_core",
            "slimpajama_mb_per_s_per_core",
            "ratio_vs_slimpajama")) {
      assertTrue(r.containsKey(k), "missing field " + k);
    }
    Map<String, Object> vs = (Map<String, Object>) r.get("vs_mllib");
    int should = num(vs, "should_find").intValue();
    int shouldHi = num(vs, "should_find_hi").intValue();
    assertTrue(should > 0 && shouldHi > 0, "no planted pair above the threshold: " + vs);
    for (String k : List.of("ours_recall", "ours_recall_hi", "mllib_recall", "mllib_recall_hi")) {
      double v = num(vs, k).doubleValue();
      assertTrue(v >= 0 && v <= 1, k + " out of [0,1]: " + v);
    }
    // Every planted pair with Jaccard >= t + 0.1 is found (deterministic for a fixed seed).
    assertEquals(shouldHi, num(vs, "ours_found_hi").intValue(), vs.toString());
    assertTrue(num(vs, "ours_found").intValue() >= shouldHi, vs.toString());
    assertTrue(num(vs, "mllib_pairs").longValue() > 0, vs.toString());
    assertTrue(num(vs, "ours_s").doubleValue() > 0 && num(vs, "mllib_join_s").doubleValue() > 0);

    Map<String, Object> ex = (Map<String, Object>) r.get("exact");
    // as-is hashing removes exactly what dropDuplicates removes; slimpajama at least as much.
    assertEquals(
        num(ex, "drop_duplicates_removed").longValue(), num(ex, "ours_as_is_removed").longValue());
    assertTrue(
        num(ex, "ours_slimpajama_removed").longValue()
            >= num(ex, "ours_as_is_removed").longValue());

    Map<String, Object> sig = (Map<String, Object>) r.get("signatures");
    for (String k : List.of("word5", "char13")) {
      Map<String, Object> m = (Map<String, Object>) sig.get(k);
      assertTrue(num(m, "spark_mb_per_s_per_core_cpu").doubleValue() > 0, k + ": " + m);
      assertTrue(num(m, "loop_mb_per_s").doubleValue() > 0, k + ": " + m);
    }

    List<Map<String, Object>> scaling = (List<Map<String, Object>>) r.get("scaling");
    assertEquals(2, scaling.size());
    assertTrue(num(scaling.get(1), "docs").longValue() > num(scaling.get(0), "docs").longValue());
    for (Map<String, Object> p : scaling) {
      assertTrue(
          num(p, "s").doubleValue() > 0 && num(p, "peak_heap_mb").longValue() > 0, p.toString());
    }
  }

  @Test
  void fitRecoversALine() {
    double[] ab =
        DedupBench.fit(
            List.of(
                Map.of("mb", 1.0, "s", 3.0),
                Map.of("mb", 2.0, "s", 5.0),
                Map.of("mb", 4.0, "s", 9.0)));
    assertEquals(1.0, ab[0], 1e-9);
    assertEquals(2.0, ab[1], 1e-9);
  }

  private static Number num(Map<String, Object> m, String k) {
    assertTrue(m.containsKey(k), "missing field " + k + " in " + m);
    return (Number) m.get(k);
  }
}
