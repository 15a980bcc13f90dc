package dev.slimspark.jobs.label;

import java.util.List;

/**
 * Classification metrics from a confusion matrix {@code m[gold][predicted]} over {@code classes}.
 * Classes that never occur (no gold, no prediction) count as F1 = 0 in the macro average only when
 * they have gold support or predictions; a class absent from both is skipped, as scikit-learn does
 * for labels it never sees.
 */
public final class Metrics {
  private final List<String> classes;
  private final long[][] m;
  private final long total;

  public Metrics(List<String> classes, long[][] confusion) {
    this.classes = classes;
    this.m = confusion;
    long t = 0;
    for (long[] row : confusion) {
      for (long x : row) {
        t += x;
      }
    }
    this.total = t;
  }

  public List<String> classes() {
    return classes;
  }

  public long[][] confusion() {
    return m;
  }

  public long total() {
    return total;
  }

  public double accuracy() {
    long ok = 0;
    for (int i = 0; i < m.length; i++) {
      ok += m[i][i];
    }
    return total == 0 ? 0 : (double) ok / total;
  }

  public long support(int c) {
    long s = 0;
    for (long x : m[c]) {
      s += x;
    }
    return s;
  }

  public long predicted(int c) {
    long s = 0;
    for (long[] row : m) {
      s += row[c];
    }
    return s;
  }

  /** TP / predicted; 0 when nothing was predicted as c. */
  public double precision(int c) {
    long p = predicted(c);
    return p == 0 ? 0 : (double) m[c][c] / p;
  }

  /** TP / gold support; 0 when c has no gold items. */
  public double recall(int c) {
    long s = support(c);
    return s == 0 ? 0 : (double) m[c][c] / s;
  }

  public double f1(int c) {
    double p = precision(c);
    double r = recall(c);
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  /** Unweighted mean F1 over classes that have gold support or predictions. */
  public double macroF1() {
    double s = 0;
    int n = 0;
    for (int c = 0; c < m.length; c++) {
      if (support(c) > 0 || predicted(c) > 0) {
        s += f1(c);
        n++;
      }
    }
    return n == 0 ? 0 : s / n;
  }

  /**
   * Cohen's kappa of the two raters the matrix compares: (p_o - p_e) / (1 - p_e); 1 when p_e = 1.
   */
  public double kappa() {
    if (total == 0) {
      return 0;
    }
    double po = accuracy();
    double pe = 0;
    for (int c = 0; c < m.length; c++) {
      pe += ((double) support(c) / total) * ((double) predicted(c) / total);
    }
    return pe >= 1 ? 1.0 : (po - pe) / (1 - pe);
  }

  /** A fixed-width text table: per-class P/R/F1/support, then the confusion matrix. */
  public String table(String title) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "%s  n=%d  accuracy=%.4f  macro-F1=%.4f  kappa=%.4f%n",
            title, total, accuracy(), macroF1(), kappa()));
    sb.append(
        String.format(
            "  %-14s %9s %9s %9s %9s%n", "class", "precision", "recall", "f1", "support"));
    for (int c = 0; c < classes.size(); c++) {
      sb.append(
          String.format(
              "  %-14s %9.4f %9.4f %9.4f %9d%n",
              classes.get(c), precision(c), recall(c), f1(c), support(c)));
    }
    sb.append("  confusion (rows gold, columns predicted):\n  ").append(String.format("%-14s", ""));
    for (String c : classes) {
      sb.append(String.format(" %9s", abbreviate(c)));
    }
    sb.append('\n');
    for (int g = 0; g < classes.size(); g++) {
      sb.append("  ").append(String.format("%-14s", abbreviate(classes.get(g))));
      for (int p = 0; p < classes.size(); p++) {
        sb.append(String.format(" %9d", m[g][p]));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String abbreviate(String s) {
    return s.length() <= 9 ? s : s.substring(0, 9);
  }
}
