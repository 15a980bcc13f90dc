package dev.slimspark.jobs.stats;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code stats_reconcile}: the funnel per source in one row, with the check that every input line
 * has exactly one outcome: {@code difference = input_lines - (blank + quarantined + filtered_out +
 * exact + near + decon_dropped + kept)} and {@code reconciled = difference == 0}. A null source is
 * the all-sources total. The decon_* columns are null when decontaminate did not run (not zero: it
 * removed nothing because it did not look). Each term comes from a different table (see {@link
 * FunnelStats}), so a stage that lost or duplicated documents shows up as a non-zero difference for
 * its sources.
 */
final class Reconciliation {
  static final StructType SCHEMA =
      new StructType()
          .add("source", DataTypes.StringType, true)
          .add("input_lines", DataTypes.LongType, false)
          .add("blank_lines", DataTypes.LongType, false)
          .add("quarantined", DataTypes.LongType, false)
          .add("filtered_out", DataTypes.LongType, false)
          .add("exact_duplicates", DataTypes.LongType, false)
          .add("near_duplicates", DataTypes.LongType, false)
          .add("decon_dropped", DataTypes.LongType, true)
          .add("decon_cut", DataTypes.LongType, true)
          .add("kept", DataTypes.LongType, false)
          .add("kept_bytes", DataTypes.LongType, false)
          .add("decon_removed_bytes", DataTypes.LongType, true)
          .add("tokens", DataTypes.LongType, true)
          .add("packed_tokens", DataTypes.LongType, true)
          .add("filter_removal_rate", DataTypes.DoubleType, true)
          .add("dedup_removal_rate", DataTypes.DoubleType, true)
          .add("decon_removal_rate", DataTypes.DoubleType, true)
          .add("difference", DataTypes.LongType, false)
          .add("reconciled", DataTypes.BooleanType, false);

  private Reconciliation() {}

  /** One row per funnel source, then the all-sources row (source null). */
  static List<Row> compute(List<Row> funnel, boolean decon) {
    List<Row> out = new ArrayList<>();
    List<String> sources = FunnelStats.sources(funnel);
    for (String s : sources) {
      out.add(row(funnel, s, decon));
    }
    out.add(row(funnel, null, decon));
    return out;
  }

  private static Row row(List<Row> f, String source, boolean decon) {
    long input = FunnelStats.total(f, source, "input_lines");
    long blank = FunnelStats.total(f, source, "blank");
    long quarantined = FunnelStats.total(f, source, "quarantined");
    long filtered = FunnelStats.total(f, source, "filtered");
    long exact = FunnelStats.total(f, source, "exact_duplicate");
    long near = FunnelStats.total(f, source, "near_duplicate");
    long dropped = FunnelStats.total(f, source, DeconStats.DROPPED);
    long kept = FunnelStats.total(f, source, "kept");
    long keptBytes = 0;
    long deconBytes = 0;
    Long tokens = null;
    Long packed = null;
    for (Row r : f) {
      if (source != null && !source.equals(r.getString(0))) {
        continue;
      }
      String step = r.getString(2);
      if (step.equals("kept") && !r.isNullAt(5)) {
        keptBytes += r.getLong(5);
      } else if ((step.equals(DeconStats.DROPPED) || step.equals(DeconStats.CUT))
          && !r.isNullAt(5)) {
        deconBytes += r.getLong(5);
      } else if (step.equals("tokenized") && !r.isNullAt(6)) {
        tokens = (tokens == null ? 0 : tokens) + r.getLong(6);
      } else if (step.equals("packed") && !r.isNullAt(6)) {
        packed = (packed == null ? 0 : packed) + r.getLong(6);
      }
    }
    long docs = input - blank - quarantined;
    long deconIn = dropped + kept;
    long dedupIn = exact + near + deconIn;
    long difference = input - (blank + quarantined + filtered + exact + near + dropped + kept);
    return RowFactory.create(
        source,
        input,
        blank,
        quarantined,
        filtered,
        exact,
        near,
        decon ? dropped : null,
        decon ? FunnelStats.total(f, source, DeconStats.CUT) : null,
        kept,
        keptBytes,
        decon ? deconBytes : null,
        tokens,
        packed,
        docs > 0 ? round((double) filtered / docs) : null,
        dedupIn > 0 ? round((double) (exact + near) / dedupIn) : null,
        decon && deconIn > 0 ? round((double) dropped / deconIn) : null,
        difference,
        difference == 0);
  }

  private static double round(double d) {
    return Math.round(d * 1e6) / 1e6;
  }
}
