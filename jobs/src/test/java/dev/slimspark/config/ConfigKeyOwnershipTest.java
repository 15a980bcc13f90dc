package dev.slimspark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.lake.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each top-level section of {@code slimspark-defaults.conf} has one owner: an options class, the
 * only reader of the section's keys, whose DEFAULT_ constants a defaults test checks against the
 * file. And the main sources name Delta tables only through the {@link Table} catalog.
 */
class ConfigKeyOwnershipTest {
  private static final Path MAIN = Path.of("src/main/java");
  private static final Path TEST = Path.of("src/test/java");

  /** Owner of a section: its options class and the test checking its defaults against the file. */
  private record Owner(String optionsClass, String defaultsTest) {}

  /** Section -> owner. A new section of the defaults file needs a row here. */
  private static final Map<String, Owner> OWNERS = owners();

  private static Map<String, Owner> owners() {
    Map<String, Owner> m = new LinkedHashMap<>();
    m.put(
        "lake",
        new Owner("dev.slimspark.lake.LakeOptions", "dev.slimspark.lake.LakeOptionsDefaultsTest"));
    // spark.* is passed through to the SparkConf as is (SlimConfig.sparkSettings); the section has
    // no keys of its own, which the test below checks.
    m.put(
        "spark",
        new Owner(
            "dev.slimspark.config.SlimConfig", "dev.slimspark.config.ConfigKeyOwnershipTest"));
    m.put(
        "ingest",
        new Owner(
            "dev.slimspark.jobs.ingest.IngestOptions",
            "dev.slimspark.jobs.ingest.IngestOptionsTest"));
    m.put(
        "filter",
        new Owner(
            "dev.slimspark.jobs.filter.FilterOptions",
            "dev.slimspark.jobs.filter.FilterOptionsTest"));
    m.put(
        "dedup",
        new Owner(
            "dev.slimspark.jobs.dedup.DedupOptions",
            "dev.slimspark.jobs.dedup.DedupOptionsDefaultsTest"));
    m.put(
        "decontaminate",
        new Owner(
            "dev.slimspark.jobs.decon.DeconOptions", "dev.slimspark.jobs.decon.DeconOptionsTest"));
    m.put(
        "tokenize",
        new Owner(
            "dev.slimspark.jobs.tokenize.TokenizeOptions",
            "dev.slimspark.jobs.tokenize.TokenizeOptionsTest"));
    m.put(
        "pack",
        new Owner(
            "dev.slimspark.jobs.pack.PackOptions", "dev.slimspark.jobs.pack.PackOptionsTest"));
    m.put(
        "export",
        new Owner(
            "dev.slimspark.jobs.export.ExportOptions",
            "dev.slimspark.jobs.export.ExportOptionsTest"));
    m.put(
        "finetune",
        new Owner(
            "dev.slimspark.jobs.label.FinetuneOptions",
            "dev.slimspark.jobs.label.FinetuneOptionsDefaultsTest"));
    m.put(
        "label",
        new Owner(
            "dev.slimspark.jobs.label.LabelOptions",
            "dev.slimspark.jobs.label.LabelOptionsDefaultsTest"));
    m.put(
        "evaluate",
        new Owner(
            "dev.slimspark.jobs.label.EvaluateOptions",
            "dev.slimspark.jobs.label.EvaluateOptionsDefaultsTest"));
    m.put(
        "stats",
        new Owner(
            "dev.slimspark.jobs.stats.StatsOptions", "dev.slimspark.jobs.stats.StatsOptionsTest"));
    m.put(
        "demo",
        new Owner("dev.slimspark.cli.DemoOptions", "dev.slimspark.cli.DemoOptionsDefaultsTest"));
    return m;
  }

  /**
   * Main sources, other than *Options classes, that may read config keys, with the reason. Keep it
   * short: a read belongs in the owning options class.
   */
  private static final Map<String, String> MAY_READ_KEYS =
      Map.of(
          "dev/slimspark/config/SlimConfig.java",
          "the config itself: loads, validates and hashes every key");

  /** The readers of SlimConfig and Typesafe Config. */
  private static final String READERS =
      "\\.(getString|getInt|getLong|getBytes|getDouble|getBoolean|getStringList|getEnum|getConfig|getConfigList"
          + "|getObject|getList|getValue|getIsNull|hasPath|hasPathOrNull)\\(";

  /** A reader called with a literal key. */
  private static final Pattern LITERAL_READ = Pattern.compile(READERS + "\\s*\"([a-z_]+)[.\"]");

  /** A reader call anywhere on a line. */
  private static final Pattern ANY_READ = Pattern.compile(READERS);

  /**
   * A string literal naming a key of the defaults file ({@code "dedup.mode"}) or a key prefix
   * ({@code "dedup.near."}). Naming a key in an error message or in configPrefixes is fine; a
   * prefix (keys are built from it) or a key on a line that calls a reader is a read.
   */
  private static final Pattern KEY_LITERAL = Pattern.compile("\"([a-z_]+)\\.([a-z_][a-z_.]*)\"");

  /** Readers that reach any key: only an owner may call them. */
  private static final Pattern RAW_READ = Pattern.compile("\\.raw\\(\\)|\\.sparkSettings\\(\\)");

  /** Where a raw reader is allowed outside the options classes, with the reason. */
  private static final Map<String, String> MAY_READ_RAW =
      Map.of(
          "dev/slimspark/cli/Main.java",
          "builds the SparkSession from spark.* (SlimConfig.sparkSettings)");

