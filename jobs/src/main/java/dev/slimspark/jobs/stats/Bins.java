package dev.slimspark.jobs.stats;

import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.when;

import java.io.Serializable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * Fixed histogram bins, the same for every run and corpus so that histograms compare across runs.
 *
 * <ul>
 *   <li>{@code log2}: bin 0 holds values below 1 (i.e. 0); bin k >= 1 holds [2^(k-1), 2^k). The bin
 *       is the bit length of the integer value ({@code length(bin(v))}), exact with no floating
 *       point. For lengths and counts.
 *   <li>{@code linear(min,width,n)}: bin k holds [min + k*width, min + (k+1)*width) for k < n;
 *       values at or above the top go to bin n (open upper bound, {@code upper} null) unless the
 *       spec is {@code closed}, where they stay in bin n-1 (ratios in [0, 1]: 1.0 lands in the last
 *       bin). Values below min go to bin 0. Computed as floor((v-min)/width) in doubles, so a value
 *       exactly on an edge may land one bin low when the division rounds down.
 * </ul>
 *
 * Null values get bin -1 with null bounds, so a histogram always sums to its document count.
 */
public final class Bins implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Bin of a null value. */
  public static final int MISSING = -1;

  private final String kind;
  private final double min;
  private final double width;
  private final int n;
  private final boolean closed;

  private Bins(String kind, double min, double width, int n, boolean closed) {
    this.kind = kind;
    this.min = min;
    this.width = width;
    this.n = n;
    this.closed = closed;
  }

  public static Bins log2() {
    return new Bins("log2", 0, 0, 0, false);
  }

  /** n bins of width from min, plus an overflow bin n. */
  public static Bins linear(double min, double width, int n) {
    return new Bins("linear", min, width, n, false);
  }

  /**
   * n bins of width from min; values at or above the top stay in the last bin (for [0, 1] ratios).
   */
  public static Bins closed(double min, double width, int n) {
    return new Bins("linear", min, width, n, true);
  }

  /**
   * How the bins were made, as written to the {@code binning} column, e.g.
   * "linear(0,0.05,20,closed)".
   */
  public String describe() {
    if (kind.equals("log2")) {
      return "log2";
    }
    return "linear("
        + fmt(min)
        + ","
        + fmt(width)
        + ","
        + n
        + (closed ? ",closed" : ",overflow")
        + ")";
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** The bin index of {@code v} (an int column). */
  public Column bin(Column v) {
    Column b;
    if (kind.equals("log2")) {
      Column asLong = v.cast(DataTypes.LongType);
      b = when(asLong.lt(1), lit(0)).otherwise(length(org.apache.spark.sql.functions.bin(asLong)));
    } else {
      Column raw = floor(v.cast(DataTypes.DoubleType).minus(min).divide(width));
      Column clampedLow = when(raw.lt(0), lit(0L)).otherwise(raw);
      b = least(clampedLow, lit((long) (closed ? n - 1 : n)));
    }
    return when(v.isNull(), lit(MISSING)).otherwise(b.cast(DataTypes.IntegerType));
  }

  /** Inclusive lower bound of bin column {@code b} (null for the missing bin). */
  public Column lower(Column b) {
    Column lo =
        kind.equals("log2")
            ? when(b.equalTo(0), lit(0.0)).otherwise(pow(lit(2.0), b.minus(1)))
            : lit(min).plus(b.multiply(width));
    return when(b.equalTo(MISSING), lit(null).cast(DataTypes.DoubleType)).otherwise(lo);
  }

  /** Exclusive upper bound of bin column {@code b}; null for the missing and the overflow bin. */
  public Column upper(Column b) {
    Column hi;
    if (kind.equals("log2")) {
      hi = pow(lit(2.0), b);
    } else if (closed) {
      hi = lit(min).plus(b.plus(1).multiply(width));
    } else {
      hi =
          when(b.geq(n), lit(null).cast(DataTypes.DoubleType))
              .otherwise(lit(min).plus(b.plus(1).multiply(width)));
    }
    return when(b.equalTo(MISSING), lit(null).cast(DataTypes.DoubleType)).otherwise(hi);
  }
}
