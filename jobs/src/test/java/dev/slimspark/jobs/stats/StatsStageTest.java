package dev.slimspark.jobs.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.jobs.JobSummary;
import dev.slimspark.lake.Table;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * stats on the sample pipeline: the funnel reconciles and matches the stage summaries; histograms
 * sum up.
 */
class StatsStageTest {
  private static final Logger LOG = LoggerFactory.getLogger(StatsStageTest.class);

  @Test
  void funnelReconcilesAndEqualsTheStageSummaries() {
    SampleLake s = SampleLake.get();
    assertEquals(Boolean.TRUE, s.summaries.get("stats").extra().get("reconciled"));
    // The sample pipeline configures no eval sets: decontamination is reported as not run, with
    // no decon rows or zero columns pretending it looked.
    assertTrue(
        String.valueOf(s.summaries.get("stats").extra().get("decontaminate"))
            .startsWith("not run"));
    assertEquals(0, s.table(Table.STATS_FUNNEL.id()).where("step like 'decon%'").count());
    assertEquals(0, s.table(Table.STATS_RECONCILE.id()).where("decon_dropped is not null").count());
    List<Row> rows = s.table(Table.STATS_RECONCILE.id()).collectAsList();
    for (Row r : rows) {
      assertEquals(0L, r.getLong(r.fieldIndex("difference")), r.toString());
      assertTrue(r.getBoolean(r.fieldIndex("reconciled")), r.toString());
    }
    Row all = rows.stream().filter(r -> r.isNullAt(0)).findFirst().orElseThrow();
    long sumKept =
        rows.stream()
            .filter(r -> !r.isNullAt(0))
            .mapToLong(r -> r.getLong(r.fieldIndex("kept")))
            .sum();
    assertEquals(sumKept, all.getLong(all.fieldIndex("kept")));
    long outcomes = 0;
    for (String c :
        List.of(
            "blank_lines",
            "quarantined",
            "filtered_out",
            "exact_duplicates",
            "near_duplicates",
            "kept")) {
      outcomes += all.getLong(all.fieldIndex(c));
    }
    assertEquals(all.getLong(all.fieldIndex("input_lines")), outcomes);

    Map<String, Object> ingest = s.summaries.get("ingest").counts();
    Map<String, Object> filter = s.summaries.get("filter").counts();
    Map<String, Object> dedup = s.summaries.get("dedup").counts();
    assertEquals(ingest.get("lines_read"), all.getLong(all.fieldIndex("input_lines")));
    assertEquals(ingest.get("blank"), all.getLong(all.fieldIndex("blank_lines")));
    assertEquals(ingest.get("quarantined"), all.getLong(all.fieldIndex("quarantined")));
    assertEquals(filter.get("dropped"), all.getLong(all.fieldIndex("filtered_out")));
    assertEquals(dedup.get("exact_removed"), all.getLong(all.fieldIndex("exact_duplicates")));
    assertEquals(dedup.get("near_removed"), all.getLong(all.fieldIndex("near_duplicates")));
    assertEquals(dedup.get("kept"), all.getLong(all.fieldIndex("kept")));

    // Per reason: the funnel's quarantine and filter breakdowns equal the summaries'.
    assertEquals(ingest.get("quarantined_by_reason"), byReason(s, "quarantined"));
    assertEquals(filter.get("dropped_by_reason"), byReason(s, "filtered"));
  }

  private static Map<String, Object> byReason(SampleLake s, String step) {
    Map<String, Object> m = new java.util.TreeMap<>();
    for (Row r :
        s.table(Table.STATS_FUNNEL.id())
            .where("step = '" + step + "'")
            .groupBy("reason")
            .sum("documents")
            .collectAsList()) {
      m.put(r.getString(0), r.getLong(1));
    }
    return m;
  }

  @Test
  void histogramsSumToDocumentCounts() {
    SampleLake s = SampleLake.get();
    Map<String, Long> docs = new HashMap<>();
    for (Row r : s.table(Table.STATS_SOURCES.id()).where("source is not null").collectAsList()) {
      docs.put(r.getString(0) + "/" + r.getString(1), r.getLong(r.fieldIndex("documents")));
    }
    List<Row> sums =
        s.table(Table.STATS_HISTOGRAMS.id())
            .groupBy("stage", "source", "metric")
            .sum("documents")
            .collectAsList();
    assertTrue(sums.size() >= docs.size() * 3, sums.size() + " histograms");
    for (Row r : sums) {
      assertEquals(docs.get(r.getString(0) + "/" + r.getString(1)), r.getLong(3), r.toString());
    }
    // The all-sources rows equal the stage counts.
    JobSummary dedup = s.summaries.get("dedup");
    Row kept =
        s.table(Table.STATS_SOURCES.id())
            .where("source is null and stage = 'kept_by_dedup'")
            .head();
    assertEquals(dedup.counts().get("kept"), kept.getLong(kept.fieldIndex("documents")));
    Row ingested =
        s.table(Table.STATS_SOURCES.id()).where("source is null and stage = 'ingested'").head();
    assertEquals(
        s.summaries.get("ingest").counts().get("docs"),
        ingested.getLong(ingested.fieldIndex("documents")));
    // Percentiles are ordered.
    for (Row r : s.table(Table.STATS_SOURCES.id()).collectAsList()) {
      long p50 = r.getLong(r.fieldIndex("bytes_p50"));
      long p99 = r.getLong(r.fieldIndex("bytes_p99"));
      assertTrue(
          p50 <= r.getLong(r.fieldIndex("bytes_p90"))
              && r.getLong(r.fieldIndex("bytes_p90")) <= p99
              && p99 <= r.getLong(r.fieldIndex("bytes_max")),
          r.toString());
    }
  }

  @Test
  void duplicateClustersAreSummarized() {
    SampleLake s = SampleLake.get();
    long members = s.table("dup_clusters").count();
    Row sizes =
        s.table(Table.STATS_DUP_CLUSTER_SIZES.id())
            .selectExpr("sum(documents)", "sum(clusters)", "sum(removed)")
            .head();
    assertEquals(members, sizes.getLong(0));
    assertEquals(s.table("dup_clusters").select("cluster_id").distinct().count(), sizes.getLong(1));
    assertEquals(s.table("dup_clusters").where("not kept").count(), sizes.getLong(2));
    List<Row> top = s.table(Table.STATS_DUP_TOP_CLUSTERS.id()).orderBy("rank").collectAsList();
    assertTrue(!top.isEmpty());
    assertEquals(1, top.get(0).getInt(0));
    for (Row r : top) {
      assertTrue(!r.isNullAt(r.fieldIndex("example_text_prefix")), r.toString());
    }
    Map<String, Long> wall = s.wallMs;
    long pipeline =
        wall.entrySet().stream()
            .filter(e -> !e.getKey().equals("stats"))
            .mapToLong(Map.Entry::getValue)
            .sum();
    LOG.info(
        "stats took {} ms vs {} ms for ingest+filter+dedup (ratio {}); per stage {}",
        wall.get("stats"),
        pipeline,
        String.format("%.2f", (double) wall.get("stats") / pipeline),
        wall);
  }
}
