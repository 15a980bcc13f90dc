package dev.slimspark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slimspark.lake.Table;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The markdown tables of {@code bench scale}, from its result JSON (one object per size, see {@link
 * ScaleBench}): one table per size, and one across sizes with each stage's core-s per GB, its ratio
 * to the smallest size and a least-squares fit core-s = fixed + slope x GB (the slope is the cost
 * per GB with fixed costs excluded). Pure functions of the JSON: no Spark.
 */
final class ScaleTables {
  private ScaleTables() {}

  /** One row per stage of one size's result, then the dedup recall per planted family. */
  static String sizeTable(JsonNode r) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "### %s (%.3f GB corpus, heap %s, %s cores, master %s)%n%n",
            r.path("size").asText(),
            r.path("corpus_gb").asDouble(),
            r.path("heap").asText(),
            r.path("cores").asText("?"),
            r.path("master").asText("?")));
    boolean cluster = r.path("master").asText().startsWith("spark://");
    sb.append(
        "| stage | wall s | input GB | core-s | cpu core-s | core-s/GB | "
            + (cluster
                ? "driver heap peak MB | driver heap after GC MB "
                : "heap peak MB | heap after GC MB ")
            + "| exec heap MB | spill MB | shuffle read MB | shuffle write MB | slowest / median task s | worst stage ratio | GC share | output rows |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (JsonNode s : r.path("stages")) {
      JsonNode w = s.path("worst_spark_stage");
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %.1f | %.3f | %.1f | %.1f | %.1f | %d | %d | %s | %.1f | %.1f | %.1f | %.2f / %.2f | %s | %.3f | %s |%n",
              s.path("stage").asText()
                  + (s.path("status").asText("ok").equals("ok")
                      ? ""
                      : " (" + s.path("status").asText() + ")"),
              s.path("wall_s").asDouble(),
              s.path("input_gb").asDouble(),
              s.path("run_core_s").asDouble(),
              s.path("cpu_core_s").asDouble(),
              s.path("core_s_per_gb").asDouble(),
              s.path("heap_peak_mb").asLong(),
              s.path("heap_after_gc_peak_mb").asLong(),
              s.path("executor_peak_heap_mb").isNumber()
                  ? s.path("executor_peak_heap_mb").asText()
                  : "-",
              mb(s, "spill_memory_bytes") + mb(s, "spill_disk_bytes"),
              mb(s, "shuffle_read_bytes"),
              mb(s, "shuffle_write_bytes"),
              s.path("slowest_task_s").asDouble(),
              s.path("median_task_s").asDouble(),
              w.isObject()
                  ? String.format(Locale.ROOT, "%.1f", w.path("slowest_over_median").asDouble())
                  : "-",
              s.path("gc_share").asDouble(),
              s.path("output_rows").asText("-")));
    }
    if (r.path("recall").size() > 0) {
      sb.append(
          "\n| planted family | members | passed filter | in largest cluster | unclustered | recall |\n|---|---:|---:|---:|---:|---:|\n");
      for (JsonNode f : r.path("recall")) {
        sb.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %d | %d | %d | %.4f |%n",
                f.path("family").asText(),
                f.path("members").asLong(),
                f.path("kept_by_filter").asLong(),
                f.path("largest_cluster").asLong(),
                f.path("unclustered").asLong(),
                f.path("recall").asDouble()));
      }
    }
    if (r.path("big_docs_tokenizer").size() > 0) {
      sb.append(
          "\n| big document (tokenizer alone) | chars | tokens | encode s | chars/s |\n|---|---:|---:|---:|---:|\n");
      for (JsonNode d : r.path("big_docs_tokenizer")) {
        sb.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %d | %.3f | %d |%n",
                d.path("doc").asText(),
                d.path("chars").asLong(),
                d.path("tokens").asLong(),
                d.path("encode_s").asDouble(),
                d.path("chars_per_s").asLong()));
      }
    }
    for (String t : Table.ids(List.of(Table.DOCS_DEDUP, Table.PACKED_ROWS))) {
      JsonNode h = r.path("output_hashes").path(t);
      if (h.isObject()) {
        sb.append(
            String.format(
                Locale.ROOT,
                "%n%s: %d rows, content hash xor %s sum %s",
                t,
                h.path("rows").asLong(),
                h.path("xor").asText(),
                h.path("sum").asText()));
      }
    }
    if (r.path("output_hashes").isObject()) {
      sb.append('\n');
    }
    if (!r.path("status").asText().equals("ok")) {
      sb.append("\nstatus: ")
          .append(r.path("status").asText())
          .append(' ')
          .append(r.path("error").asText(""))
          .append('\n');
    }
    return sb.toString();
  }

  private static double mb(JsonNode s, String key) {
    return s.path(key).asLong() / 1048576.0;
  }

  /**
   * Across sizes (in the order given, the first is the reference): per stage core-s/GB of its input
   * and the ratio to the first size, the fitted fixed core-s and slope; then the peak heap (largest
   * over stages, used and after GC) and its ratio. A size that failed shows its status.
   */
  static String seriesTable(List<JsonNode> results) {
    StringBuilder sb = new StringBuilder();
    sb.append("| stage |");
    StringBuilder rule = new StringBuilder("|---|");
    for (JsonNode r : results) {
      sb.append(' ').append(r.path("size").asText()).append(" core-s/GB (ratio) |");
      rule.append("---:|");
    }
    sb.append(" fit: fixed core-s | fit: core-s/GB |\n").append(rule).append("---:|---:|\n");
    for (String stage : stageNames(results)) {
      sb.append("| ").append(stage).append(" |");
      double ref = Double.NaN;
      List<double[]> pts = new ArrayList<>();
      for (JsonNode r : results) {
        JsonNode s = stage(r, stage);
        if (s == null || !s.path("status").asText("ok").equals("ok")) {
          sb.append(' ')
              .append(s == null ? r.path("status").asText("-") : s.path("status").asText())
              .append(" |");
          continue;
        }
        double v = s.path("core_s_per_gb").asDouble();
        if (Double.isNaN(ref)) {
          ref = v;
        }
        sb.append(String.format(Locale.ROOT, " %.2f (%.2f) |", v, ratio(v, ref)));
        pts.add(new double[] {s.path("input_gb").asDouble(), s.path("run_core_s").asDouble()});
      }
      double[] f = fit(pts);
      sb.append(
          f == null ? " - | - |\n" : String.format(Locale.ROOT, " %.1f | %.2f |%n", f[0], f[1]));
    }
    heapRow(sb, results, "heap_peak_mb", "peak heap used MB");
    heapRow(sb, results, "heap_after_gc_peak_mb", "peak heap after GC MB");
    return sb.toString();
  }

  private static void heapRow(StringBuilder sb, List<JsonNode> results, String key, String label) {
    sb.append("| ").append(label).append(" |");
    double ref = Double.NaN;
    for (JsonNode r : results) {
      if (r.path("stages").size() == 0) {
        sb.append(" - |");
        continue;
      }
      long peak = peakOver(r, key);
      if (Double.isNaN(ref)) {
        ref = peak;
      }
      sb.append(String.format(Locale.ROOT, " %d (%.2f) |", peak, ratio(peak, ref)));
    }
    sb.append(" | |\n");
  }

  /** The largest value of {@code key} over the stages of one result. */
  static long peakOver(JsonNode r, String key) {
    long m = 0;
    for (JsonNode s : r.path("stages")) {
      m = Math.max(m, s.path(key).asLong());
    }
    return m;
  }

  static double ratio(double v, double ref) {
    return ref == 0 ? Double.NaN : v / ref;
  }

  /**
   * Least-squares line through (x, y) points: {intercept, slope}; null with fewer than two points
   * or no spread in x.
   */
  static double[] fit(List<double[]> pts) {
    int n = pts.size();
    if (n < 2) {
      return null;
    }
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (double[] p : pts) {
      sx += p[0];
      sy += p[1];
      sxx += p[0] * p[0];
      sxy += p[0] * p[1];
    }
    double d = n * sxx - sx * sx;
    if (Math.abs(d) < 1e-12) {
      return null;
    }
    double slope = (n * sxy - sx * sy) / d;
    return new double[] {(sy - slope * sx) / n, slope};
  }

  private static Set<String> stageNames(List<JsonNode> results) {
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode r : results) {
      r.path("stages").forEach(s -> names.add(s.path("stage").asText()));
    }
    return names;
  }

  private static JsonNode stage(JsonNode r, String name) {
    for (JsonNode s : r.path("stages")) {
      if (s.path("stage").asText().equals(name)) {
        return s;
      }
    }
    return null;
  }
}
