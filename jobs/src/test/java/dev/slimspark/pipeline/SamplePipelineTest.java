package dev.slimspark.pipeline;

import static dev.slimspark.Stages.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.Pipeline;
import dev.slimspark.jobs.Status;
import dev.slimspark.lake.Table;
import dev.slimspark.sample.SampleCorpusGenerator;
import dev.slimspark.sample.SampleManifest;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generated sample corpus through every stage, twice: quarantine and filter outcomes match the
 * generator's manifest, both runs give identical tables, and every table matches its schema file.
 */
class SamplePipelineTest {
  static Path sample;
  static Path lakeA;
  static Path lakeB;
  static SampleManifest manifest;
  static final Map<String, JobSummary> SUMMARIES = new HashMap<>();

  @BeforeAll
  static void runTwice() throws IOException {
    sample = TestSpark.newDir("sample");
    SampleCorpusGenerator.Options o = new SampleCorpusGenerator.Options();
    o.docs = 500;
    o.shards = 3;
    o.seed = 7;
    manifest = SampleCorpusGenerator.generate(o, sample);
    lakeA = TestSpark.newDir("lake-a");
    lakeB = TestSpark.newDir("lake-b");
    for (Path lake : List.of(lakeA, lakeB)) {
      // id_base: doc ids (and so dedup's and pack's choices) independent of the temporary
      // sample directory, which the golden fingerprint needs.
      SlimConfig c =
          Stages.config(
              "lake=" + q(lake),
              "ingest.input=[" + q(sample + "/*.jsonl*") + "]",
              "ingest.id_base=" + q(sample));
      for (String stage : Pipeline.stageNames()) {
        JobSummary s = Stages.run(stage, c);
        // decontaminate has no eval sets here: skipped, nothing written, not in the fingerprint.
        if (s.status() == Status.SKIPPED && stage.equals("decontaminate")) {
          continue;
        }
        assertEquals(Status.OK, s.status(), s.toJson());
        if (lake == lakeA) {
          SUMMARIES.put(stage, s);
        }
      }
    }
  }

  static Dataset<Row> table(Path lake, String name) {
    return TestSpark.session().read().format("delta").load(lake.resolve(name).toString());
  }

  @Test
  void quarantineMatchesTheManifest() {
    Map<String, Long> got = new HashMap<>();
    for (Row r : table(lakeA, "ingest_quarantine").groupBy("reason").count().collectAsList()) {
      got.put(r.getString(0), r.getLong(1));
    }
    Map<String, Long> want = new HashMap<>();
    manifest
        .badLinesByReason()
        .forEach(
            (k, v) -> {
              if (v > 0) want.put(k, v.longValue());
            });
    want.put("corrupt_compressed_file", 1L); // the damaged shard
    assertEquals(want, got);
    JobSummary ingest = SUMMARIES.get("ingest");
    assertEquals((long) manifest.blankLines(), ingest.counts().get("blank"));
    assertEquals(Boolean.TRUE, ingest.extra().get("reconciled"));
    // Every valid doc of the intact shards, plus the lines before the damage, became a document.
    long damagedLines =
        manifest.files().stream()
            .filter(f -> f.damaged())
            .mapToLong(f -> f.completeLinesBeforeDamage())
            .sum();
    long intactDocs =
        manifest.files().stream().filter(f -> !f.damaged()).mapToLong(f -> f.validDocs()).sum();
    assertEquals(intactDocs + damagedLines, ingest.counts().get("docs"));
  }

