package dev.slimspark.jobs.stats;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.slimspark.lake.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code stats_funnel}: where every input line went, per source and reason, each count read from
 * the table that records that outcome (so the reconciliation in {@link Reconciliation} is a real
 * check, not an identity). Steps, in order: 1 input_lines, 2 blank, 3 quarantined (by reason), 4
 * filtered (by drop_reason, the first failed rule), 5 exact_duplicate, 6 near_duplicate, when
 * decontaminate ran 7 decon_dropped and 8 decon_cut (cut documents stay: not an outcome; bytes are
 * those removed), 9 kept (docs_decon when decontaminate ran, else docs_dedup), then when present 10
 * tokenized and 11 packed (tokens, not an outcome of the document count).
 *
 * <p>Blank and quarantined lines never parsed, so they have no source: they are attributed to the
 * pseudo-source "(no source)", whose input_lines are ingest_files.lines_read minus docs_raw's rows.
 * Only grouped counts are collected to the driver.
 */
final class FunnelStats {
  static final StructType SCHEMA =
      new StructType()
          .add("source", DataTypes.StringType, false)
          .add("step_order", DataTypes.IntegerType, false)
          .add("step", DataTypes.StringType, false)
          .add("reason", DataTypes.StringType, true)
          .add("documents", DataTypes.LongType, false)
          .add("bytes", DataTypes.LongType, true)
          .add("tokens", DataTypes.LongType, true)
          .add("from_table", DataTypes.StringType, false);

  private FunnelStats() {}

  /**
   * The funnel rows, sorted by source, step_order, reason. All document steps are one union of
   * grouped aggregates collected in a single Spark job (per-job overhead dominates on small lakes).
   */
  static List<Row> compute(StatsInputs in) {
    Dataset<Row> steps = withKept(withDeconSteps(withDedupSteps(ingestSteps(in), in), in), in);
    List<Row> rows = funnelRows(steps.collectAsList());
    rows.addAll(TokenFunnel.rows(in));
    rows.sort(FunnelStats::compare);
    return rows;
  }

  /** Steps 0 to 4: lines read, input lines, blank, quarantined and filtered. */
  private static Dataset<Row> ingestSteps(StatsInputs in) {
    Dataset<Row> files = in.ingestFiles();
    return fileTotal(files, "lines_read", 0, LINES_READ)
        .unionByName(fileTotal(files, "blank", 2, "blank"))
        .unionByName(
            step(
                in.docsRaw(),
                col("source"),
                1,
                "input_lines",
                null,
                col("byte_length"),
                Table.DOCS_RAW.id()))
        .unionByName(
            step(
                in.ingestQuarantine(),
                lit(StatsTables.NO_SOURCE),
                3,
                "quarantined",
                col("reason"),
                col("line_bytes"),
                Table.INGEST_QUARANTINE.id()))
        .unionByName(
            step(
                in.docsFiltered().where(col("kept").equalTo(false)),
                col("source"),
                4,
                "filtered",
                col("drop_reason"),
                col("byte_length"),
                Table.DOCS_FILTERED.id()));
  }

  /** {@code steps} followed by steps 5 and 6: exact and near duplicates removed. */
  private static Dataset<Row> withDedupSteps(Dataset<Row> steps, StatsInputs in) {
    Dataset<Row> removed = in.dupClusters().where(col("kept").equalTo(false));
    return steps
        .unionByName(
            step(
                removed.where(col("reason").equalTo("exact")),
                col("source"),
                5,
                "exact_duplicate",
                null,
                lit(null).cast(DataTypes.LongType),
                Table.DUP_CLUSTERS.id()))
        .unionByName(
            step(
                removed.where(col("reason").equalTo("near")),
                col("source"),
                6,
                "near_duplicate",
                null,
                lit(null).cast(DataTypes.LongType),
                Table.DUP_CLUSTERS.id()));
  }

  /** {@code steps} followed, when decontaminate ran, by steps 7 and 8: dropped and cut. */
  private static Dataset<Row> withDeconSteps(Dataset<Row> steps, StatsInputs in) {
    if (!in.hasDecon()) {
      return steps;
    }
    String from = Table.DECON_HITS.id() + " + " + Table.DOCS_DEDUP.id();
    return steps
        .unionByName(
            step(
                DeconStats.droppedStep(in),
                col("source"),
                7,
                DeconStats.DROPPED,
                col("reason"),
                col("byte_length"),
                from))
        .unionByName(
            step(
                DeconStats.cutStep(in),
                col("source"),
                8,
                DeconStats.CUT,
                null,
                col("removed"),
                from + " + " + Table.DOCS_DECON.id()));
  }

