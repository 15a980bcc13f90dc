package dev.slimspark.cli;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserError;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.lake.Lake;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code slimspark sql "QUERY" [--lake DIR]}: Spark SQL over the lake's Delta tables, JSON lines
 * out. Only the tables the query names are registered (as temp views named after their
 * directories): opening a Delta table replays its log with a Spark job, and a lake holds ~25
 * tables, so registering every one made each call take most of a minute. A query that does not
 * parse, or names a table or column that does not exist, is a user error listing the tables.
 */
final class SqlCommand {
  private static final Logger LOG = LoggerFactory.getLogger(SqlCommand.class);
  /** Words of a query that may name a table: identifiers, with or without backquotes. */
  private static final Pattern WORD = Pattern.compile("`([^`]+)`|([A-Za-z_][A-Za-z0-9_]*)");

  private SqlCommand() {}

  static int run(String[] args) {
    long mainStart = System.nanoTime();
    long jvmBeforeMain = ManagementFactory.getRuntimeMXBean().getUptime();
    String query = null;
    List<String> rest = new ArrayList<>();
    for (String a : args) {
      if (query == null && !a.startsWith("--") && (rest.isEmpty() || !rest.get(rest.size() - 1).matches("--(lake|conf|set)"))) {
        query = a;
      } else {
        rest.add(a);
      }
    }
    Main.JobArgs ja = Main.parseJobArgs(rest.toArray(new String[0]), "sql");
    if (ja.help || query == null) {
      System.err.println("usage: slimspark sql \"QUERY\" [--lake DIR] [--conf FILE]\n"
          + "The Delta tables under the lake that the query names are registered as views named after their directories.");
      return query == null && !ja.help ? 2 : 0;
    }
    SlimConfig config = SlimConfig.load(ja.conf, ja.sets);
    long t = System.nanoTime();
    SparkSession spark = Main.session(config, "sql", lightSettings());
    long session = ms(t);
    Lake lake = new Lake(spark, config.getString("lake"));
    t = System.nanoTime();
    List<String> tables = tables(spark, lake);
    long listing = ms(t);
    t = System.nanoTime();
    List<String> named = register(spark, lake, tables, query);
    long register = ms(t);
    t = System.nanoTime();
    long rowCount = print(spark, query, tables);
    LOG.info("sql timings (ms): jvm start to main {}, config {}, session {}, lake listing {} ({} tables), "
            + "registering {} ({}), query {} ({} rows)",
        jvmBeforeMain, ms(mainStart) - session - listing - register - ms(t), session, listing, tables.size(),
        register, named, ms(t), rowCount);
    return 0;
  }

  /**
   * Session settings for a quick look in embedded mode: Delta rebuilds a table's snapshot with
   * {@code spark.databricks.delta.snapshotPartitions} tasks (default 50, sized for clusters), most
   * of a {@code count(*)}'s time on a laptop's small lake (BENCHMARKS.md: sql start-up). On a
   * cluster (spark-submit), nothing is changed.
   */
  static java.util.Map<String, String> lightSettings() {
    String master = System.getProperty("spark.master", "");
    if (!master.startsWith("local")) {
      return java.util.Map.of();
    }
    String cores = Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors()));
    return java.util.Map.of("spark.databricks.delta.snapshotPartitions", cores);
  }

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  /** Runs the query and prints its rows as JSON lines; a query the user got wrong is a user error. */
  private static long print(SparkSession spark, String query, List<String> tables) {
    long n = 0;
    try {
      Iterator<String> rows = spark.sql(query).toJSON().toLocalIterator();
      while (rows.hasNext()) {
        System.out.println(rows.next());
        n++;
      }
    } catch (Exception e) {
      if (e instanceof AnalysisException || e.getClass().getName().endsWith("ParseException")) {
        throw invalidQuery(e, tables);
      }
      String errorClass = errorClass(e);
      if (errorClass != null && !errorClass.startsWith("INTERNAL_ERROR")) {
        // Spark names the user's mistakes (DIVIDE_BY_ZERO, CAST_INVALID_INPUT, ...) with an error class.
        throw UserErrors.of("The SQL query failed while running (" + n + " rows printed before).",
            String.valueOf(e.getMessage()).strip().split("\n")[0], "Fix the query; the cause names what went wrong.");
      }
      throw e;
    }
    return n;
  }

  /** The error class of the first SparkThrowable in the cause chain, or null. */
  private static String errorClass(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof org.apache.spark.SparkThrowable && ((org.apache.spark.SparkThrowable) c).getErrorClass() != null) {
        return ((org.apache.spark.SparkThrowable) c).getErrorClass();
      }
    }
    return null;
  }

  static UserError invalidQuery(Exception e, List<String> tables) {
    // Spark's first non-blank line names the error class and position (a parse error starts with "\n").
    String first = String.valueOf(e.getMessage()).strip().split("\n")[0];
    String problem = first.contains("TABLE_OR_VIEW_NOT_FOUND")
        ? "The SQL query names a table that this lake does not have."
        : first.contains("PARSE_SYNTAX_ERROR") || e.getClass().getName().endsWith("ParseException")
            ? "The SQL query does not parse."
            : "The SQL query is invalid.";
    return UserErrors.of(problem, first,
        "Fix the query. Tables in this lake: " + (tables.isEmpty() ? "(none)" : String.join(", ", tables))
            + "; their columns are in data-schemas/TABLE.json.");
  }

  /** The Delta tables directly under the lake root (directories holding a _delta_log), by name. */
  static List<String> tables(SparkSession spark, Lake lake) {
    List<String> names = new ArrayList<>();
    try {
      Path root = new Path(lake.root());
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        throw UserErrors.of("The lake " + lake.root() + " does not exist.", "No job has written to it yet.",
            "Run `bin/slimspark demo` or a stage first, or pass --lake DIR.");
      }
      for (FileStatus s : fs.listStatus(root)) {
        if (s.isDirectory() && fs.exists(new Path(s.getPath(), "_delta_log"))) {
          names.add(s.getPath().getName());
        }
      }
    } catch (java.io.IOException e) {
      throw UserErrors.of("Cannot list the lake " + lake.root() + ".", e.getMessage(), "Check the path and credentials.");
    }
    names.sort(null);
    return names;
  }

  /** Registers the lake tables whose names occur as words in {@code query}; returns their names. */
  static List<String> register(SparkSession spark, Lake lake, List<String> tables, String query) {
    Set<String> words = new TreeSet<>();
    Matcher m = WORD.matcher(query);
    while (m.find()) {
      words.add((m.group(1) != null ? m.group(1) : m.group(2)).toLowerCase(Locale.ROOT));
    }
    List<String> named = new ArrayList<>();
    for (String t : tables) {
      if (words.contains(t.toLowerCase(Locale.ROOT))) {
        spark.read().format("delta").load(lake.path(t)).createOrReplaceTempView(t);
        named.add(t);
      }
    }
    return named;
  }

  /** Registers every Delta table directly under the lake root as a temp view; returns the names. */
  static List<String> registerTables(SparkSession spark, Lake lake) {
    List<String> names = tables(spark, lake);
    for (String t : names) {
      spark.read().format("delta").load(lake.path(t)).createOrReplaceTempView(t);
    }
    return names;
  }
}
