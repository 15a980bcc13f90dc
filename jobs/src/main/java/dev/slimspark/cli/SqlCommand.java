package dev.slimspark.cli;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.lake.Lake;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSession;

/** {@code slimspark sql "QUERY" [--lake DIR]}: every Delta table in the lake as a view, JSON lines out. */
final class SqlCommand {
  private SqlCommand() {}

  static int run(String[] args) {
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
          + "Every Delta table under the lake is registered as a view named after its directory.");
      return query == null && !ja.help ? 2 : 0;
    }
    SlimConfig config = SlimConfig.load(ja.conf, ja.sets);
    SparkSession spark = Main.session(config, "sql");
    registerTables(spark, new Lake(spark, config.getString("lake")));
    Iterator<String> rows;
    try {
      rows = spark.sql(query).toJSON().toLocalIterator();
    } catch (Exception e) {
      if (e instanceof AnalysisException || e.getClass().getName().contains("ParseException")) {
        throw UserErrors.of("The SQL query is invalid.", e.getMessage().split("\n")[0],
            "Fix the query; tables: " + String.join(", ", spark.catalog().listTables().toJavaRDD().collect().stream().map(t -> t.name()).toList()));
      }
      throw e;
    }
    while (rows.hasNext()) {
      System.out.println(rows.next());
    }
    return 0;
  }

  /** Registers each Delta table directory directly under the lake root as a temp view. */
  static List<String> registerTables(SparkSession spark, Lake lake) {
    List<String> names = new ArrayList<>();
    try {
      Path root = new Path(lake.root());
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        throw UserErrors.of("The lake " + lake.root() + " does not exist.", "No job has written to it yet.",
            "Run `bin/slimspark demo` or a stage first, or pass --lake DIR.");
      }
      for (FileStatus s : fs.listStatus(root)) {
        String name = s.getPath().getName();
        if (s.isDirectory() && DeltaTable.isDeltaTable(spark, s.getPath().toString())) {
          spark.read().format("delta").load(s.getPath().toString()).createOrReplaceTempView(name);
          names.add(name);
        }
      }
    } catch (java.io.IOException e) {
      throw UserErrors.of("Cannot list the lake " + lake.root() + ".", e.getMessage(), "Check the path and credentials.");
    }
    return names;
  }
}
