package dev.slimspark.report;

import dev.slimspark.jobs.stats.StatsTables;
import dev.slimspark.lake.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleFunction;
import java.util.function.Predicate;

/**
 * Builds the report's charts from {@link ReportData} and records each one (id, title, source table)
 * so the JSON twin lists exactly the charts the HTML holds.
 */
final class ReportCharts {
  private final ReportData data;
  private final List<Map<String, Object>> charts = new ArrayList<>();

  ReportCharts(ReportData data) {
    this.data = data;
  }

  List<Map<String, Object>> charts() {
    return charts;
  }

  private void record(String id, String title, String from) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("title", title);
    m.put("from_table", from);
    charts.add(m);
  }

  String bars(
      String id,
      String title,
      String axis,
      String from,
      List<Svg.Bar> bars,
      DoubleFunction<String> fmt) {
    record(id, title, from);
    return Svg.bars(id, title, axis, from, bars, fmt);
  }

  /** The all-sources funnel, one bar per step (documents; input lines for the first). */
  String funnel() {
    Map<String, Object> all = allSources();
    List<Svg.Bar> b = new ArrayList<>();
    String[][] steps = {
      {"input_lines", "input lines"},
      {"blank_lines", "blank lines"},
      {"quarantined", "quarantined"},
      {"filtered_out", "removed by filter"},
      {"exact_duplicates", "exact duplicates"},
      {"near_duplicates", "near duplicates"},
      {"kept", "kept"}
    };
    for (String[] s : steps) {
      if (s[0].equals("kept") && all.get("decon_dropped") != null) {
        // Only when decontaminate ran: a zero bar would claim it looked and found nothing.
        b.add(new Svg.Bar("dropped by decontamination", num(all.get("decon_dropped"))));
      }
      b.add(new Svg.Bar(s[1], num(all.get(s[0]))));
    }
    return bars(
        "chart-funnel",
        "Funnel: where every input line went (all sources)",
        "lines / documents",
        Table.STATS_RECONCILE.id(),
        b,
        Fmt::count);
  }

  /** Bars per real source of one stats_reconcile column. */
  String perSource(
      String id, String title, String column, String axis, DoubleFunction<String> fmt) {
    List<Svg.Bar> b = new ArrayList<>();
    for (Map<String, Object> r : data.list("reconcile")) {
      // The pseudo-source of blank/quarantined lines has no documents: it belongs to the funnel
      // only.
      if (r.get("source") != null
          && r.get(column) != null
          && !StatsTables.NO_SOURCE.equals(r.get("source"))) {
        b.add(new Svg.Bar((String) r.get("source"), num(r.get(column))));
      }
    }
    return bars(id, title, axis, Table.STATS_RECONCILE.id(), b, fmt);
  }

  /** Bars per reason of one funnel step, summed over sources. */
  String reasons(String id, String title, String step, String axis) {
    Map<String, Double> by = new TreeMap<>();
    for (Map<String, Object> r : data.list("funnel")) {
      if (step.equals(r.get("step"))) {
        by.merge(String.valueOf(r.get("reason")), num(r.get("documents")), Double::sum);
      }
    }
    List<Svg.Bar> b = new ArrayList<>();
    by.forEach((k, v) -> b.add(new Svg.Bar(k, v)));
    b.sort((x, y) -> Double.compare(y.value(), x.value()));
    return bars(id, title, axis, Table.STATS_FUNNEL.id() + " (step = " + step + ")", b, Fmt::count);
  }

  /**
   * A histogram of one metric in one document set, summed over the sources that pass the filter.
   */
  String histogram(String id, String title, String stage, String metric, Predicate<Object> source) {
    TreeMap<Integer, long[]> bins = new TreeMap<>();
    Map<Integer, double[]> edges = new TreeMap<>();
    String unit = "";
    String binning = "";
    String from = Table.STATS_HISTOGRAMS.id();
    for (Map<String, Object> r : data.list("histograms")) {
      if (stage.equals(r.get("stage"))
          && metric.equals(r.get("metric"))
          && source.test(r.get("source"))) {
        int bin = ((Number) r.get("bin")).intValue();
        bins.computeIfAbsent(bin, k -> new long[1])[0] += ((Number) r.get("documents")).longValue();
        edges.put(
            bin,
            new double[] {
              num(r.get("lower")), r.get("upper") == null ? Double.NaN : num(r.get("upper"))
            });
        unit = (String) r.get("unit");
        binning = (String) r.get("binning");
      }
    }
    long missing = bins.containsKey(-1) ? bins.remove(-1)[0] : 0;
    List<Svg.Bin> out = new ArrayList<>();
    if (!bins.isEmpty()) {
      // Fill empty bins between the first and last non-empty one so the x axis is continuous.
      for (int k = bins.firstKey(); k <= bins.lastKey(); k++) {
        double[] e = edges.getOrDefault(k, edgesOf(binning, k));
        out.add(
            new Svg.Bin(
                e[0], Double.isNaN(e[1]) ? null : e[1], bins.containsKey(k) ? bins.get(k)[0] : 0));
      }
    }
    record(id, title, from);
    String axis = metric + " (" + unit + ", " + binning + " bins)";
    return Svg.histogram(
        id, title, axis, from + " (stage = " + stage + ", metric = " + metric + ")", out, missing);
  }

  /** Edges of a bin that has no row (empty), from the binning description. */
  static double[] edgesOf(String binning, int k) {
    if (binning.equals("log2")) {
      return new double[] {k == 0 ? 0 : Math.pow(2, k - 1), Math.pow(2, k)};
    }
    String[] p = binning.substring(binning.indexOf('(') + 1, binning.indexOf(')')).split(",");
    double min = Double.parseDouble(p[0]);
    double w = Double.parseDouble(p[1]);
    return new double[] {min + k * w, min + (k + 1) * w};
  }

  Map<String, Object> allSources() {
    for (Map<String, Object> r : data.list("reconcile")) {
      if (r.get("source") == null) {
        return r;
      }
    }
    throw new IllegalStateException("stats_reconcile has no all-sources row");
  }

  static double num(Object o) {
    return o == null ? 0 : ((Number) o).doubleValue();
  }
}
