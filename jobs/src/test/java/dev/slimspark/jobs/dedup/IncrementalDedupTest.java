package dev.slimspark.jobs.dedup;

import static dev.slimspark.Stages.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserError;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.Status;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Incremental dedup through the stage: a full run over an "old" corpus, then a new batch holding
 * exact and near copies of old docs, duplicates within the batch and fresh docs. Before the
 * incremental run the old corpus's text is erased from the lake (input table deleted, docs_dedup
 * text overwritten, the batch's copies of old doc_ids hold other text), so its matches can only
 * come from dedup_signatures.
 */
class IncrementalDedupTest {
  static final List<String> TABLES =
      List.of("docs_dedup", "dup_clusters", "dedup_signatures", "dedup_summary");
  static Path lake;
  static JobSummary full;
  static JobSummary incr;
  static JobSummary rerun;
  static JobSummary redo;
  static Map<String, List<String>> redoRows;
  static Map<String, Long> versionsBeforeIncr = new HashMap<>();
  static Map<String, Long> versionsAfterIncr = new HashMap<>();
  static Map<String, List<String>> batch1Rows;

  static SlimConfig config(String input, String... more) {
    List<String> sets = new ArrayList<>(List.of("lake=" + q(lake), "dedup.input_table=" + input));
    sets.addAll(List.of(more));
    return Stages.config(sets.toArray(new String[0]));
  }

  static Dataset<Row> table(String name) {
    return TestSpark.session().read().format("delta").load(lake.resolve(name).toString());
  }

  static long version(String name) {
    return DeltaTable.forPath(TestSpark.session(), lake.resolve(name).toString())
        .history(1)
        .head()
        .getLong(0);
  }

  static void writeInput(String name, List<Row> rows, int partitions) {
    DedupTestData.frame(rows)
        .repartition(partitions)
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .save(lake.resolve(name).toString());
  }

  /** {@code words} with the words at {@code positions} replaced by fresh vocabulary words. */
  static String edit(List<String> words, String[] vocab, int... positions) {
    List<String> w = new ArrayList<>(words);
    for (int p : positions) {
      w.set(p, vocab[vocab.length - 1 - p]);
    }
    return DedupTestData.join(w);
  }

  /** The batch-1 rows of the four tables, as order-free strings (binary and arrays spelled out). */
  static Map<String, List<String>> batch1() {
    Map<String, List<String>> m = new TreeMap<>();
    m.put("docs_dedup", DedupTestData.sorted(table("docs_dedup").where("doc_id like 'n-%'")));
    m.put("dup_clusters", DedupTestData.sorted(table("dup_clusters").where("batch = 1")));
    m.put(
        "dedup_signatures",
        DedupTestData.sorted(
            table("dedup_signatures")
                .where("batch = 1")
                .selectExpr(
                    "doc_id",
                    "source",
                    "hex(content_hash)",
                    "cast(band_keys as string)",
                    "cast(sig as string)",
                    "batch")));
    m.put("dedup_summary", DedupTestData.sorted(table("dedup_summary").where("batch = 1")));
    return m;
  }

  @BeforeAll
  static void runFullThenIncremental() throws Exception {
    lake = TestSpark.newDir("incr-lake");
    SparkSession spark = TestSpark.session();
    String[] vocab = DedupTestData.vocabulary(20_000, 31);
    SplittableRandom rnd = new SplittableRandom(32);
    List<List<String>> oldWords = new ArrayList<>();
    List<Row> old = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      oldWords.add(DedupTestData.randomWords(rnd, vocab, 100));
      old.add(
          DedupTestData.doc(String.format("o%02d", i), "web", DedupTestData.join(oldWords.get(i))));
    }
    String o00Upper = DedupTestData.join(oldWords.get(0)).toUpperCase(java.util.Locale.ROOT) + "!";
    old.add(DedupTestData.doc("o30", "web", o00Upper)); // exact copy of o00 under normalization
    old.add(DedupTestData.doc("o31", "web", edit(oldWords.get(1), vocab, 50))); // near copy of o01
    old.add(DedupTestData.doc("o32", "web", "hi")); // shorter than one shingle
    writeInput("batch0", old, 2);
    full = Stages.run("dedup", config("batch0"));
    assertEquals(Status.OK, full.status(), full.toJson());

    // Erase the old text: only dedup_signatures can now tell what the old docs said.
    FileUtils.deleteDirectory(lake.resolve("batch0").toFile());
    table("docs_dedup")
        .selectExpr("doc_id", "source", "concat('erased ', doc_id) as text")
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .save(lake.resolve("docs_dedup").toString());

