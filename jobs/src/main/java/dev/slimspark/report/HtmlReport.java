package dev.slimspark.report;

import dev.slimspark.jobs.stats.Metric;
import dev.slimspark.jobs.stats.StatsTables;
import dev.slimspark.lake.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Renders {@link ReportData} as one self-contained HTML page: inline CSS, inline SVG charts and one
 * tiny inline script that marks the page {@code data-ok="true"} once loaded with every chart drawn
 * (a browser test reads it). No link, font, script or image is fetched from anywhere.
 */
public final class HtmlReport {
  private static final String CSS =
      "body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}"
          + "h1{font-size:22px}h2{margin-top:32px;border-bottom:1px solid #ddd}h4{margin:8px 0 2px;font-size:14px}"
          + "table{border-collapse:collapse;margin:8px 0;font-size:12px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right;white-space:nowrap}"
          + ".tw{overflow-x:auto;max-width:100%}"
          + "td.t,th.t{text-align:left}figure{margin:12px 0}figcaption,.note{color:#666;font-size:12px}"
          + ".bar{fill:#4a7ab5}.axis{stroke:#888}.lbl,.val,.tick{font-size:11px;fill:#333}.axislbl{font-size:12px;fill:#555}"
          + ".ok{color:#1a7f37}.bad{color:#c62828;font-weight:bold}.grid{display:flex;flex-wrap:wrap;gap:8px}"
          + "code{background:#f4f4f4;padding:0 3px}.pre{white-space:normal;text-align:left;min-width:360px;max-width:520px}";

  private static final String SCRIPT =
      "window.addEventListener('error',function(){document.body.setAttribute('data-ok','false')});"
          + "window.addEventListener('load',function(){var f=document.querySelectorAll('figure.chart');var ok=f.length>0;"
          + "f.forEach(function(e){var s=e.querySelector('svg');if(!s||!e.querySelector('h4')||s.getBoundingClientRect().width<1)ok=false;});"
          + "if(document.body.getAttribute('data-ok')!=='false'){document.body.setAttribute('data-ok',ok?'true':'false');}"
          + "document.body.setAttribute('data-charts',String(f.length));});";

  private HtmlReport() {}

  /** The page; also stores the chart list under "charts" in the data's JSON root. */
  public static String render(ReportData d) {
    ReportCharts c = new ReportCharts(d);
    StringBuilder h = new StringBuilder(64 * 1024);
    header(h, d);
    overview(h, c);
    funnel(h, c, d);
    sizes(h, c, d);
    h.append("<h2>Sentences and words (Spark NLP)</h2>").append(HtmlTables.linguistic(d));
    qualityAndLanguages(h, c, d);
    duplicates(h, c, d);
    h.append("<h2>Decontamination</h2>").append(HtmlTables.decon(d));
    if ("present".equals(d.map("decon").get("status"))) {
      h.append(
          c.reasons(
              "chart-decon-dropped-reasons",
              "Documents dropped by decontamination, by reason",
              "decon_dropped",
              "documents"));
    }
    tokens(h, c, d);
    h.append("<h2>Labels</h2>").append(HtmlTables.labels(d));
    h.append(HtmlTables.inventory(d));
    h.append("<script>").append(SCRIPT).append("</script></body></html>\n");
    d.root().put("charts", c.charts());
    return h.toString();
  }

  /** The page head (styles) and the title with the lake's path. */
  private static void header(StringBuilder h, ReportData d) {
    h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.append("<title>slimspark corpus report</title><style>")
        .append(CSS)
        .append("</style></head><body>");
    h.append("<h1>slimspark corpus report</h1><p class=\"note\">Lake: <code>")
        .append(Fmt.html(d.root().get("lake")))
        .append(
            "</code>. Numbers are rounded for reading (K, M, B = 10^3, 10^6, 10^9; GB = 10^9 bytes); ")
        .append("exact values are in the tooltips and in the JSON twin next to this file.</p>");
  }

  /** The funnel chart and table, then what each step removed and what each source kept. */
  private static void funnel(StringBuilder h, ReportCharts c, ReportData d) {
    h.append("<h2>Funnel</h2>");
    h.append(c.funnel());
    h.append(reconcileTable(d));
    h.append("<div class=\"grid\">");
    h.append(
        c.reasons(
            "chart-quarantine-reasons", "Quarantined lines by reason", "quarantined", "lines"));
    h.append(
        c.reasons(
            "chart-filter-rules",
            "Documents removed by filter, by first failed rule",
            "filtered",
            "documents"));
    h.append(
        c.perSource(
            "chart-kept-by-source", "Documents kept per source", "kept", "documents", Fmt::count));
    h.append(
        c.perSource(
            "chart-kept-bytes-by-source",
            "Bytes kept per source",
            "kept_bytes",
            "bytes (UTF-8)",
            Fmt::bytes));
    h.append("</div>");
  }

  /** Document sizes: the per-source table, then length histograms for all and per source. */
  private static void sizes(StringBuilder h, ReportCharts c, ReportData d) {
    h.append("<h2>Sizes per source</h2>");
    h.append(sourcesTable(d));
    h.append("<div class=\"grid\">");
    for (String stage : List.of(StatsTables.INGESTED, StatsTables.KEPT_BY_DEDUP)) {
      h.append(
          c.histogram(
              "chart-bytes-" + stage,
              "Document length in bytes, " + stage.replace('_', ' ') + " (all sources)",
              stage,
              "byte_length",
              s -> true));
    }
    h.append(
        c.histogram(
            "chart-words-" + StatsTables.KEPT_BY_DEDUP,
            "Words per document, kept by dedup (all sources)",
            StatsTables.KEPT_BY_DEDUP,
            "word_count",
            s -> true));
    List<String> sources = sources(d);
    for (int i = 0; i < sources.size(); i++) {
      String s = sources.get(i);
      h.append(
          c.histogram(
              "chart-bytes-source-" + i,
              "Document length in bytes, " + s + " (ingested)",
              StatsTables.INGESTED,
              "byte_length",
              s::equals));
    }
    h.append("</div>");
  }

