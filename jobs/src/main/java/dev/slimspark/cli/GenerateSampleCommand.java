package dev.slimspark.cli;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.sample.SampleCorpusGenerator;
import dev.slimspark.sample.SampleManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code slimspark generate-sample --out DIR [--docs N] [--shards N] [--seed S] [--bytes N]
 * [--plain] [--no-bad-input] [--skew] [--skew-family N]}.
 */
final class GenerateSampleCommand {
  private GenerateSampleCommand() {}

  static int run(String[] args) throws IOException {
    SampleCorpusGenerator.Options o = new SampleCorpusGenerator.Options();
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--out":
          out = Path.of(need(a, v));
          i++;
          break;
        case "--docs":
          o.docs = (int) parseSize(a, need(a, v));
          i++;
          break;
        case "--shards":
          o.shards = (int) parseSize(a, need(a, v));
          i++;
          break;
        case "--seed":
          o.seed = parseSize(a, need(a, v));
          i++;
          break;
        case "--bytes":
          o.targetBytes = parseSize(a, need(a, v));
          i++;
          break;
        case "--plain":
          o.compressShards = false;
          break;
        case "--no-bad-input":
          o.plantBadInput = false;
          break;
        case "--skew":
          o.skew = true;
          break;
        case "--skew-family":
          o.skew = true;
          o.boilerplateFamily = (int) parseSize(a, need(a, v));
          i++;
          break;
        case "--help":
        case "-h":
          System.err.println(
              "usage: slimspark generate-sample --out DIR [--docs N] [--shards N] [--seed S] [--bytes N(k|m|g)] [--plain] [--no-bad-input] [--skew] [--skew-family N]");
          return 0;
        default:
          throw UserErrors.badArgument(a, "see `slimspark generate-sample --help`");
      }
    }
    if (out == null) {
      throw UserErrors.badArgument("(missing --out)", "generate-sample needs --out DIR");
    }
    Files.createDirectories(out);
    long t0 = System.nanoTime();
    SampleManifest m = SampleCorpusGenerator.generate(o, out);
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("job", "generate-sample");
    s.put("out", out.toAbsolutePath().toString());
    s.put("valid_docs", m.totalValidDocs());
    s.put("bad_lines", m.badLinesByReason());
    s.put("blank_lines", m.blankLines());
    if (m.skew() != null) {
      Map<String, Object> k = new LinkedHashMap<>();
      m.skew().families().forEach(f -> k.put(f.name(), f.members().size()));
      Map<String, Object> skew = new LinkedHashMap<>();
      skew.put("families", k);
      skew.put("hot_share", m.skew().hotShare());
      skew.put("big_docs", m.skew().bigDocs().size());
      skew.put("tiny_files", m.skew().tinyFiles());
      s.put("skew", skew);
    }
    s.put("wall_ms", (System.nanoTime() - t0) / 1_000_000);
    System.out.println(JobSummary.toJson(s));
    return 0;
  }

  private static String need(String flag, String v) {
    if (v == null) {
      throw UserErrors.badArgument(flag, flag + " needs a value");
    }
    return v;
  }

  /** Parses 123, 64k, 10m, 1g (powers of 1024). */
  static long parseSize(String flag, String v) {
    String s = v.trim().toLowerCase(java.util.Locale.ROOT);
    long mult = 1;
    if (s.endsWith("k")) {
      mult = 1L << 10;
      s = s.substring(0, s.length() - 1);
    } else if (s.endsWith("m")) {
      mult = 1L << 20;
      s = s.substring(0, s.length() - 1);
    } else if (s.endsWith("g")) {
      mult = 1L << 30;
      s = s.substring(0, s.length() - 1);
    }
    try {
      return (long) (Double.parseDouble(s) * mult);
    } catch (NumberFormatException e) {
      throw UserErrors.badArgument(
          flag + " " + v, flag + " takes a number, optionally with k, m or g");
    }
  }
}
