package dev.slimspark.cli;

import static dev.slimspark.Stages.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdOutputStream;
import dev.slimspark.TestSpark;
import dev.slimspark.testing.StdoutCapture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The command line as a new and as a hostile user meets it (issue 15): symbolic links in the input,
 * mistakes in {@code sql}, lake paths with characters URIs escape, malformed config values, and
 * misnamed or damaged compressed files. Each case goes through {@link Main#run} with real files and
 * checks the exit code and what the user sees; none may exit 1.
 */
class CliEdgeCasesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static Path in;
  static Path lake;
  static Cli ingest;

  record Cli(int code, String out, String err) {
    JsonNode summary() throws IOException {
      List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
      return JSON.readTree(lines.get(lines.size() - 1));
    }
  }

  static Cli cli(String... args) {
    TestSpark.session();
    StdoutCapture c = new StdoutCapture();
    int code;
    try (c) {
      code = Main.run(args);
    }
    return new Cli(code, c.stdout(), c.stderr());
  }

  static void write(Path p, String s) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, s, StandardCharsets.UTF_8);
  }

  /**
   * in/a.jsonl, in/2024/b.jsonl, in/latest -> 2024 (a second way to a subtree), in/sub/loop -> ..
   * (a cycle) and in/dangling.jsonl -> a file that does not exist.
   */
  @BeforeAll
  static void ingestLinkedCorpus() throws IOException {
    Path dir = TestSpark.newDir("cli-links");
    in = dir.resolve("in");
    lake = dir.resolve("lake");
    write(in.resolve("a.jsonl"), "{\"text\":\"hello world\"}\n");
    write(in.resolve("2024/b.jsonl"), "{\"text\":\"from 2024\"}\n");
    Files.createSymbolicLink(in.resolve("latest"), Path.of("2024"));
    Files.createDirectories(in.resolve("sub"));
    Files.createSymbolicLink(in.resolve("sub/loop"), Path.of(".."));
    Files.createSymbolicLink(in.resolve("dangling.jsonl"), Path.of("nowhere.jsonl"));
    ingest = cli("ingest", "--set", "lake=" + lake, "--set", "ingest.input=[" + q(in) + "]");
  }

  @Test
  void symlinkedDirectoriesAreReadOnceAndADanglingLinkIsQuarantined() throws IOException {
    assertEquals(0, ingest.code(), ingest.err());
    JsonNode s = ingest.summary();
    JsonNode counts = s.get("counts");
    assertEquals(3, counts.get("files").asLong(), s.toString());
    assertEquals(2, counts.get("docs").asLong(), "each real line once");
    assertEquals(1, counts.get("quarantined_by_reason").get("unreadable_file").asLong());
    assertEquals(2, counts.get("links_skipped").asLong());
    assertTrue(s.get("reconciled").asBoolean());
    List<String> skipped = new ArrayList<>();
    s.get("skipped_links").forEach(n -> skipped.add(n.asText()));
    assertEquals(2, skipped.size(), skipped.toString());
    assertTrue(
        skipped.get(0).contains("/in/latest: the same directory as ")
            && skipped.get(0).contains("/in/2024"),
        skipped.get(0));
    assertTrue(
        skipped.get(1).contains("/in/sub/loop: symbolic link to ")
            && skipped.get(1).contains("cycle"),
        skipped.get(1));

    List<Row> q =
        TestSpark.session()
            .read()
            .format("delta")
            .load(lake.resolve("ingest_quarantine").toString())
            .select("file", "reason", "detail")
            .collectAsList();
    assertEquals(1, q.size());
    assertTrue(q.get(0).getString(0).endsWith("/in/dangling.jsonl"), q.toString());
    assertEquals("unreadable_file", q.get(0).getString(1));
    assertTrue(
        q.get(0).getString(2).contains("dangling symbolic link to nowhere.jsonl"),
        q.get(0).getString(2));
    assertEquals(
        List.of("from 2024", "hello world"),
        TestSpark.session()
            .read()
            .format("delta")
            .load(lake.resolve("docs_raw").toString())
            .orderBy("text")
            .select("text")
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList());
  }

  @Test
  void sqlMistakesAreUserErrorsListingTheTables() {
    String tables = "Tables in this lake: docs_raw, ingest_files, ingest_quarantine, runs";
    Cli parse = cli("sql", "SELEC oops", "--lake", lake.toString());
    assertEquals(2, parse.code(), parse.err());
    assertTrue(
        parse.err().contains("does not parse")
            && parse.err().contains("cause: [PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'")
            && parse.err().contains(tables),
        parse.err());

    Cli table = cli("sql", "SELECT count(*) FROM docs_tokens", "--lake", lake.toString());
    assertEquals(2, table.code(), table.err());
    assertTrue(
        table.err().contains("names a table that this lake does not have")
            && table.err().contains("`docs_tokens`")
            && table.err().contains(tables),
        table.err());

    Cli column = cli("sql", "SELECT no_such_column FROM docs_raw", "--lake", lake.toString());
    assertEquals(2, column.code(), column.err());
    assertTrue(
        column.err().contains("no_such_column") && column.err().contains(tables), column.err());

    Cli running;
    try {
      running =
          cli(
              "sql",
              "SELECT 1 / (length(text) - length(text)) FROM docs_raw",
              "--lake",
              lake.toString(),
              "--set",
              "spark.sql.ansi.enabled=true");
    } finally {
      TestSpark.session()
          .conf()
          .unset("spark.sql.ansi.enabled"); // the session is shared by every test
    }
    assertEquals(2, running.code(), running.err());
    assertTrue(
        running.err().contains("failed while running") && running.err().contains("DIVIDE_BY_ZERO"),
        running.err());

    Cli ok = cli("sql", "SELECT count(*) AS n FROM docs_raw", "--lake", lake.toString());
    assertEquals(0, ok.code(), ok.err());
    assertEquals("{\"n\":2}", ok.out().strip());
  }

  /**
   * Several statements in one call, from a file or stdin: ';' inside quotes and comments does not
   * split.
   */
  @Test
  void sqlRunsEveryStatementOfAFileOrOfStdin() throws IOException {
    String script =
        "-- counts; one per table\nSELECT count(*) AS n FROM docs_raw;\n"
            + "/* a ; in a comment */ SELECT 'a;b\\'c' AS s;\n\nSELECT count(*) AS f FROM ingest_files;\n-- done;\n";
    Path file = TestSpark.newDir("cli-sql").resolve("queries.sql");
    write(file, script);
    Cli c = cli("sql", "--file", file.toString(), "--lake", lake.toString());
    assertEquals(0, c.code(), c.err());
    assertEquals(List.of("{\"n\":2}", "{\"s\":\"a;b'c\"}", "{\"f\":3}"), c.out().lines().toList());

    java.io.InputStream stdin = System.in;
    Cli fromStdin;
    try {
      System.setIn(
          new java.io.ByteArrayInputStream(
              "SELECT 1 AS one; SELEC 2".getBytes(StandardCharsets.UTF_8)));
      fromStdin = cli("sql", "--file", "-", "--lake", lake.toString());
    } finally {
      System.setIn(stdin);
    }
    assertEquals(2, fromStdin.code(), fromStdin.err());
    assertEquals("{\"one\":1}", fromStdin.out().strip());
    assertTrue(
        fromStdin.err().contains("The SQL query (statement 2) does not parse."), fromStdin.err());
  }

  @Test
  void lakePathsWithSpacePercentHashAndUnicodeLandWhereTheUserSaid() throws IOException {
    Path parent = TestSpark.newDir("cli-paths");
    Path odd = parent.resolve("my lake 100% #1 é");
    Cli c =
        cli(
            "ingest",
            "--set",
            "lake=" + odd,
            "--set",
            "ingest.input=[" + q(in.resolve("a.jsonl")) + "]");
    assertEquals(0, c.code(), c.err());
    assertTrue(
        Files.isDirectory(odd.resolve("docs_raw/_delta_log")), "tables under the exact path");
    try (var listing = Files.list(parent)) {
      assertEquals(
          List.of(odd.getFileName().toString()),
          listing.map(p -> p.getFileName().toString()).toList());
    }
    Cli sql = cli("sql", "SELECT text FROM docs_raw", "--lake", odd.toString());
    assertEquals(0, sql.code(), sql.err());
    assertEquals("{\"text\":\"hello world\"}", sql.out().strip());
    // Export writes through the same path handling as the lake.
    assertEquals("file:" + odd, dev.slimspark.lake.Lake.absolute(odd + "/"));
    assertEquals(
        "s3a://bucket/my lake 100% #1 é",
        dev.slimspark.lake.Lake.absolute("s3a://bucket/my lake 100% #1 é/"));
  }

  @Test
  void anEmptyLakeIsAUserError() {
    Cli c =
        cli("ingest", "--set", "lake=", "--set", "ingest.input=[" + q(in.resolve("a.jsonl")) + "]");
    assertEquals(2, c.code(), c.err());
    assertTrue(
        c.err().contains("Config key 'lake' has an invalid value: \"\"")
            && c.err().contains("unset"),
        c.err());
  }

  @Test
  void malformedOrMistypedConfigValuesAreUserErrorsQuotingTheText() throws IOException {
    String input = "ingest.input=[" + q(in.resolve("a.jsonl")) + "]";
    Cli five = cli("ingest", "--set", "lake=" + lake, "--set", input, "--set", "spark=5");
    assertEquals(2, five.code(), five.err());
    assertTrue(
        five.err().contains("'spark' has an invalid value: 5") && five.err().contains("an object"),
        five.err());

    Cli brace = cli("ingest", "--set", "lake=" + lake, "--set", input, "--set", "spark={");
    assertEquals(2, brace.code(), brace.err());
    assertTrue(brace.err().contains("--set spark={ is not valid HOCON"), brace.err());

    Cli list = cli("ingest", "--set", "lake=" + lake, "--set", "ingest.input=[\"/x\"");
    assertEquals(2, list.code(), list.err());
    assertTrue(
        list.err().contains("--set ingest.input=[\"/x\" is not valid HOCON")
            && !list.err().contains("credentials"),
        list.err());

    Cli number =
        cli(
            "ingest",
            "--set",
            "lake=" + lake,
            "--set",
            input,
            "--set",
            "ingest.files_per_task=[1]");
    assertEquals(2, number.code(), number.err());
    assertTrue(
        number.err().contains("'ingest.files_per_task' has an invalid value: [1]")
            && number.err().contains("a number"),
        number.err());

    Path dir = TestSpark.newDir("cli-conf");
    Path broken = dir.resolve("broken.conf");
    write(broken, "lake = \"/tmp/l\"\ningest {\n  input = [\"a\", \n");
    Cli file = cli("ingest", "--conf", broken.toString());
    assertEquals(2, file.code(), file.err());
    assertTrue(
        file.err().contains("cannot be parsed") && file.err().contains("broken.conf"), file.err());

    Path sparkFive = dir.resolve("spark5.conf");
    write(sparkFive, "spark = 5\n");
    Cli fileType =
        cli("ingest", "--conf", sparkFive.toString(), "--set", "lake=" + lake, "--set", input);
    assertEquals(2, fileType.code(), fileType.err());
    assertTrue(
        fileType.err().contains("'spark' has an invalid value: 5")
            && fileType.err().contains("spark5.conf"),
        fileType.err());

    Path objects = dir.resolve("objects.conf");
    write(objects, "ingest.input = [{ path = \"a.jsonl\" }]\n");
    Cli deep = cli("ingest", "--conf", objects.toString(), "--set", "lake=" + lake);
    assertEquals(2, deep.code(), deep.err());
    assertTrue(deep.err().contains("ingest.input") && deep.err().contains("STRING"), deep.err());
  }

  /**
   * A plain file named .gz is read as plain (and counted); garbage after a valid zstd frame is
   * located where it starts; a credential in a config file is a warning naming the key, never the
   * value.
   */
  @Test
  void compressionByContentExactZstdDamageAndSecretsInAConfigFile() throws IOException {
    Path dir = TestSpark.newDir("cli-compress");
    write(dir.resolve("in/plain.jsonl.gz"), "{\"text\":\"plain one\"}\n{\"text\":\"plain two\"}\n");
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (OutputStream o = new ZstdOutputStream(z)) {
      o.write("{\"text\":\"zstd one\"}\n".getBytes(StandardCharsets.UTF_8));
    }
    int frame = z.size();
    z.writeBytes("this is not zstd at all".getBytes(StandardCharsets.UTF_8));
    Files.write(dir.resolve("in/tail.jsonl.zst"), z.toByteArray());
    Path conf = dir.resolve("secret.conf");
    write(
        conf,
        "spark.executorEnv.API_TOKEN = \"hunter2-value\"\ntokenize.bos = \"<s>\"\n"
            + "tokenize.tokenizer.kind = \"jtokkit-gpt2\"\n");

    Cli c =
        cli(
            "ingest",
            "--conf",
            conf.toString(),
            "--set",
            "lake=" + dir.resolve("lake"),
            "--set",
            "ingest.input=[" + q(dir.resolve("in")) + "]");
    assertEquals(0, c.code(), c.err());
    JsonNode s = c.summary();
    assertEquals(3, s.get("counts").get("docs").asLong(), s.toString());
    assertEquals(1, s.get("counts").get("plain_files_named_compressed").asLong(), s.toString());
    List<Row> q =
        TestSpark.session()
            .read()
            .format("delta")
            .load(dir.resolve("lake/ingest_quarantine").toString())
            .select("file", "reason", "byte_offset")
            .collectAsList();
    assertEquals(1, q.size(), q.toString());
    assertEquals("corrupt_compressed_file", q.get(0).getString(1));
    assertEquals(frame, q.get(0).getLong(2), "the garbage starts right after the frame");

    assertEquals(1, s.get("config_warnings").size(), s.toString());
    String w = s.get("config_warnings").get(0).asText();
    assertTrue(w.contains("'spark.executorEnv.API_TOKEN'") && w.contains("environment"), w);
    assertFalse(
        c.out().contains("hunter2") || c.err().contains("hunter2"), "the value is never shown");
  }

  /** Where the demo writes its sample, model and report: never beside the lake. */
  @Test
  void demoFilesStayInTheDemosOwnDirectory() {
    assertEquals(Path.of("/some/dir/x/_demo"), Demo.outDir(null, "/some/dir/x"));
    assertEquals(Path.of("/elsewhere/out"), Demo.outDir("/elsewhere/out", "/some/dir/x"));
    assertEquals(Path.of("demo-out").toAbsolutePath(), Demo.outDir(null, null));
    assertEquals("/data/\\[x\\] \\{a,b\\}\\*", Demo.globEscape("/data/[x] {a,b}*"));
  }

  /**
   * The case through the real entry point: {@code demo --lake DIR/x} writes nothing beside
   * x.
   */
  @Test
  void demoWithALakeWritesItsReportInsideItsOwnDirectory() throws IOException {
    Path parent = TestSpark.newDir("demo-parent");
    Path lakeDir = parent.resolve("x");
    Cli demo =
        cli(
            "demo",
            "--lake",
            lakeDir.toString(),
            "--set",
            "demo.docs=150",
            "--set",
            "demo.shards=2");
    assertEquals(0, demo.code(), demo.err());
    JsonNode s = demo.summary();
    assertEquals(
        lakeDir.resolve("_demo/report.html").toAbsolutePath().toString(), s.get("report").asText());
    assertTrue(
        Files.isRegularFile(lakeDir.resolve("_demo/report.html"))
            && Files.isRegularFile(lakeDir.resolve("_demo/report.json")));
    try (var beside = Files.list(parent)) {
      assertEquals(List.of(lakeDir), beside.toList(), "nothing is written beside the lake");
    }
  }

  /** Secret-looking keys are matched by whole words: tokenizer settings are not credentials. */
  @Test
  void secretKeysAreWholeWords() {
    for (String k :
        List.of(
            "spark.hadoop.fs.s3a.secret.key",
            "spark.hadoop.fs.s3a.access.key",
            "db.password",
            "spark.hadoop.fs.s3a.session.token",
            "api_token",
            "authToken",
            "spark.hadoop.google.cloud.auth.service.account.json.keyfile.credentials")) {
      assertTrue(dev.slimspark.config.SlimConfig.looksSecret(k), k);
    }
    for (String k :
        List.of(
            "tokenize.tokenizer.kind",
            "tokenize.tokenizer.path",
            "tokenize.bos",
            "tokenize.eos",
            "pack.partition_tokens",
            "pack.window_tokens",
            "tokenize.pad_token",
            "label.max_length",
            "spark.sql.shuffle.partitions")) {
      assertFalse(dev.slimspark.config.SlimConfig.looksSecret(k), k);
    }
    for (var e : dev.slimspark.config.SlimConfig.defaults().entrySet()) {
      assertFalse(
          dev.slimspark.config.SlimConfig.looksSecret(e.getKey()), "default key " + e.getKey());
    }
  }
}