  @Test
  void plantedLowQualityDocsFailTheirRule() {
    Map<String, List<String>> failedByKey = new HashMap<>();
    for (Row r :
        table(lakeA, "docs_filtered")
            .select("file", "line_number", "failed_rules")
            .collectAsList()) {
      String name = new File(r.getString(0)).getName();
      failedByKey.put(name + ":" + r.getLong(1), r.getList(2));
    }
    int checked = 0;
    for (SampleManifest.LowQuality lq : manifest.lowQuality()) {
      List<String> failed = failedByKey.get(lq.key().file() + ":" + lq.key().line());
      if (failed == null) {
        continue; // in the damaged shard after the damage
      }
      assertTrue(failed.contains(lq.rule()), lq + " failed " + failed);
      checked++;
    }
    assertTrue(checked >= 20, "checked " + checked);
    for (SampleManifest.NonEnglish ne : manifest.nonEnglish()) {
      List<String> failed = failedByKey.get(ne.key().file() + ":" + ne.key().line());
      if (failed != null) {
        assertTrue(failed.contains("language"), ne + " failed " + failed);
      }
    }
    // Normal docs mostly survive: the funnel is not over-eager.
    JobSummary f = SUMMARIES.get("filter");
    long in = (Long) f.counts().get("docs_in");
    long kept = (Long) f.counts().get("kept");
    assertTrue(kept > 0.7 * in, "kept " + kept + " of " + in);
    assertEquals(Boolean.TRUE, f.extra().get("reconciled"));
  }

  @Test
  void plantedDuplicatesAreRemovedAndEveryRemovalIsExplained() {
    Map<String, String> idByKey = new HashMap<>();
    for (Row r :
        table(lakeA, "docs_filtered")
            .where("kept")
            .select("file", "line_number", "doc_id")
            .collectAsList()) {
      idByKey.put(new File(r.getString(0)).getName() + ":" + r.getLong(1), r.getString(2));
    }
    java.util.Set<String> keptIds = new java.util.HashSet<>();
    for (Row r : table(lakeA, "docs_dedup").select("doc_id").collectAsList()) {
      keptIds.add(r.getString(0));
    }
    int exactPairs = 0;
    for (SampleManifest.ExactDup d : manifest.exactDuplicates()) {
      String a = idByKey.get(d.key().file() + ":" + d.key().line());
      String b = idByKey.get(d.base().file() + ":" + d.base().line());
      if (a == null || b == null) {
        continue; // filtered out, or beyond the damage
      }
      exactPairs++;
      assertFalse(keptIds.contains(a) && keptIds.contains(b), d.toString());
    }
    assertTrue(exactPairs >= 5, "exact pairs checked: " + exactPairs);
    int nearPairs = 0;
    int nearCaught = 0;
    for (SampleManifest.NearDup d : manifest.nearDuplicates()) {
      String a = idByKey.get(d.key().file() + ":" + d.key().line());
      String b = idByKey.get(d.base().file() + ":" + d.base().line());
      if (a == null || b == null || d.editRate() > 0.02) {
        continue; // only light edits are surely above J = 0.8 for 13-char shingles
      }
      nearPairs++;
      if (!(keptIds.contains(a) && keptIds.contains(b))) {
        nearCaught++;
      }
    }
    assertTrue(nearPairs == 0 || nearCaught >= 0.8 * nearPairs, nearCaught + " of " + nearPairs);
    // The audit table explains every removal, and counts reconcile.
    Dataset<Row> clusters = table(lakeA, "dup_clusters");
    long removed = clusters.where("not kept").count();
    assertEquals(0, clusters.where("not kept and (reason is null or cluster_id is null)").count());
    assertEquals(
        0, clusters.where("not kept and reason = 'near' and similarity_to_kept < 0.7").count());
    long in = table(lakeA, "docs_filtered").where("kept").count();
    assertEquals(in, keptIds.size() + removed);
    JobSummary d = SUMMARIES.get("dedup");
    assertEquals(Boolean.TRUE, d.extra().get("reconciled"));
  }

  /** Every table the pipeline writes except runs (run ids, times). */
  static List<String> deterministicTables() {
    List<String> tables =
        new ArrayList<>(
            List.of(
                "docs_raw",
                "ingest_quarantine",
                "ingest_files",
                "docs_filtered",
                "docs_dedup",
                "dup_clusters",
                "dedup_summary",
                "dedup_signatures",
                "docs_tokens",
                "packed_rows"));
    tables.addAll(Table.ids(dev.slimspark.jobs.stats.StatsTables.ALL));
    tables.addAll(Table.ids(dev.slimspark.jobs.stats.StatsTables.OPTIONAL));
    return tables;
  }

