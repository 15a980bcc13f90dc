package dev.slimspark.jobs.stats;

import static dev.slimspark.Stages.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import dev.slimspark.report.Fmt;
import dev.slimspark.report.Report;
import dev.slimspark.sample.ContaminationPlanter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * A small planted corpus through ingest, filter, dedup, decontaminate, stats and the report: the
 * per-eval-set numbers in stats_decon and in the HTML equal the stage's, and the funnel with its
 * decontamination step reconciles.
 */
class StatsDeconTest {
  @Test
  void decontaminationIsInTheStatsTablesAndTheReport() throws Exception {
    ContaminationPlanter.Corpus c = ContaminationPlanter.generate(120, 40, 18L);
    Path in = TestSpark.newDir("stats-decon-in");
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new ArrayList<>();
    for (String t : c.planted()) {
      lines.add(
          json.writeValueAsString(
              Map.of("text", t, "meta", Map.of("redpajama_set_name", "RedPajamaCommonCrawl"))));
    }
    Files.write(in.resolve("part-0.jsonl"), lines, StandardCharsets.UTF_8);
    Path set = in.resolve("planted.txt");
    Files.write(set, c.items(), StandardCharsets.UTF_8);
    Path lake = TestSpark.newDir("stats-decon-lake");
    SlimConfig config =
        Stages.config(
            "lake=" + q(lake),
            "ingest.input=[" + q(in + "/*.jsonl") + "]",
            "stats.linguistic.sample_docs_per_source=0",
            // A document holding two separate matches is dropped, one with one match is cut.
            "decontaminate.max_cuts=1",
            "decontaminate.eval_sets=[{name = planted, path = " + q(set) + ", format = text}]");
    JobSummary decon = null;
    JobSummary stats = null;
    for (String stage : List.of("ingest", "filter", "dedup", "decontaminate", "stats")) {
      JobSummary s = Stages.run(stage, config);
      assertTrue(s.ok(), s.toJson());
      decon = stage.equals("decontaminate") ? s : decon;
      stats = s;
    }
    assertEquals(Boolean.TRUE, stats.extra().get("reconciled"), stats.toJson());
    assertEquals("present", stats.extra().get("decontaminate"), stats.toJson());
    @SuppressWarnings("unchecked")
    Map<String, Object> expected =
        ((Map<String, Map<String, Object>>) decon.counts().get("by_eval_set")).get("planted");

    Row r = table(lake, Table.STATS_DECON).head();
    assertEquals(1, table(lake, Table.STATS_DECON).count());
    assertEquals("planted", r.getString(r.fieldIndex("eval_set")));
    assertEquals(40L, r.getLong(r.fieldIndex("items")));
    long found = r.getLong(r.fieldIndex("items_found"));
    assertEquals(expected.get("items_found"), found);
    assertTrue(found > 20, "most planted items survive filter and dedup: " + found);
    long checked = 40L - r.getLong(r.fieldIndex("items_too_short"));
    double rate = r.getDouble(r.fieldIndex("contamination_rate"));
    assertEquals((double) found / checked, rate, 1e-9);
    assertEquals(expected.get("docs_dropped"), r.getLong(r.fieldIndex("docs_dropped")));
    assertEquals(expected.get("docs_cut"), r.getLong(r.fieldIndex("docs_cut")));
    assertEquals(decon.counts().get("hits"), r.getLong(r.fieldIndex("hits")));

    Row all = table(lake, Table.STATS_RECONCILE).where("source is null").head();
    assertEquals(0L, all.getLong(all.fieldIndex("difference")));
    assertEquals(decon.counts().get("docs_dropped"), all.getLong(all.fieldIndex("decon_dropped")));
    assertEquals(decon.counts().get("docs_cut"), all.getLong(all.fieldIndex("decon_cut")));
    assertEquals(decon.counts().get("docs_out"), all.getLong(all.fieldIndex("kept")));
    assertTrue(all.getLong(all.fieldIndex("decon_removed_bytes")) > 0);
    // The funnel's dropped step is split by reason, as the stage counted them.
    Map<String, Long> byReason = new java.util.TreeMap<>();
    for (Row f :
        table(lake, Table.STATS_FUNNEL)
            .where("step = 'decon_dropped'")
            .groupBy("reason")
            .sum("documents")
            .collectAsList()) {
      byReason.put(f.getString(0), f.getLong(1));
    }
    assertEquals(decon.counts().get("docs_dropped_by_reason"), byReason, decon.toJson());
    assertTrue(byReason.containsKey("too_many_cuts"), byReason.toString());

    Path html = TestSpark.newDir("stats-decon-report").resolve("report.html");
    Report.write(new Lake(TestSpark.session(), lake.toString()), html);
    String page = Files.readString(html);
    assertTrue(page.contains("<h2>Decontamination</h2>"), "section");
    assertTrue(page.contains("data-from-table=\"stats_decon\""), "per-set table");
    assertTrue(page.contains("<td class=\"t\">planted</td><td title=\"40\">40</td>"), "items");
    assertTrue(page.contains("<td title=\"" + found + "\">" + found + "</td>"), "items found");
    assertTrue(page.contains(">" + Fmt.pct(rate) + "</td>"), "rate " + Fmt.pct(rate));
    assertTrue(page.contains("dropped by decontamination"), "funnel bar");
    assertTrue(page.contains("id=\"chart-decon-dropped-reasons\""), "reasons chart");
  }

  private static org.apache.spark.sql.Dataset<Row> table(Path lake, Table t) {
    return TestSpark.session().read().format("delta").load(lake.resolve(t.id()).toString());
  }
}