    List<Row> batch = new ArrayList<>();
    for (int i = 0; i <= 32; i++) {
      String id = String.format("o%02d", i); // already seen: skipped whatever their text
      batch.add(DedupTestData.doc(id, "web", "other text for " + id));
    }
    String o02 = DedupTestData.join(oldWords.get(2));
    batch.add(
        DedupTestData.doc(
            "n-exact-1", "web", o02.toUpperCase(java.util.Locale.ROOT).replace(" ", ",  ")));
    batch.add(DedupTestData.doc("n-exact-2", "web", o00Upper));
    String near1 = edit(oldWords.get(3), vocab, 20, 70);
    batch.add(DedupTestData.doc("n-near-1", "web", near1));
    batch.add(DedupTestData.doc("n-near-1b", "web", near1 + "."));
    batch.add(DedupTestData.doc("n-near-2", "web", edit(oldWords.get(1), vocab, 80)));
    List<String> x = DedupTestData.randomWords(rnd, vocab, 100);
    batch.add(DedupTestData.doc("n-dup-a", "web", DedupTestData.join(x)));
    batch.add(DedupTestData.doc("n-dup-b", "web", DedupTestData.join(x)));
    List<String> y = DedupTestData.randomWords(rnd, vocab, 100);
    batch.add(DedupTestData.doc("n-nd-a", "web", DedupTestData.join(y)));
    batch.add(DedupTestData.doc("n-nd-b", "web", edit(y, vocab, 40)));
    for (int i = 1; i <= 5; i++) {
      batch.add(
          DedupTestData.doc(
              "n-fresh-" + i,
              "web",
              DedupTestData.join(DedupTestData.randomWords(rnd, vocab, 100))));
    }
    batch.add(DedupTestData.doc("n-short-old", "web", "Hi!"));
    batch.add(DedupTestData.doc("n-short-new", "web", "yo"));
    writeInput("batch1", batch, 3);

    for (String t : TABLES) {
      versionsBeforeIncr.put(t, version(t));
    }
    incr = Stages.run("dedup", config("batch1", "dedup.mode=incremental"));
    assertEquals(Status.OK, incr.status(), incr.toJson());
    batch1Rows = batch1();