  /**
   * Tables, summary counts and trainer files equal those of the golden run, made on the code before
   * a behaviour-preserving refactoring ({@code -Dslimspark.golden.write=true} rewrites it).
   */
  @Test
  void runMatchesTheGoldenFingerprint() throws IOException {
    JsonNode actual = PipelineGolden.fingerprint(lakeA, sample, deterministicTables(), SUMMARIES);
    if (Boolean.getBoolean("slimspark.golden.write")) {
      PipelineGolden.write(actual);
      return;
    }
    JsonNode golden = PipelineGolden.read();
    for (String section : List.of("tables", "summaries", "export_files")) {
      Iterator<String> names = golden.get(section).fieldNames();
      while (names.hasNext()) {
        String n = names.next();
        assertEquals(golden.get(section).get(n), actual.get(section).get(n), section + "." + n);
      }
      assertEquals(
          golden.get(section).size(),
          actual.get(section).size(),
          section + ": " + actual.get(section));
    }
  }

  @Test
  void twoRunsGiveIdenticalTables() {
    for (String t : deterministicTables()) {
      Dataset<Row> a = table(lakeA, t);
      Dataset<Row> b = table(lakeB, t);
      assertEquals(a.count(), b.count(), t);
      // file paths are the same (same sample dir), so rows must match exactly
      assertEquals(0, a.exceptAll(b).count(), t);
      assertEquals(0, b.exceptAll(a).count(), t);
    }
  }

  /**
   * Every table written matches data-schemas/TABLE.json: names, types, nullability, descriptions.
   */
  @Test
  void tablesMatchTheirSchemaFiles() throws IOException {
    Path schemas = Path.of(System.getProperty("slimspark.repo.root", "..")).resolve("data-schemas");
    boolean write = Boolean.getBoolean("slimspark.schemas.write");
    ObjectMapper json = new ObjectMapper();
    List<String> tables = new ArrayList<>();
    try (var s = Files.list(lakeA)) {
      s.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("_")) // _export holds trainer files, not a table
          .forEach(tables::add);
    }
    assertTrue(
        tables.containsAll(
            List.of(
                "docs_raw",
                "ingest_quarantine",
                "ingest_files",
                "docs_filtered",
                "docs_dedup",
                "dup_clusters",
                "dedup_summary",
                "dedup_signatures",
                "docs_tokens",
                "packed_rows",
                "runs")),
        tables.toString());
    for (String t : tables) {
      StructType actual = table(lakeA, t).schema();
      Path f = schemas.resolve(t + ".json");
      if (write) {
        ObjectNode node =
            Files.exists(f) ? (ObjectNode) json.readTree(f.toFile()) : json.createObjectNode();
        node.put("table", t);
        node.set("schema", json.readTree(actual.json()));
        ObjectNode cols =
            node.has("columns") ? (ObjectNode) node.get("columns") : json.createObjectNode();
        ObjectNode ordered = json.createObjectNode();
        for (StructField sf : actual.fields()) {
          ordered.put(sf.name(), cols.has(sf.name()) ? cols.get(sf.name()).asText() : "TODO");
        }
        node.set("columns", ordered);
        Files.createDirectories(schemas);
        json.writerWithDefaultPrettyPrinter().writeValue(f.toFile(), node);
        continue;
      }
      assertTrue(Files.exists(f), "no schema file for table " + t + " at " + f);
      JsonNode node = json.readTree(f.toFile());
      StructType expected = (StructType) DataType.fromJson(node.get("schema").toString());
      assertEquals(expected.treeString(), actual.treeString(), "schema of " + t);
      assertTrue(node.hasNonNull("description") && !node.get("description").asText().isBlank(), t);
      JsonNode cols = node.get("columns");
      for (StructField sf : actual.fields()) {
        assertTrue(cols.has(sf.name()), t + "." + sf.name() + " has no description");
        String d = cols.get(sf.name()).asText();
        assertFalse(d.isBlank() || d.equals("TODO"), t + "." + sf.name() + " has no description");
      }
      Iterator<String> names = cols.fieldNames();
      while (names.hasNext()) {
        String n = names.next();
        assertTrue(
            List.of(actual.fieldNames()).contains(n), t + " documents a column it lacks: " + n);
      }
    }
  }
}