  /** A histogram per quality signal, then the detected languages. */
  private static void qualityAndLanguages(StringBuilder h, ReportCharts c, ReportData d) {
    h.append("<h2>Quality signals (every ingested document)</h2><div class=\"grid\">");
    for (Metric m : Metric.SIGNALS) {
      h.append(
          c.histogram(
              "chart-signal-" + m.name(),
              "Quality signal " + m.name() + " (all sources)",
              StatsTables.INGESTED,
              m.name(),
              s -> true));
    }
    h.append("</div><h2>Languages</h2>");
    h.append(
        c.bars(
            "chart-languages",
            "Documents per detected language (all sources, before filtering)",
            "documents",
            Table.STATS_LANGUAGES.id(),
            languageBars(d),
            Fmt::count));
  }

  /** Duplicate clusters by size, dedup's removal rate per source and the top clusters. */
  private static void duplicates(StringBuilder h, ReportCharts c, ReportData d) {
    h.append("<h2>Duplicates</h2><div class=\"grid\">");
    List<Svg.Bar> sizes = new ArrayList<>();
    for (Map<String, Object> r : d.list("cluster_sizes")) {
      sizes.add(new Svg.Bar("size " + r.get("cluster_size"), ReportCharts.num(r.get("clusters"))));
    }
    h.append(
        c.bars(
            "chart-cluster-sizes",
            "Duplicate clusters by size (documents per cluster)",
            "clusters",
            Table.STATS_DUP_CLUSTER_SIZES.id(),
            sizes,
            Fmt::count));
    h.append(
        c.perSource(
            "chart-dedup-rate-by-source",
            "Share of filtered documents removed as duplicates, per source",
            "dedup_removal_rate",
            "share of documents (0-1)",
            v -> Fmt.pct(v)));
    h.append("</div>");
    h.append(HtmlTables.topClusters(d));
  }

  /** Tokens per source, or a note that tokenize has not run. */
  private static void tokens(StringBuilder h, ReportCharts c, ReportData d) {
    h.append("<h2>Tokens</h2>");
    if (d.list("funnel").stream().anyMatch(r -> "tokenized".equals(r.get("step")))) {
      h.append(
          c.perSource(
              "chart-tokens-by-source",
              "Tokens per source (docs_tokens)",
              "tokens",
              "tokens",
              v -> Fmt.count(v, "tokens")));
    } else {
      h.append(
          "<p class=\"note\" id=\"tokens-not-run\">Tokenize: not run yet (no <code>docs_tokens</code> table).</p>");
    }
  }

  private static void overview(StringBuilder h, ReportCharts c) {
    Map<String, Object> all = c.allSources();
    boolean ok = Boolean.TRUE.equals(all.get("reconciled"));
    h.append("<p>")
        .append(Fmt.count(ReportCharts.num(all.get("input_lines"))))
        .append(" input lines → ")
        .append(Fmt.count(ReportCharts.num(all.get("kept"))))
        .append(" documents kept (")
        .append(Fmt.bytes(ReportCharts.num(all.get("kept_bytes"))))
        .append(")");
    if (all.get("tokens") != null) {
      h.append(", ").append(Fmt.count(ReportCharts.num(all.get("tokens")), "tokens"));
    }
    h.append(". Funnel <span id=\"reconciled\" class=\"")
        .append(ok ? "ok\">reconciles" : "bad\">does NOT reconcile")
        .append("</span> (difference ")
        .append(all.get("difference"))
        .append(", table <code>stats_reconcile</code>).</p>");
  }

  private static String reconcileTable(ReportData d) {
    return HtmlTables.table(
        d.list("reconcile"),
        Table.STATS_RECONCILE.id(),
        List.of(
            "source",
            "input_lines",
            "blank_lines",
            "quarantined",
            "filtered_out",
            "exact_duplicates",
            "near_duplicates",
            "decon_dropped",
            "decon_cut",
            "kept",
            "kept_bytes",
            "decon_removed_bytes",
            "tokens",
            "difference",
            "reconciled"),
        r -> r);
  }

  private static String sourcesTable(ReportData d) {
    return HtmlTables.table(
        d.list("sources"),
        Table.STATS_SOURCES.id(),
        List.of(
            "stage",
            "source",
            "documents",
            "bytes",
            "characters",
            "words",
            "tokens",
            "bytes_p50",
            "bytes_p90",
            "bytes_p99",
            "bytes_max",
            "words_p50",
            "words_p99"),
        Function.identity());
  }

  static List<String> sources(ReportData d) {
    TreeMap<String, Boolean> s = new TreeMap<>();
    for (Map<String, Object> r : d.list("sources")) {
      if (r.get("source") != null) {
        s.put((String) r.get("source"), true);
      }
    }
    return new ArrayList<>(s.keySet());
  }

  private static List<Svg.Bar> languageBars(ReportData d) {
    Map<String, Double> by = new TreeMap<>();
    for (Map<String, Object> r : d.list("languages")) {
      by.merge((String) r.get("language"), ReportCharts.num(r.get("documents")), Double::sum);
    }
    List<Svg.Bar> b = new ArrayList<>();
    by.forEach((k, v) -> b.add(new Svg.Bar(k, v)));
    b.sort(
        (x, y) ->
            x.value() != y.value()
                ? Double.compare(y.value(), x.value())
                : x.label().compareTo(y.label()));
    return b.size() > 20 ? b.subList(0, 20) : b;
  }
}