  @Test
  void everySectionOfTheDefaultsFileHasAnOwnerWithADefaultsTest() throws Exception {
    Set<String> sections = new TreeSet<>(SlimConfig.defaults().root().keySet());
    assertEquals(
        new TreeSet<>(OWNERS.keySet()),
        sections,
        "sections of slimspark-defaults.conf vs the owner table");
    for (Map.Entry<String, Owner> e : OWNERS.entrySet()) {
      Owner o = e.getValue();
      Class.forName(o.optionsClass());
      Class.forName(o.defaultsTest());
      if (e.getKey().equals("spark")) {
        continue;
      }
      String test = Files.readString(TEST.resolve(o.defaultsTest().replace('.', '/') + ".java"));
      assertTrue(
          test.contains("DefaultsFile.assert"),
          o.defaultsTest() + " checks its constants with DefaultsFile");
      assertTrue(
          test.contains("\"" + e.getKey() + "\"") || test.contains(".KEY"),
          o.defaultsTest() + " checks the section " + e.getKey());
    }
  }

  @Test
  void theSparkSectionHasNoDefaultsOfItsOwn() {
    assertTrue(
        SlimConfig.defaults().getObject("spark").isEmpty(),
        "spark.* is a pass-through; defaults belong to Spark");
  }

  @Test
  void onlyTheOptionsClassesReadConfigKeys() throws IOException {
    Set<String> sections = SlimConfig.defaults().root().keySet();
    List<String> violations = new ArrayList<>();
    for (Path p : mainSources()) {
      String rel = MAIN.relativize(p).toString().replace('\\', '/');
      if (rel.endsWith("Options.java") || MAY_READ_KEYS.containsKey(rel)) {
        continue;
      }
      String src = stripComments(Files.readString(p));
      Matcher m = LITERAL_READ.matcher(src);
      while (m.find()) {
        if (sections.contains(m.group(2))) {
          violations.add(rel + ":" + line(src, m.start()) + " reads " + m.group(0));
        }
      }
      Matcher k = KEY_LITERAL.matcher(src);
      while (k.find()) {
        boolean read = k.group(2).endsWith(".") || ANY_READ.matcher(lineAt(src, k.start())).find();
        if (read && sections.contains(k.group(1)) && isKeyOrPrefix(k.group(1) + "." + k.group(2))) {
          violations.add(rel + ":" + line(src, k.start()) + " names the key " + k.group(0));
        }
      }
      if (!MAY_READ_RAW.containsKey(rel)) {
        Matcher r = RAW_READ.matcher(src);
        while (r.find()) {
          violations.add(rel + ":" + line(src, r.start()) + " calls " + r.group(0));
        }
      }
    }
    assertEquals(List.of(), violations, "config reads outside the owning *Options class");
  }

  /**
   * No string literal equal to a table id outside the catalog. Ids that are also plain words
   * ("labels", "runs": JSON fields, config keys, column names) are left out; the rest are unique.
   */
  @Test
  void tableNamesComeFromTheCatalog() throws IOException {
    Set<String> ids =
        Arrays.stream(Table.values())
            .map(Table::id)
            .filter(id -> id.contains("_"))
            .collect(Collectors.toSet());
    List<String> violations = new ArrayList<>();
    Pattern literal = Pattern.compile("\"([a-z_]+)\"");
    for (Path p : mainSources()) {
      String rel = MAIN.relativize(p).toString().replace('\\', '/');
      if (rel.equals("dev/slimspark/lake/Table.java")) {
        continue;
      }
      String src = stripComments(Files.readString(p));
      Matcher m = literal.matcher(src);
      while (m.find()) {
        if (ids.contains(m.group(1))) {
          violations.add(rel + ":" + line(src, m.start()) + " " + m.group(0));
        }
      }
    }
    assertEquals(List.of(), violations, "table names outside dev.slimspark.lake.Table");
  }

  private static boolean isKeyOrPrefix(String key) {
    try {
      return SlimConfig.defaults().hasPathOrNull(key.replaceAll("\\.+$", ""));
    } catch (com.typesafe.config.ConfigException e) {
      return false;
    }
  }

  private static List<Path> mainSources() throws IOException {
    try (Stream<Path> s = Files.walk(MAIN)) {
      return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
  }

  /** Blanks comments, keeping string literals and line numbers. */
  static String stripComments(String src) {
    StringBuilder out = new StringBuilder(src.length());
    int i = 0;
    int n = src.length();
    while (i < n) {
      char c = src.charAt(i);
      if (src.startsWith("//", i) || src.startsWith("/*", i)) {
        int end = src.startsWith("//", i) ? src.indexOf('\n', i) : src.indexOf("*/", i + 2) + 2;
        end = end < i ? n : end;
        for (int j = i; j < end; j++) {
          out.append(src.charAt(j) == '\n' ? '\n' : ' ');
        }
        i = end;
      } else if (src.startsWith("\"\"\"", i)) {
        int end = src.indexOf("\"\"\"", i + 3) + 3;
        out.append(src, i, end);
        i = end;
      } else if (c == '"' || c == '\'') {
        int j = i + 1;
        while (j < n && src.charAt(j) != c) {
          j += src.charAt(j) == '\\' ? 2 : 1;
        }
        out.append(src, i, Math.min(n, j + 1));
        i = j + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static String lineAt(String src, int offset) {
    int start = src.lastIndexOf('\n', offset) + 1;
    int end = src.indexOf('\n', offset);
    return src.substring(start, end < 0 ? src.length() : end);
  }

  private static int line(String src, int offset) {
    int n = 1;
    for (int i = 0; i < offset; i++) {
      if (src.charAt(i) == '\n') {
        n++;
      }
    }
    return n;
  }
}
