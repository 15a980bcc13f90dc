package dev.slimspark.report;

import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Inline SVG charts, generated as text: no script, no external resource, so the report renders
 * offline and in any browser. Each chart is a {@code <figure class="chart" id=...>} with a visible
 * title, axis labels with units, a caption naming the table its numbers come from, and each bar's
 * exact value in a {@code <title>} tooltip.
 */
public final class Svg {
  /** A labeled value (a bar). */
  public record Bar(String label, double value) {}

  /** A histogram bin: [lower, upper) with a count; upper null for an open top bin. */
  public record Bin(double lower, Double upper, long count) {}

  private static final int WIDTH = 640;

  private Svg() {}

  /** Horizontal bars, one per label, value text at each bar's end. */
  public static String bars(
      String id,
      String title,
      String valueAxis,
      String fromTable,
      List<Bar> bars,
      DoubleFunction<String> fmt) {
    int left = 190;
    int row = 22;
    int top = 10;
    int height = top + Math.max(1, bars.size()) * row + 34;
    double max = bars.stream().mapToDouble(Bar::value).max().orElse(0);
    int plot = WIDTH - left - 90;
    StringBuilder s = open(id, title, fromTable, height);
    for (int i = 0; i < bars.size(); i++) {
      Bar b = bars.get(i);
      int y = top + i * row;
      double w = max > 0 ? b.value() / max * plot : 0;
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"lbl\">%s</text>",
              left - 6,
              y + 15,
              Fmt.html(clip(b.label(), 28))));
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" class=\"bar\"><title>%s: %s</title></rect>",
              left,
              y + 3,
              Math.max(w, b.value() > 0 ? 1 : 0),
              row - 6,
              Fmt.html(b.label()),
              Fmt.html(exact(b.value()))));
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" class=\"val\">%s</text>",
              left + w + 4,
              y + 15,
              Fmt.html(fmt.apply(b.value()))));
    }
    int axisY = top + bars.size() * row + 4;
    s.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>",
            left,
            axisY,
            left + plot,
            axisY));
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=\"axislbl\">%s</text>",
            left + plot / 2,
            axisY + 22,
            Fmt.html(valueAxis)));
    return close(s, title, fromTable);
  }

  /** Vertical histogram over consecutive bins; x ticks at bin lower edges, y in documents. */
  public static String histogram(
      String id, String title, String xAxis, String fromTable, List<Bin> bins, long missing) {
    int left = 56;
    int bottom = 48;
    int height = 240;
    int plotH = height - bottom - 16;
    int plotW = WIDTH - left - 16;
    long max = bins.stream().mapToLong(Bin::count).max().orElse(0);
    StringBuilder s = open(id, title, fromTable, height);
    double bw = bins.isEmpty() ? 0 : (double) plotW / bins.size();
    int tickEvery = Math.max(1, (int) Math.ceil(bins.size() / 10.0));
    for (int i = 0; i < bins.size(); i++) {
      Bin b = bins.get(i);
      double h = max > 0 ? (double) b.count() / max * plotH : 0;
      double x = left + i * bw;
      String range =
          "[" + Fmt.edge(b.lower()) + ", " + (b.upper() == null ? "∞" : Fmt.edge(b.upper())) + ")";
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"bar\"><title>%s: %d documents</title></rect>",
              x + 1,
              16 + plotH - h,
              Math.max(1, bw - 2),
              h,
              Fmt.html(range),
              b.count()));
      if (i % tickEvery == 0) {
        s.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"tick\">%s</text>",
                x + 1,
                16 + plotH + 14,
                Fmt.html(Fmt.edge(b.lower()))));
      }
    }
    histogramAxes(s, left, plotW, plotH, max);
    String x =
        xAxis + (missing > 0 ? " · " + Fmt.count(missing) + " documents without a value" : "");
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=\"axislbl\">%s</text>",
            left + plotW / 2,
            height - 12,
            Fmt.html(x)));
    return close(s, title, fromTable);
  }

  /** The histogram's axes, its y scale (0 and the largest count) and the y axis label. */
  private static void histogramAxes(StringBuilder s, int left, int plotW, int plotH, long max) {
    int y0 = 16 + plotH;
    s.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>",
            left,
            y0,
            left + plotW,
            y0));
    s.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"16\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>",
            left,
            left,
            y0));
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"20\" text-anchor=\"end\" class=\"tick\">%s</text>",
            left - 4,
            Fmt.html(Fmt.count(max))));
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"tick\">0</text>",
            left - 4,
            y0));
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\" class=\"axislbl\">documents</text>",
            16 + plotH / 2,
            16 + plotH / 2));
  }

  private static StringBuilder open(String id, String title, String fromTable, int height) {
    StringBuilder s = new StringBuilder(2048);
    s.append("<figure class=\"chart\" id=\"")
        .append(Fmt.html(id))
        .append("\" data-from-table=\"")
        .append(Fmt.html(fromTable))
        .append("\">");
    s.append("<h4>").append(Fmt.html(title)).append("</h4>");
    s.append(
        String.format(
            Locale.ROOT,
            "<svg class=\"chart-svg\" role=\"img\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\"><title>%s</title>",
            WIDTH,
            height,
            WIDTH,
            height,
            Fmt.html(title)));
    return s;
  }

  private static String close(StringBuilder s, String title, String fromTable) {
    s.append("</svg><figcaption>Source table: <code>")
        .append(Fmt.html(fromTable))
        .append("</code></figcaption></figure>\n");
    return s.toString();
  }

  private static String clip(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }

  private static String exact(double v) {
    return v == Math.rint(v)
        ? String.format(Locale.ROOT, "%,d", (long) v)
        : String.format(Locale.ROOT, "%.4f", v);
  }
}
