package dev.slimspark.report;

import dev.slimspark.lake.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * HTML tables of the report. Numbers are formatted for people by column name (bytes columns in
 * GB/MB, counts with K/M/B, rates as percents), the exact value in the cell's title; a null source
 * is the all-sources row. Each table names the table it came from.
 */
final class HtmlTables {
  private HtmlTables() {}

  static String table(
      List<Map<String, Object>> rows,
      String from,
      List<String> columns,
      Function<Map<String, Object>, Map<String, Object>> mapper) {
    StringBuilder h =
        new StringBuilder(
            "<div class=\"tw\"><table data-from-table=\"" + Fmt.html(from) + "\"><tr>");
    for (String c : columns) {
      h.append("<th class=\"t\">").append(Fmt.html(c)).append("</th>");
    }
    h.append("</tr>");
    for (Map<String, Object> raw : rows) {
      Map<String, Object> r = mapper.apply(raw);
      h.append("<tr>");
      for (String c : columns) {
        Object v = r.get(c);
        boolean text = v == null || v instanceof String || v instanceof List;
        // Exact numbers as tooltips; text is shown whole, never copied into attributes.
        h.append("<td")
            .append(text ? (c.endsWith("_prefix") ? " class=\"t pre\"" : " class=\"t\"") : "")
            .append(v instanceof Number ? " title=\"" + Fmt.html(v) + "\"" : "")
            .append(">")
            .append(Fmt.html(cell(c, v)))
            .append("</td>");
      }
      h.append("</tr>");
    }
    h.append("</table></div><p class=\"note\">Table: <code>")
        .append(Fmt.html(from))
        .append("</code></p>");
    return h.toString();
  }

  /** A value for reading: units by column name. */
  static String cell(String column, Object v) {
    if (v == null) {
      return column.equals("source") ? "all sources" : "–";
    }
    if (v instanceof Boolean b) {
      return b ? "yes" : "NO";
    }
    if (v instanceof Number n) {
      if (column.equals("difference") || column.equals("rank") || column.equals("cluster_size")) {
        return n.toString();
      }
      if (column.contains("rate") || column.endsWith("fraction")) {
        return Fmt.pct(n.doubleValue());
      }
      if (column.contains("similarity")) {
        return String.format(Locale.ROOT, "%.3f", n.doubleValue());
      }
      if (column.startsWith("bytes") || column.endsWith("bytes")) {
        return Fmt.bytes(n.doubleValue());
      }
      return Fmt.count(n.doubleValue());
    }
    return v.toString();
  }

  static String topClusters(ReportData d) {
    return "<h4>Largest duplicate clusters</h4>"
        + table(
            d.list("top_clusters"),
            Table.STATS_DUP_TOP_CLUSTERS.id() + " (example text from docs_filtered)",
            List.of(
                "rank",
                "cluster_size",
                "exact_removed",
                "near_removed",
                "sources",
                "min_similarity",
                "example_doc_id",
                "example_text_prefix"),
            r -> r);
  }

  /** Spark NLP sentence and token counts, headed by the method (sample or full table, seed, N). */
  @SuppressWarnings("unchecked")
  static String linguistic(ReportData d) {
    Map<String, Object> l = d.map("linguistic");
    if (!"present".equals(l.get("status"))) {
      return "<p class=\"note\" id=\"linguistic-off\">Not computed: <code>stats.linguistic.sample_docs_per_source</code>"
          + " is 0 (no rows in <code>"
          + Table.STATS_LINGUISTIC.id()
          + "</code>).</p>";
    }
    return "<p id=\"linguistic-method\">Method: "
        + Fmt.html(l.get("method"))
        + ". Sentences and tokens are Spark NLP's"
        + " (rule-based SentenceDetector, Tokenizer) over the sampled documents; <code>word_count</code> is the filter's"
        + " over the same documents; <code>estimated_sentences</code> = mean per sampled document × kept documents"
        + " (all sources: the sum of the per-source estimates).</p>"
        + table(
            (List<Map<String, Object>>) l.get("rows"),
            Table.STATS_LINGUISTIC.id(),
            List.of(
                "source",
                "docs_sampled",
                "docs_total",
                "sample_fraction",
                "docs_truncated",
                "sentences",
                "spark_nlp_tokens",
                "spark_nlp_words",
                "word_count",
                "mean_sentences_per_doc",
                "estimated_sentences"),
            r -> r);
  }

  /** Per eval set: how much of it the corpus held and what removing it cost, or "not run". */
  @SuppressWarnings("unchecked")
  static String decon(ReportData d) {
    Map<String, Object> m = d.map("decon");
    if (!"present".equals(m.get("status"))) {
      return "<p class=\"note\" id=\"decon-not-run\">Decontamination: not run (no eval sets"
          + " configured, or no rows in <code>"
          + Table.STATS_DECON.id()
          + "</code>); the funnel has no decontamination steps.</p>";
    }
    return "<p class=\"note\">contamination_rate = items_found / (items - items_too_short): items"
        + " shorter than decontaminate.min_words are never matched. Documents and bytes removed are"
        + " in the funnel (decon_dropped, decon_cut).</p>"
        + table(
            (List<Map<String, Object>>) m.get("rows"),
            Table.STATS_DECON.id(),
            List.of(
                "eval_set",
                "items",
                "items_too_short",
                "items_found",
                "contamination_rate",
                "docs_dropped",
                "docs_cut",
                "hits",
                "frequent_ngrams_ignored"),
            r -> r);
  }

  @SuppressWarnings("unchecked")
  static String labels(ReportData d) {
    Map<String, Object> l = d.map("labels");
    if (!"present".equals(l.get("status"))) {
      return "<p class=\"note\" id=\"labels-not-run\">Labeling: not run yet (no <code>labels</code> table).</p>";
    }
    StringBuilder h =
        new StringBuilder("<p>")
            .append(Fmt.count(ReportCharts.num(l.get("labels_rows"))))
            .append(" labeled documents (table <code>labels</code>).</p>");
    Object eval = l.get(Table.LABEL_EVAL.id());
    if (eval instanceof List<?> rows && !rows.isEmpty()) {
      List<Map<String, Object>> r = (List<Map<String, Object>>) rows;
      h.append(table(r, Table.LABEL_EVAL.id(), new ArrayList<>(r.get(0).keySet()), x -> x));
    } else {
      h.append("<p class=\"note\">No <code>label_eval</code> table yet.</p>");
    }
    return h.toString();
  }

  @SuppressWarnings("unchecked")
  static String inventory(ReportData d) {
    StringBuilder h =
        new StringBuilder(
            "<h2>Tables</h2><table><tr><th class=\"t\">table</th><th class=\"t\">status</th><th>version</th></tr>");
    for (Map.Entry<String, Object> e : d.map("tables").entrySet()) {
      Map<String, Object> m = (Map<String, Object>) e.getValue();
      boolean present = Boolean.TRUE.equals(m.get("present"));
      h.append("<tr><td class=\"t\"><code>")
          .append(Fmt.html(e.getKey()))
          .append("</code></td><td class=\"t\">")
          .append(present ? "present" : "not run yet")
          .append("</td><td>")
          .append(m.containsKey("version") ? m.get("version") : "–")
          .append("</td></tr>");
    }
    return h.append("</table>").toString();
  }
}