  /** {@code steps} followed by step 9: the documents kept (decontaminated ones when it ran). */
  private static Dataset<Row> withKept(Dataset<Row> steps, StatsInputs in) {
    boolean decon = in.hasDecon();
    return steps.unionByName(
        step(
            decon ? in.docsDecon() : in.docsDedup(),
            col("source"),
            9,
            "kept",
            null,
            col("byte_length"),
            (decon ? Table.DOCS_DECON : Table.DOCS_DEDUP).id()));
  }

  /**
   * A total of an ingest_files column as a "(no source)" step: lines read, or blank lines (which
   * never parsed, so have no source).
   */
  private static Dataset<Row> fileTotal(Dataset<Row> files, String column, int order, String step) {
    return files
        .agg(sum(column).cast(DataTypes.LongType).as("documents"))
        .select(
            lit(StatsTables.NO_SOURCE).as("source"),
            lit(order).as("step_order"),
            lit(step).as("step"),
            lit(null).cast(DataTypes.StringType).as("reason"),
            col("documents"),
            lit(null).cast(DataTypes.LongType).as("bytes"),
            lit(Table.INGEST_FILES.id()).as("from_table"));
  }

  /**
   * The collected steps as funnel rows, with the LINES_READ marker turned into the "(no source)"
   * input_lines: lines read minus the documents that parsed.
   */
  private static List<Row> funnelRows(List<Row> collected) {
    List<Row> rows = new ArrayList<>();
    long linesRead = 0;
    long rawDocs = 0;
    for (Row r : collected) {
      String step = r.getString(2);
      long n = r.isNullAt(4) ? 0 : r.getLong(4);
      if (step.equals(LINES_READ)) {
        linesRead = n;
        continue;
      }
      if (step.equals("input_lines")) {
        rawDocs += n;
      }
      rows.add(
          row(
              r.getString(0),
              r.getInt(1),
              step,
              r.isNullAt(3) ? null : r.getString(3),
              n,
              nullableLong(r, 5),
              null,
              r.getString(6)));
    }
    rows.add(
        row(
            StatsTables.NO_SOURCE,
            1,
            "input_lines",
            null,
            linesRead - rawDocs,
            null,
            null,
            "ingest_files - docs_raw"));
    return rows;
  }

  /**
   * Internal marker row: total lines read (ingest_files), turned into "(no source)" input_lines.
   */
  private static final String LINES_READ = "_lines_read";

  /**
   * One funnel step: documents and bytes grouped by source and reason (both columns, may be
   * literals).
   */
  private static Dataset<Row> step(
      Dataset<Row> d,
      org.apache.spark.sql.Column source,
      int order,
      String step,
      org.apache.spark.sql.Column reason,
      org.apache.spark.sql.Column bytes,
      String from) {
    org.apache.spark.sql.Column r = reason == null ? lit(null).cast(DataTypes.StringType) : reason;
    return d.select(source.as("source"), r.as("reason"), bytes.cast(DataTypes.LongType).as("b"))
        .groupBy("source", "reason")
        .agg(count(lit(1)).as("documents"), sum("b").cast(DataTypes.LongType).as("bytes"))
        .select(
            col("source"),
            lit(order).as("step_order"),
            lit(step).as("step"),
            col("reason"),
            col("documents"),
            col("bytes"),
            lit(from).as("from_table"));
  }

  static Dataset<Row> toDataset(SparkSession spark, List<Row> rows) {
    return spark.createDataFrame(rows, SCHEMA).coalesce(1);
  }

  private static Long nullableLong(Row r, int i) {
    return r.isNullAt(i) ? null : r.getLong(i);
  }

  static Row row(
      String source,
      int order,
      String step,
      String reason,
      long docs,
      Long bytes,
      Long tokens,
      String from) {
    return RowFactory.create(
        source == null ? "unknown" : source, order, step, reason, docs, bytes, tokens, from);
  }

  private static int compare(Row a, Row b) {
    int c = a.getString(0).compareTo(b.getString(0));
    if (c != 0) {
      return c;
    }
    c = Integer.compare(a.getInt(1), b.getInt(1));
    if (c != 0) {
      return c;
    }
    String ra = a.isNullAt(3) ? "" : a.getString(3);
    String rb = b.isNullAt(3) ? "" : b.getString(3);
    return ra.compareTo(rb);
  }

  /** Sums documents of the rows for source (null = all) and step. */
  static long total(List<Row> rows, String source, String step) {
    long n = 0;
    for (Row r : rows) {
      if ((source == null || source.equals(r.getString(0))) && step.equals(r.getString(2))) {
        n += r.getLong(4);
      }
    }
    return n;
  }

  /** Sources in the funnel, sorted. */
  static List<String> sources(List<Row> rows) {
    TreeMap<String, Boolean> s = new TreeMap<>();
    rows.forEach(r -> s.put(r.getString(0), true));
    return new ArrayList<>(s.keySet());
  }
}