    // A run that died before committing its summary, redone on the same batch stored in another
    // order and partitioning: the same batch number, the same rows, nothing twice.
    DeltaTable.forPath(spark, lake.resolve("dedup_summary").toString())
        .restoreToVersion(versionsBeforeIncr.get("dedup_summary"));
    java.util.Collections.reverse(batch);
    writeInput("batch1", batch, 1);
    redo = Stages.run("dedup", config("batch1", "dedup.mode=incremental"));
    redoRows = batch1();
    for (String t : TABLES) {
      versionsAfterIncr.put(t, version(t));
    }
    rerun = Stages.run("dedup", config("batch1", "dedup.mode=incremental"));
  }

  @Test
  void newDocsAreDecidedAgainstTheOldCorpus() {
    Map<String, Row> byId = new HashMap<>();
    for (Row r : table("dup_clusters").where("batch = 1").collectAsList()) {
      byId.put(r.getString(r.fieldIndex("doc_id")), r);
    }
    Map<String, String> removed = new TreeMap<>();
    for (Row r : byId.values()) {
      if (!r.getBoolean(r.fieldIndex("kept"))) {
        removed.put(
            r.getString(r.fieldIndex("doc_id")),
            r.getString(r.fieldIndex("cluster_id")) + "/" + r.getString(r.fieldIndex("reason")));
      }
    }
    Map<String, String> want = new TreeMap<>();
    want.put("n-exact-1", "o02/exact");
    want.put("n-exact-2", "o00/exact");
    want.put("n-near-1", "o03/near");
    want.put("n-near-1b", "o03/exact");
    want.put("n-near-2", "o01/near");
    want.put("n-dup-b", "n-dup-a/exact");
    want.put("n-nd-b", "n-nd-a/near");
    want.put("n-short-old", "o32/exact");
    assertEquals(want, removed);
    // Kept rows appended for clusters rooted here; o00 and o01 already had theirs (batch 0).
    TreeSet<String> keptRows = new TreeSet<>(byId.keySet());
    keptRows.removeAll(removed.keySet());
    assertEquals(new TreeSet<>(List.of("o02", "o03", "o32", "n-dup-a", "n-nd-a")), keptRows);
    assertEquals(2, table("dup_clusters").where("batch = 0 and kept").count()); // o00, o01
    for (String id : List.of("n-near-1", "n-near-2", "n-nd-b")) {
      double sim = byId.get(id).getDouble(byId.get(id).fieldIndex("similarity_to_kept"));
      assertTrue(sim >= 0.8 && sim < 1.0, id + " similarity " + sim);
    }
    assertEquals(
        1.0,
        byId.get("n-exact-1").getDouble(byId.get("n-exact-1").fieldIndex("similarity_to_kept")));

    TreeSet<String> keptNew = new TreeSet<>();
    table("docs_dedup")
        .where("doc_id like 'n-%'")
        .collectAsList()
        .forEach(r -> keptNew.add(r.getString(0)));
    assertEquals(
        new TreeSet<>(
            List.of(
                "n-dup-a",
                "n-nd-a",
                "n-fresh-1",
                "n-fresh-2",
                "n-fresh-3",
                "n-fresh-4",
                "n-fresh-5",
                "n-short-new")),
        keptNew);
    assertEquals(31 + 8, table("docs_dedup").count());
  }

  @Test
  void summaryLineAndSummaryTable() {
    assertEquals("full", full.extra().get("mode"));
    assertEquals(33L, full.counts().get("docs_in"));
    assertEquals(31L, full.counts().get("kept"));
    assertEquals(0L, full.counts().get("removed_against_old"));
    Map<String, Object> c = incr.counts();
    assertEquals("incremental", incr.extra().get("mode"));
    assertEquals(1, incr.extra().get("batch"));
    assertEquals(49L, c.get("docs_in"));
    assertEquals(16L, c.get("new_docs"));
    assertEquals(33L, c.get("skipped_already_seen"));
    assertEquals(5L, c.get("exact_removed"));
    assertEquals(3L, c.get("near_removed"));
    assertEquals(6L, c.get("removed_against_old"));
    assertEquals(8L, c.get("kept"));
    assertEquals(39L, c.get("corpus_kept"));
    assertEquals(Boolean.TRUE, incr.extra().get("reconciled"));
    Row s = table("dedup_summary").where("batch = 1").head();
    assertEquals("web", s.getString(s.fieldIndex("source")));
    assertEquals(16L, s.getLong(s.fieldIndex("docs_in")));
    assertEquals(5L, s.getLong(s.fieldIndex("exact_removed")));
    assertEquals(3L, s.getLong(s.fieldIndex("near_removed")));
    assertEquals(1, table("dedup_summary").where("batch = 0").count());
  }

  @Test
  void oldRowsAreUntouchedAndNewSignaturesAppended() {
    SparkSession spark = TestSpark.session();
    for (String t : TABLES) {
      Dataset<Row> before =
          spark
              .read()
              .format("delta")
              .option("versionAsOf", versionsBeforeIncr.get(t))
              .load(lake.resolve(t).toString());
      Dataset<Row> after = table(t);
      // Every old row is still there, byte for byte (binary and arrays compared by value).
      assertEquals(0, before.exceptAll(after).count(), t);
      // ... once: nothing but the new batch was added.
      String old = t.equals("docs_dedup") ? "doc_id not like 'n-%'" : "batch = 0";
      assertEquals(before.count(), after.where(old).count(), t);
    }
    Dataset<Row> sigs = table("dedup_signatures").where("batch = 1");
    assertEquals(8, sigs.count());
    assertEquals(
        1, sigs.where("doc_id = 'n-short-new' and sig is null and band_keys is null").count());
    int bands = ((Number) ((Map<?, ?>) incr.extra().get("lsh")).get("bands")).intValue();
    assertEquals(
        7,
        sigs.where(
                "size(sig) = 128 and size(band_keys) = "
                    + bands
                    + " and octet_length(content_hash) = 16")
            .count());
  }

  @Test
  void redoneBatchGivesIdenticalRows() {
    assertEquals(1, redo.extra().get("batch"));
    assertEquals(16L, redo.counts().get("new_docs"));
    assertEquals(batch1Rows, redoRows);
    assertEquals(8, batch1Rows.get("docs_dedup").size());
    assertEquals(13, batch1Rows.get("dup_clusters").size());
  }

  @Test
  void rerunningTheBatchIsANoOp() {
    assertEquals(Status.OK, rerun.status(), rerun.toJson());
    assertEquals(Boolean.TRUE, rerun.extra().get("up_to_date"));
    assertEquals(0L, rerun.counts().get("new_docs"));
    assertEquals(49L, rerun.counts().get("skipped_already_seen"));
    for (String t : TABLES) {
      assertEquals(versionsAfterIncr.get(t), version(t), t + " was written by a no-op run");
    }
    assertEquals(batch1Rows, batch1());
  }

  @Test
  void changedOptionsAreAUserError() {
    UserError e =
        assertThrows(
            UserError.class,
            () ->
                Stages.run(
                    "dedup", config("batch1", "dedup.mode=incremental", "dedup.near.num_perm=64")));
    assertTrue(e.why().contains("num_perm 128 -> 64"), e.why());
    assertTrue(e.fix().contains("dedup.mode=full"), e.fix());
    Path empty = TestSpark.newDir("incr-empty");
    SlimConfig c = Stages.config("lake=" + q(empty), "dedup.mode=incremental");
    UserError none = assertThrows(UserError.class, () -> Stages.run("dedup", c));
    assertTrue(none.problem().contains("no deduplicated corpus"), none.problem());
  }
}
