package dev.slimspark.cli;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserError;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.LakeOptions;
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

  static int run(String[] args) throws java.io.IOException {
    long mainStart = System.nanoTime();
    long jvmBeforeMain = ManagementFactory.getRuntimeMXBean().getUptime();
    String query = null;
    String file = null;
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--file") && i + 1 < args.length) {
        file = args[++i];
      } else if (query == null
          && !a.startsWith("--")
          && (rest.isEmpty() || !rest.get(rest.size() - 1).matches("--(lake|conf|set)"))) {
        query = a;
      } else {
        rest.add(a);
      }
    }
    Main.JobArgs ja = Main.parseJobArgs(rest.toArray(new String[0]), "sql");
    List<String> queries =
        file != null ? statements(read(file)) : query != null ? List.of(query) : List.of();
    if (ja.help || queries.isEmpty() || (file != null && query != null)) {
      System.err.println(
          "usage: slimspark sql \"QUERY\" [--lake DIR] [--conf FILE]\n"
              + "       slimspark sql --file FILE [--lake DIR]   (FILE: statements separated by ';', - = stdin)\n"
              + "The Delta tables under the lake that a query names are registered as views named after their directories;\n"
              + "each statement's rows are printed as JSON lines, one statement after the other.");
      return ja.help ? 0 : 2;
    }
    SlimConfig config = SlimConfig.load(ja.conf, ja.sets);
    long t = System.nanoTime();
    SparkSession spark = Main.session(config, "sql", lightSettings());
    long session = ms(t);
    Lake lake = new Lake(spark, LakeOptions.from(config).root());
    t = System.nanoTime();
    List<String> tables = tables(spark, lake);
    long listing = ms(t);
    Set<String> named = new TreeSet<>();
    long register = 0;
    long queryMs = 0;
    for (int i = 0; i < queries.size(); i++) {
      t = System.nanoTime();
      named.addAll(register(spark, lake, tables, queries.get(i), named));
      register += ms(t);
      t = System.nanoTime();
      long rows =
          print(
              spark,
              queries.get(i),
              tables,
              queries.size() == 1 ? "" : " (statement " + (i + 1) + ")");
      queryMs += ms(t);
      LOG.info("statement {} of {}: {} rows", i + 1, queries.size(), rows);
    }
    LOG.info(
        "sql timings (ms): jvm start to main {}, config {}, session {}, lake listing {} ({} tables), "
            + "registering {} ({}), queries {} ({})",
        jvmBeforeMain,
        ms(mainStart) - session - listing - register - queryMs,
        session,
        listing,
        tables.size(),
        register,
        named,
        queryMs,
        queries.size());
    return 0;
  }

  private static String read(String file) throws java.io.IOException {
    if (file.equals("-")) {
      return new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    java.nio.file.Path p = java.nio.file.Path.of(file);
    if (!java.nio.file.Files.isRegularFile(p)) {
      throw UserErrors.missingFile("SQL file", file);
    }
    return java.nio.file.Files.readString(p, java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * The statements of a SQL script: split at ';' outside quotes ('', "", ``) and comments (--, /*
   * *\/); blank statements (and comment-only ones) are dropped.
   */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean code = false;
    int n = script.length();
    for (int i = 0; i < n; i++) {
      char c = script.charAt(i);
      int end = i;
      if (c == '\'' || c == '"' || c == '`') {
        end = closingQuote(script, i);
      } else if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
        end = closing(script, i + 1, "\n");
      } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
        end = closing(script, i + 1, "*/");
      } else if (c == ';') {
        if (code) {
          out.add(cur.toString().strip());
        }
        cur.setLength(0);
        code = false;
        continue;
      }
      boolean comment = c == '-' || c == '/';
      code |= end == i ? !Character.isWhitespace(c) : !comment;
      cur.append(script, i, Math.min(n, end + 1));
      i = end;
    }
    if (code) {
      out.add(cur.toString().strip());
    }
    return out;
  }

  /** Index of the quote that closes the one at {@code from} (a backslash escapes in '' and ""). */
  private static int closingQuote(String s, int from) {
    char q = s.charAt(from);
    for (int i = from + 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && q != '`') {
        i++;
      } else if (c == q) {
        return i;
      }
    }
    return s.length() - 1;
  }

  /** Index of the last character of {@code close} after {@code from}, or the end of the text. */
  private static int closing(String s, int from, String close) {
    int at = s.indexOf(close, from + 1);
    return at < 0 ? s.length() - 1 : at + close.length() - 1;
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

  /**
   * Runs the query and prints its rows as JSON lines; a query the user got wrong is a user error.
   */
  private static long print(SparkSession spark, String query, List<String> tables, String which) {
    long n = 0;
    try {
      Iterator<String> rows = spark.sql(query).toJSON().toLocalIterator();
      while (rows.hasNext()) {
        System.out.println(rows.next());
        n++;
      }
    } catch (Exception e) {
      if (e instanceof AnalysisException || e.getClass().getName().endsWith("ParseException")) {
        throw invalidQuery(e, tables, which);
      }
      String errorClass = errorClass(e);
      if (errorClass != null && !errorClass.startsWith("INTERNAL_ERROR")) {
        // Spark names the user's mistakes (DIVIDE_BY_ZERO, CAST_INVALID_INPUT, ...) with an error
        // class.
        throw UserErrors.of(
            "The SQL query" + which + " failed while running (" + n + " rows printed before).",
            String.valueOf(e.getMessage()).strip().split("\n")[0],
            "Fix the query; the cause names what went wrong.");
      }
      throw e;
    }
    return n;
  }

  /** The error class of the first SparkThrowable in the cause chain, or null. */
  private static String errorClass(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof org.apache.spark.SparkThrowable
          && ((org.apache.spark.SparkThrowable) c).getErrorClass() != null) {
        return ((org.apache.spark.SparkThrowable) c).getErrorClass();
      }
    }
    return null;
  }

  static UserError invalidQuery(Exception e, List<String> tables, String which) {
    // Spark's first non-blank line names the error class and position (a parse error starts with
    // "\n").
    String first = String.valueOf(e.getMessage()).strip().split("\n")[0];
    String problem =
        first.contains("TABLE_OR_VIEW_NOT_FOUND")
            ? "The SQL query" + which + " names a table that this lake does not have."
            : first.contains("PARSE_SYNTAX_ERROR")
                    || e.getClass().getName().endsWith("ParseException")
                ? "The SQL query" + which + " does not parse."
                : "The SQL query" + which + " is invalid.";
    return UserErrors.of(
        problem,
        first,
        "Fix the query. Tables in this lake: "
            + (tables.isEmpty() ? "(none)" : String.join(", ", tables))
            + "; their columns are in data-schemas/TABLE.json.");
  }

  /** The Delta tables directly under the lake root (directories holding a _delta_log), by name. */
  static List<String> tables(SparkSession spark, Lake lake) {
    List<String> names = new ArrayList<>();
    try {
      Path root = new Path(lake.root());
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        throw UserErrors.of(
            "The lake " + lake.root() + " does not exist.",
            "No job has written to it yet.",
            "Run `bin/slimspark demo` or a stage first, or pass --lake DIR.");
      }
      for (FileStatus s : fs.listStatus(root)) {
        if (s.isDirectory() && fs.exists(new Path(s.getPath(), "_delta_log"))) {
          names.add(s.getPath().getName());
        }
      }
    } catch (java.io.IOException e) {
      throw UserErrors.of(
          "Cannot list the lake " + lake.root() + ".",
          e.getMessage(),
          "Check the path and credentials.");
    }
    names.sort(null);
    return names;
  }

  /**
   * Registers the lake tables whose names occur as words in {@code query} and are not in {@code
   * done}; returns their names.
   */
  static List<String> register(
      SparkSession spark, Lake lake, List<String> tables, String query, Set<String> done) {
    Set<String> words = new TreeSet<>();
    Matcher m = WORD.matcher(query);
    while (m.find()) {
      words.add((m.group(1) != null ? m.group(1) : m.group(2)).toLowerCase(Locale.ROOT));
    }
    List<String> named = new ArrayList<>();
    Set<String> inLake = new TreeSet<>();
    for (String t : tables) {
      inLake.add(t.toLowerCase(Locale.ROOT));
      if (words.contains(t.toLowerCase(Locale.ROOT)) && !done.contains(t)) {
        spark.read().format("delta").load(lake.path(t)).createOrReplaceTempView(t);
        named.add(t);
      }
    }
    // A view of the same name left in a shared session (another lake's table, when sql runs
    // inside a longer-lived JVM) must not answer for a table this lake lacks.
    for (String w : words) {
      if (!inLake.contains(w) && !w.isEmpty() && isTempView(spark, w)) {
        spark.catalog().dropTempView(w);
      }
    }
    return named;
  }

  private static boolean isTempView(SparkSession spark, String name) {
    try {
      return spark
          .sessionState()
          .catalog()
          .isTempView(scala.collection.JavaConverters.asScalaBuffer(List.of(name)).toSeq());
    } catch (RuntimeException e) {
      return false; // not a plain identifier: cannot be a view registered by name
    }
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
