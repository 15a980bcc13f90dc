package dev.slimspark.report;

import java.util.Locale;

/**
 * Numbers for people: counts with SI suffixes ("1.2 K", "3.4 M", "1.2 B"), bytes in decimal units
 * ("3.4 GB", 1 GB = 10^9 bytes, as disks and object stores bill), shares as percents. Exact values
 * stay in the JSON twin and in each element's title tooltip.
 */
public final class Fmt {
  private static final String[] COUNT = {"", " K", " M", " B", " T", " P"};
  private static final String[] BYTES = {" B", " kB", " MB", " GB", " TB", " PB"};

  private Fmt() {}

  /** 999 → "999", 1234 → "1.2 K", 1_234_567_890 → "1.2 B". */
  public static String count(double n) {
    return scaled(n, COUNT, n < 1000 && n == Math.rint(n));
  }

  /** 3_400_000_000 → "3.4 GB". */
  public static String bytes(double n) {
    return scaled(n, BYTES, n < 1000);
  }

  /** A count with its unit: count(1.2e9) + " tokens". */
  public static String count(double n, String unit) {
    return count(n) + " " + unit;
  }

  /** 0.1234 → "12.3%". */
  public static String pct(double share) {
    return String.format(Locale.ROOT, "%.1f%%", share * 100);
  }

  /** A bin edge or a ratio: integers as counts, fractions with up to two decimals. */
  public static String edge(double v) {
    if (v == Math.rint(v)) {
      return count(v);
    }
    return String.format(Locale.ROOT, "%.2f", v).replaceAll("0$", "");
  }

  private static String scaled(double n, String[] units, boolean plain) {
    if (plain) {
      return (n == Math.rint(n) ? Long.toString((long) n) : String.format(Locale.ROOT, "%.1f", n))
          + units[0];
    }
    int i = 0;
    double v = Math.abs(n);
    while (v >= 999.95 && i < units.length - 1) {
      v /= 1000;
      i++;
    }
    String s =
        v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    return (n < 0 ? "-" : "") + s + units[i];
  }

  /** Escapes text for HTML element content and attribute values. */
  public static String html(Object o) {
    if (o == null) {
      return "";
    }
    String s = o.toString();
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t') {
            b.append(' '); // control characters are not allowed in HTML text
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
