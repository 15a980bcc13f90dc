package dev.slimspark.cli;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.lake.Lake;
import dev.slimspark.report.Report;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * {@code slimspark report [--lake DIR] [--out FILE]}: renders the stats_* tables as one
 * self-contained HTML file plus its JSON twin. Default out: {@code report.html} next to a local
 * lake directory (demo-out/report.html for the demo), else in the current directory. Read-only: it
 * records nothing in the runs table.
 */
final class ReportCommand {
  private ReportCommand() {}

  static int run(String[] args) throws IOException {
    String out = null;
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--out") && i + 1 < args.length) {
        out = args[++i];
      } else if (args[i].startsWith("--out=")) {
        out = args[i].substring("--out=".length());
      } else {
        rest.add(args[i]);
      }
    }
    Main.JobArgs ja = Main.parseJobArgs(rest.toArray(new String[0]), "report");
    if (ja.help) {
      System.err.println(
          "usage: slimspark report [--lake DIR] [--out FILE.html] [--conf FILE]\n"
              + "Renders the stats_* tables (run the stats stage first) as FILE.html and FILE.json.");
      return 0;
    }
    SlimConfig config = SlimConfig.load(ja.conf, ja.sets);
    SparkSession spark = Main.session(config, "report");
    return write(spark, config, out == null ? null : Path.of(out));
  }

  /** Writes the report and prints its summary line; out null = the default next to the lake. */
  static int write(SparkSession spark, SlimConfig config, Path out) throws IOException {
    RunContext ctx = new RunContext(spark, config);
    Path html = out != null ? out : defaultPath(ctx.lake());
    Report.Paths p = Report.write(ctx.lake(), html);
    JobSummary s = new JobSummary("report", ctx);
    s.input(ctx.lake().root());
    s.put("html", p.html().toAbsolutePath().toString());
    s.put("json", p.json().toAbsolutePath().toString());
    System.out.println(s.toJson());
    return 0;
  }

  static Path defaultPath(Lake lake) {
    Path dir = lake.localDir();
    if (dir != null) {
      Path parent = dir.getParent();
      return (parent == null ? dir : parent).resolve("report.html");
    }
    return Path.of("report.html").toAbsolutePath();
  }
}
