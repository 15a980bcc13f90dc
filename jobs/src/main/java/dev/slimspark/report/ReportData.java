package dev.slimspark.report;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.stats.StatsTables;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/**
 * Everything the report shows, read from the lake's stats_* tables (small aggregates written by the
 * stats stage; only they are collected) plus which pipeline tables exist. This map is the JSON
 * twin: the HTML is rendered from it, so both carry the same numbers. Optional stages (tokenize,
 * pack, labeling) appear as {"status": "not run yet"} until their tables exist.
 */
public final class ReportData {
  /** Tables listed in the inventory, in pipeline order. */
  static final List<Table> PIPELINE_TABLES =
      List.of(
          Table.INGEST_FILES,
          Table.INGEST_QUARANTINE,
          Table.DOCS_RAW,
          Table.DOCS_FILTERED,
          Table.DOCS_DEDUP,
          Table.DUP_CLUSTERS,
          Table.DEDUP_SUMMARY,
          Table.DOCS_TOKENS,
          Table.PACKED_ROWS,
          Table.LABELS,
          Table.LABEL_EVAL,
          Table.RUNS);

  /** Most rows of an unknown optional table (e.g. label_eval) embedded in the report. */
  static final int MAX_GENERIC_ROWS = 200;

  private final Map<String, Object> root = new LinkedHashMap<>();

  private ReportData() {}

  /** Reads the stats tables; fails with a user error when the stats stage has not run. */
  public static ReportData load(Lake lake) {
    for (Table t : StatsTables.ALL) {
      if (!lake.exists(t)) {
        throw UserErrors.missingTable(t.id(), lake.path(t), t.producer());
      }
    }
    ReportData d = new ReportData();
    d.root.put("report", "slimspark corpus report");
    d.root.put("lake", lake.root());
    Map<String, Object> inventory = new LinkedHashMap<>();
    List<Table> all = new ArrayList<>(PIPELINE_TABLES);
    all.addAll(StatsTables.ALL);
    all.addAll(StatsTables.OPTIONAL);
    for (Table t : all) {
      Map<String, Object> m = new LinkedHashMap<>();
      boolean present = lake.exists(t);
      m.put("present", present);
      // Versions only for the stats tables the report is drawn from: each lookup is a Spark job.
      if (present && (StatsTables.ALL.contains(t) || StatsTables.OPTIONAL.contains(t))) {
        m.put("version", lake.version(t));
      }
      inventory.put(t.id(), m);
    }
    d.root.put("tables", inventory);
    d.root.put("reconcile", rows(lake.read(Table.STATS_RECONCILE)));
    d.root.put(
        "funnel", rows(lake.read(Table.STATS_FUNNEL).orderBy("source", "step_order", "reason")));
    d.root.put("sources", rows(lake.read(Table.STATS_SOURCES).orderBy("stage", "source")));
    d.root.put(
        "histograms",
        rows(lake.read(Table.STATS_HISTOGRAMS).orderBy("stage", "source", "metric", "bin")));
    d.root.put("languages", rows(lake.read(Table.STATS_LANGUAGES).orderBy("source", "language")));
    d.root.put(
        "cluster_sizes", rows(lake.read(Table.STATS_DUP_CLUSTER_SIZES).orderBy("cluster_size")));
    d.root.put("top_clusters", rows(lake.read(Table.STATS_DUP_TOP_CLUSTERS).orderBy("rank")));
    d.root.put("linguistic", linguistic(lake));
    d.root.put("decon", decon(lake));
    d.root.put("labels", optional(lake, Table.LABELS, Table.LABEL_EVAL));
    return d;
  }

  /**
   * Spark NLP sentence counts (stats_linguistic) with the method that produced them (seeded sample
   * or full table), or {"status": "off"} when stats did not compute them.
   */
  private static Map<String, Object> linguistic(Lake lake) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Map<String, Object>> rows =
        lake.exists(Table.STATS_LINGUISTIC)
            ? rows(
                lake.read(Table.STATS_LINGUISTIC)
                    .orderBy(org.apache.spark.sql.functions.col("source").asc_nulls_first()))
            : List.of();
    if (rows.isEmpty()) {
      m.put("status", "off");
      return m;
    }
    m.put("status", "present");
    m.put("method", rows.get(0).get("method"));
    m.put("rows", rows);
    return m;
  }

  /**
   * Decontamination per eval set (stats_decon), or {"status": "not run"} when the table is absent
   * or empty: stats writes no rows when decontaminate did not run for the corpus.
   */
  private static Map<String, Object> decon(Lake lake) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Map<String, Object>> rows =
        lake.exists(Table.STATS_DECON)
            ? rows(lake.read(Table.STATS_DECON).orderBy("eval_set"))
            : List.of();
    m.put("status", rows.isEmpty() ? "not run" : "present");
    if (!rows.isEmpty()) {
      m.put("rows", rows);
    }
    return m;
  }

  /** Labeling output when present: row count of labels and the (small) evaluation table's rows. */
  private static Map<String, Object> optional(Lake lake, Table main, Table eval) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (!lake.exists(main)) {
      m.put("status", "not run yet");
      return m;
    }
    m.put("status", "present");
    m.put(main.id() + "_rows", lake.read(main).count());
    if (lake.exists(eval)) {
      Dataset<Row> e = lake.read(eval);
      m.put(eval.id(), rows(e.limit(MAX_GENERIC_ROWS)));
    }
    return m;
  }

  /** A small table's rows as ordered maps (arrays become lists). */
  static List<Map<String, Object>> rows(Dataset<Row> df) {
    List<Map<String, Object>> out = new ArrayList<>();
    StructField[] fields = df.schema().fields();
    for (Row r : df.collectAsList()) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < fields.length; i++) {
        Object v = r.isNullAt(i) ? null : r.get(i);
        if (v instanceof scala.collection.Seq<?>) {
          v = new ArrayList<>(r.getList(i));
        } else if (v instanceof byte[] || v instanceof Row) {
          v = String.valueOf(v); // not expected in stats tables; keep the JSON valid
        }
        m.put(fields[i].name(), v);
      }
      out.add(m);
    }
    return out;
  }

  /** The JSON twin's root object (the HTML renderer adds its chart list). */
  public Map<String, Object> root() {
    return root;
  }

  @SuppressWarnings("unchecked")
  List<Map<String, Object>> list(String key) {
    return (List<Map<String, Object>>) root.get(key);
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> map(String key) {
    return (Map<String, Object>) root.get(key);
  }
}
