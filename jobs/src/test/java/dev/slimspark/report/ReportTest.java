package dev.slimspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimspark.jobs.stats.SampleLake;
import dev.slimspark.lake.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The report of the sample pipeline: every chart present, nothing external, JSON twin = stats
 * tables.
 */
class ReportTest {
  /** Charts the report always has (per-source histograms and optional sections come on top). */
  static final List<String> FIXED_CHARTS =
      List.of(
          "chart-funnel",
          "chart-quarantine-reasons",
          "chart-filter-rules",
          "chart-kept-by-source",
          "chart-kept-bytes-by-source",
          "chart-bytes-ingested",
          "chart-bytes-kept_by_dedup",
          "chart-words-kept_by_dedup",
          "chart-languages",
          "chart-cluster-sizes",
          "chart-dedup-rate-by-source",
          "chart-signal-symbol_ratio",
          "chart-signal-alpha_word_ratio",
          "chart-signal-language_confidence",
          "chart-bytes-source-0");

  @Test
  void everyChartIsInTheHtmlWithTitleUnitsAndSourceTable() throws IOException {
    Report.Paths p = SampleLake.get().report();
    String html = Files.readString(p.html());
    JsonNode json = new ObjectMapper().readTree(p.json().toFile());
    List<String> ids = new ArrayList<>();
    json.get("charts").forEach(c -> ids.add(c.get("id").asText()));
    assertTrue(ids.containsAll(FIXED_CHARTS), ids.toString());
    for (String id : ids) {
      Matcher m =
          Pattern.compile(
                  "<figure class=\"chart\" id=\""
                      + Pattern.quote(id)
                      + "\" data-from-table=\"([^\"]+)\"><h4>([^<]+)</h4><svg")
              .matcher(html);
      assertTrue(m.find(), "chart " + id + " missing or without title/source table");
    }
    assertEquals(ids.size(), countOf(html, "<figure class=\"chart\""));
    assertEquals(ids.size(), countOf(html, "<figcaption>Source table: <code>"));
    assertTrue(html.contains("id=\"reconciled\" class=\"ok\""), "funnel reconciles in the report");
    assertTrue(html.contains("id=\"tokens-not-run\"") || ids.contains("chart-tokens-by-source"));
    assertTrue(html.contains("id=\"labels-not-run\"") || html.contains("labeled documents"));
    assertTrue(html.contains("id=\"decon-not-run\""), "no eval sets: decontamination not run");
  }

  @Test
  void nothingIsFetchedFromOutside() throws IOException {
    String html = Files.readString(SampleLake.get().report().html());
    // No attribute or CSS that loads anything: src/href/url()/@import, nor any http(s) URL in
    // markup.
    assertFalse(
        Pattern.compile("(?i)\\b(src|href|xlink:href|srcset|action)\\s*=").matcher(html).find(),
        "resource attribute");
    assertFalse(
        Pattern.compile("(?i)url\\s*\\(|@import|<link|<iframe|<img|<object|<embed")
            .matcher(html)
            .find(),
        "resource element");
    String markup =
        html.replaceAll("(?s)>[^<]*<", "><"); // text content may quote URLs from documents
    assertFalse(markup.toLowerCase().contains("http"), "an http URL in markup");
    assertEquals(1, countOf(html, "<script>"), "one inline script");
  }

  @Test
  void jsonTwinHasTheStatsTablesNumbers() throws IOException {
    SampleLake s = SampleLake.get();
    JsonNode json = new ObjectMapper().readTree(s.report().json().toFile());
    Row all = s.table(Table.STATS_RECONCILE.id()).where("source is null").head();
    JsonNode jall = null;
    for (JsonNode r : json.get("reconcile")) {
      if (r.get("source").isNull()) {
        jall = r;
      }
    }
    for (String c :
        List.of(
            "input_lines",
            "quarantined",
            "filtered_out",
            "exact_duplicates",
            "near_duplicates",
            "kept",
            "kept_bytes")) {
      assertEquals(all.getLong(all.fieldIndex(c)), jall.get(c).asLong(), c);
    }
    assertEquals(s.table(Table.STATS_HISTOGRAMS.id()).count(), json.get("histograms").size());
    assertEquals(s.table(Table.STATS_FUNNEL.id()).count(), json.get("funnel").size());
    assertEquals("not run yet", json.get("labels").get("status").asText());
    // Spark NLP counts with the default seeded sample; the method is stated in both files.
    JsonNode ling = json.get("linguistic");
    assertEquals(s.table(Table.STATS_LINGUISTIC.id()).count(), ling.get("rows").size());
    assertEquals(
        "spark-nlp SentenceDetector+Tokenizer, seeded sample of 200 docs per source (seed 42),"
            + " first 20000 chars per doc",
        ling.get("method").asText());
    assertTrue(
        Files.readString(s.report().html())
            .contains(
                "<h2>Sentences and words (Spark NLP)</h2><p id=\"linguistic-method\">Method: "
                    + ling.get("method").asText()));
    // The sample pipeline runs every corpus stage, tokenize included.
    assertTrue(json.get("tables").get("docs_tokens").get("present").asBoolean());
  }

  @Test
  void numbersAreFormattedForPeople() {
    assertEquals("1.2 B", Fmt.count(1_234_567_890));
    assertEquals("999", Fmt.count(999));
    assertEquals("3.4 GB", Fmt.bytes(3_400_000_000L));
    assertEquals("512 B", Fmt.bytes(512));
    assertEquals("1.2 B tokens", Fmt.count(1.2e9, "tokens"));
    assertEquals("12.3%", Fmt.pct(0.1234));
    assertEquals("&lt;a href=&quot;x&quot;&gt;", Fmt.html("<a href=\"x\">"));
  }

  static int countOf(String s, String sub) {
    int n = 0;
    for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
      n++;
    }
    return n;
  }
}
