package dev.slimspark.cli;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserError;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.Pipeline;
import dev.slimspark.jobs.Stage;
import dev.slimspark.jobs.StageRunner;
import dev.slimspark.spark.Sessions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line: {@code slimspark JOB --conf FILE [--set key=value ...]}, plus {@code run},
 * {@code demo}, {@code sql}, {@code report}, {@code generate-sample} and {@code bench}. Exit codes:
 * 0 success, 1 internal error, 2 user error (printed as problem/cause/fix), 3 the job finished but
 * its checks failed (e.g. --fail-on-quarantine).
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command and returns its exit code (tests call this directly). */
  public static int run(String[] args) {
    try {
      return dispatch(args);
    } catch (Throwable t) {
      UserError u = UserError.find(t);
      if (u == null && t instanceof com.typesafe.config.ConfigException) {
        // A config value read with the wrong type deep inside a stage (a list of objects where
        // strings are expected): the user's config, not our bug.
        u =
            UserErrors.of(
                "A config value has the wrong type or form.",
                t.getMessage(),
                "Fix the value the cause names; `bin/slimspark JOB --help` lists every key with its default.");
      }
      if (u == null) {
        u = UserErrors.connectionLost(t);
        if (u != null) {
          LOG.warn("connection lost; details:", t);
        }
      }
      if (u != null) {
        System.err.println(u.render());
        return 2;
      }
      LOG.error("slimspark failed with an internal error", t);
      System.err.println(
          "error: internal failure: " + t + " (see the log above; please report it)");
      return 1;
    }
  }

  private static int dispatch(String[] args) throws java.io.IOException {
    if (args.length == 0 || isHelp(args[0])) {
      System.err.println(usage());
      return 0;
    }
    String cmd = args[0];
    String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
    switch (cmd) {
      case "demo":
        return Demo.run(rest);
      case "sql":
        return SqlCommand.run(rest);
      case "report":
        return ReportCommand.run(rest);
      case "generate-sample":
        return GenerateSampleCommand.run(rest);
      case "bench":
        return bench(rest);
      case "run":
        return runStageCommand(Pipeline.stageNames(), rest, "run");
      default:
        if (Pipeline.find(cmd) != null) {
          return runStageCommand(List.of(cmd), rest, cmd);
        }
        List<String> all = new ArrayList<>(Pipeline.stageNames());
        all.addAll(Pipeline.standalone().keySet());
        all.addAll(List.of("run", "demo", "sql", "report", "generate-sample", "bench"));
        throw UserErrors.unknownJob(cmd, all);
    }
  }

  /**
   * The {@code bench} command's class, in the bench module: found by name, jobs does not depend on
   * it.
   */
  static final String BENCH_ENTRY = "dev.slimspark.cli.BenchCommand";

  /**
   * {@code bench ...}: the benchmarks live in their own module, which neither the jobs jar nor the
   * cluster jar contains; bin/slimspark puts it on the class path for {@code bench}.
   */
  private static int bench(String[] args) throws java.io.IOException {
    java.lang.reflect.Method run;
    try {
      run = Class.forName(BENCH_ENTRY).getMethod("run", String[].class);
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      throw UserErrors.of(
          "`bench` is not part of this build.",
          "The benchmarks live in the bench module ("
              + BENCH_ENTRY
              + "), which is not on the class path:"
              + " the jobs jar and the cluster jar leave them out.",
          "Run them from a source checkout with `bin/slimspark bench ...` (it builds the bench module"
              + " and puts it on the class path).");
    }
    try {
      return (Integer) run.invoke(null, (Object) args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      Throwable c = e.getCause();
      if (c instanceof java.io.IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean isHelp(String a) {
    return a.equals("--help") || a.equals("-h") || a.equals("help");
  }

  /** Parsed common options of a job command. */
  static final class JobArgs {
    String conf;
    final List<String> sets = new ArrayList<>();
    boolean help;

    /** run only: redo every stage, even those up to date. */
    boolean force;

    /** run only: the last stage to run (null: all). */
    String until;
  }

  static JobArgs parseJobArgs(String[] args, String cmd) {
    JobArgs a = new JobArgs();
    for (int i = 0; i < args.length; i++) {
      String x = args[i];
      if (isHelp(x)) {
        a.help = true;
      } else if (x.equals("--conf") && i + 1 < args.length) {
        a.conf = args[++i];
      } else if (x.startsWith("--conf=")) {
        a.conf = x.substring("--conf=".length());
      } else if (x.equals("--set") && i + 1 < args.length) {
        a.sets.add(args[++i]);
      } else if (x.startsWith("--set=")) {
        a.sets.add(x.substring("--set=".length()));
      } else if (cmd.equals("run") && x.equals("--force")) {
        a.force = true;
      } else if (cmd.equals("run") && x.equals("--until") && i + 1 < args.length) {
        a.until = args[++i];
      } else if (x.equals("--fail-on-quarantine")) {
        a.sets.add("ingest.fail_on_quarantine=true");
      } else if (x.equals("--lake") && i + 1 < args.length) {
        a.sets.add("lake=" + com.typesafe.config.ConfigUtil.quoteString(args[++i]));
      } else {
        throw UserErrors.badArgument(
            x, "usage: slimspark " + cmd + " --conf FILE [--set key=value ...]");
      }
    }
    return a;
  }

  /** Parses a stage command's options and runs its stages (all of them for {@code run}). */
  private static int runStageCommand(List<String> names, String[] rest, String cmd) {
    JobArgs a = parseJobArgs(rest, cmd);
    if (a.help) {
      System.err.println(jobHelp(cmd, names));
      return 0;
    }
    if (a.until != null) {
      int last = names.indexOf(a.until);
      if (last < 0) {
        throw UserErrors.badArgument(
            "--until " + a.until, "--until takes a pipeline stage: " + String.join(", ", names));
      }
      names = names.subList(0, last + 1);
    }
    SlimConfig config = SlimConfig.load(a.conf, a.sets);
    SparkSession spark = session(config, cmd);
    return new StageRunner(System.out, System.err)
        .run(spark, config, names, cmd, cmd.equals("run") && !a.force);
  }

  /** Creates (or reuses) the session with the config's spark.* settings. */
  public static SparkSession session(SlimConfig config, String appName) {
    return session(config, appName, Map.of());
  }

  /**
   * As {@link #session(SlimConfig, String)}, with {@code defaults}: settings for this command that
   * a spark.* key of the config or a system property (spark-submit --conf) overrides.
   */
  static SparkSession session(SlimConfig config, String appName, Map<String, String> defaults) {
    SparkSession.Builder b =
        Sessions.withDelta(SparkSession.builder().appName("slimspark-" + appName));
    for (Map.Entry<String, String> e : defaults.entrySet()) {
      if (System.getProperty(e.getKey()) == null) {
        b = b.config(e.getKey(), e.getValue());
      }
    }
    for (Map.Entry<String, String> e : config.sparkSettings().entrySet()) {
      b = b.config(e.getKey(), e.getValue());
    }
    return b.getOrCreate();
  }

  static String usage() {
    StringBuilder sb = new StringBuilder();
    sb.append("usage: slimspark COMMAND [options]\n\n");
    sb.append("Pipeline stages (each: --conf FILE [--set key=value ...] [--help]):\n");
    for (Stage s : Pipeline.stages().values()) {
      sb.append(String.format("  %-16s %s%n", s.name(), s.description()));
    }
    sb.append(
        String.format(
            "  %-16s %s%n",
            "run", "all stages above, in order; skips those up to date for this config and input"));
    sb.append(
        String.format(
            "  %-16s %s%n", "", "  [--until STAGE] stop after STAGE, [--force] redo every stage"));
    sb.append("\nLabeling (each: --conf FILE [--set key=value ...] [--help]):\n");
    for (Stage s : Pipeline.standalone().values()) {
      sb.append(String.format("  %-16s %s%n", s.name(), s.description()));
    }
    sb.append("\nOther commands:\n");
    sb.append(
        String.format(
            "  %-16s %s%n",
            "demo", "[--lake DIR] generate the sample corpus and run every stage on it"));
    sb.append(
        String.format(
            "  %-16s %s%n",
            "sql",
            "\"QUERY\" [--lake DIR] [--conf FILE]: Spark SQL over the lake's tables, JSON lines out"));
    sb.append(
        String.format(
            "  %-16s %s%n",
            "report",
            "[--lake DIR] [--out FILE.html]: HTML report + JSON twin from the stats tables"));
    sb.append(
        String.format(
            "  %-16s %s%n",
            "generate-sample",
            "--out DIR [--docs N] [--shards N] [--seed S] [--bytes N] [--plain] [--skew]"));
    sb.append(
        String.format(
            "  %-16s %s%n",
            "bench", "ingest-filter [--bytes N] [--out DIR]: throughput vs a plain Jackson loop"));
    sb.append(
        String.format(
            "  %-16s %s%n",
            "",
            "dedup [--docs N] [--scales 1,2,4,8] [--out DIR]: vs MLlib MinHashLSH and dropDuplicates, scaling"));
    sb.append(
        String.format(
            "  %-16s %s%n",
            "",
            "scale [--sizes 1g,2g,4g,8g] [--heap 1g] [--out DIR]: whole pipeline on the skewed corpus per size, fixed heap"));
    sb.append(
        String.format(
            "  %-16s %s%n",
            "", "main CLASS [ARGS...]: the other benchmark mains (bench --help lists them);"));
    sb.append(
        String.format(
            "  %-16s %s%n",
            "", "bench is in the bench module: bin/slimspark only, not the cluster jar"));
    sb.append("\nLauncher options: --submit (run through $SPARK_HOME/bin/spark-submit)\n");
    sb.append("Each job prints one JSON summary line on stdout; logs go to stderr.");
    return sb.toString();
  }

  static String jobHelp(String cmd, List<String> names) {
    StringBuilder sb = new StringBuilder();
    sb.append("usage: slimspark ").append(cmd).append(" --conf FILE [--set key=value ...]");
    if (names.contains("ingest")) {
      sb.append(" [--fail-on-quarantine]");
    }
    sb.append("\n\n");
    List<String> prefixes = new ArrayList<>();
    for (String n : names) {
      Stage s = Pipeline.find(n);
      sb.append(n).append(": ").append(s.description()).append('\n');
      for (String p : s.configPrefixes()) {
        if (!prefixes.contains(p)) {
          prefixes.add(p);
        }
      }
    }
    sb.append("\nConfig keys (key = default):\n");
    sb.append(SlimConfig.describeKeys(prefixes.toArray(new String[0])));
    return sb.toString();
  }
}
