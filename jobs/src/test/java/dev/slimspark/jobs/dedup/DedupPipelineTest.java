package dev.slimspark.jobs.dedup;

import static dev.slimspark.jobs.dedup.DedupTestData.doc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keep rule, adversarial inputs and output shape, on one small hand-built corpus. */
class DedupPipelineTest {
  private static DedupResult result;
  private static Set<String> kept;
  private static Map<String, Row> clusterRows;

  @BeforeAll
  static void runOnce() {
    List<Row> rows = new ArrayList<>();
    // Empty and 1-char docs: short, never dropped for being short; identical ones are exact dups.
    rows.add(doc("empty-b", "web", ""));
    rows.add(doc("empty-a", "web", "   "));
    rows.add(doc("c1", "web", "x"));
    rows.add(doc("c2", "web", "X."));
    rows.add(doc("c3", "web", "y"));
    // Source priority: the wiki copy wins although its doc_id sorts last.
    String para = "Deduplication keeps the preferred copy of every cluster of repeated documents.";
    rows.add(doc("p-a", "web", para));
    rows.add(doc("p-z", "wiki", para));
    rows.add(doc("p-m", "books", para));
    // Variants differing only in whitespace, case and punctuation: exact under the slim form.
    rows.add(doc("v1", "web", "The quick brown fox jumps over the lazy dog, again and again."));
    rows.add(doc("v2", "web", "the QUICK brown fox   jumps over the lazy dog again and again"));
    rows.add(doc("v3", "web", "The quick brown fox -- jumps over the lazy dog! Again, and again?"));
    // Half of a block are copies of one document.
    String copied = "A single boilerplate page that was crawled many times over from mirrors.";
    for (int i = 0; i < 20; i++) {
      rows.add(
          doc(
              String.format("h%02d", i),
              "web",
              i % 2 == 0 ? copied : "unique page number " + i + " about topic " + (i * 7)));
    }
    // CJK near-duplicates (one character changed in a long text) and an exact CJK variant.
    StringBuilder cjk = new StringBuilder();
    SplittableRandom rnd = new SplittableRandom(3);
    for (int i = 0; i < 400; i++) {
      cjk.appendCodePoint(0x4E00 + rnd.nextInt(3000));
    }
    String cjkText = cjk.toString();
    String cjkNear = cjkText.substring(0, 200) + "我" + cjkText.substring(201);
    rows.add(doc("cjk-1", "web", cjkText));
    rows.add(doc("cjk-2", "web", cjkNear));
    rows.add(doc("cjk-3", "web", cjkText.substring(0, 100) + "，" + cjkText.substring(100) + "。"));

    DedupOptions opts = DedupOptions.builder().sourcePriority(List.of("wiki", "books")).build();
    result = DedupPipeline.run(DedupTestData.frame(rows).repartition(3), opts);
    kept = new TreeSet<>();
    for (Row r : result.kept().collectAsList()) {
      kept.add(r.getString(0));
      assertEquals("https://x/" + r.getString(0), r.getString(3)); // other columns pass through
    }
    clusterRows = new HashMap<>();
    for (Row r : result.clusters().collectAsList()) {
      clusterRows.put(r.getString(r.fieldIndex("doc_id")), r);
    }
  }

  private static void assertRow(String docId, String clusterId, boolean keptFlag, String reason) {
    Row r = clusterRows.get(docId);
    assertTrue(r != null, "no cluster row for " + docId);
    assertEquals(clusterId, r.getString(r.fieldIndex("cluster_id")), docId);
    assertEquals(keptFlag, r.getBoolean(r.fieldIndex("kept")), docId);
    assertEquals(
        reason,
        r.isNullAt(r.fieldIndex("reason")) ? null : r.getString(r.fieldIndex("reason")),
        docId);
  }

  @Test
  void keepRuleAndReasons() {
    assertRow("p-z", "p-z", true, null);
    assertRow("p-m", "p-z", false, "exact");
    assertRow("p-a", "p-z", false, "exact");
    assertRow("v1", "v1", true, null);
    assertRow("v2", "v1", false, "exact");
    assertRow("v3", "v1", false, "exact");
    assertRow("empty-a", "empty-a", true, null);
    assertRow("empty-b", "empty-a", false, "exact");
    assertRow("c1", "c1", true, null);
    assertRow("c2", "c1", false, "exact");
    assertRow("h00", "h00", true, null);
    for (int i = 2; i < 20; i += 2) {
      assertRow(String.format("h%02d", i), "h00", false, "exact");
    }
    assertRow("cjk-1", "cjk-1", true, null);
    assertRow("cjk-2", "cjk-1", false, "near");
    assertRow("cjk-3", "cjk-1", false, "exact");
    Row near = clusterRows.get("cjk-2");
    double sim = near.getDouble(near.fieldIndex("similarity_to_kept"));
    assertTrue(sim > 0.9 && sim < 1.0, "similarity " + sim);
    assertEquals(
        1.0,
        clusterRows.get("p-a").getDouble(clusterRows.get("p-a").fieldIndex("similarity_to_kept")));
  }

  @Test
  void keptSetAndCounts() {
    Set<String> expected =
        new TreeSet<>(List.of("empty-a", "c1", "c3", "p-z", "v1", "cjk-1", "h00"));
    for (int i = 1; i < 20; i += 2) {
      expected.add(String.format("h%02d", i));
    }
    assertEquals(expected, kept);
    assertNull(clusterRows.get("c3"));
    assertNull(clusterRows.get("h01"));
    DedupResult.Counts c = result.counts();
    assertEquals(34, c.docsIn());
    assertEquals(1 + 1 + 2 + 2 + 9 + 1, c.exactRemoved());
    assertEquals(1, c.nearRemoved());
    assertEquals(3, c.shortDocs()); // empty-a, c1, c3 survive exact dedup and are < 13 chars
    // The product's banding (fp/fn weights 0.2/0.8 of slimspark-defaults.conf), not SlimPajama's 9
    // x 13.
    assertEquals(12, result.bands());
    assertEquals(10, result.rows());
    assertEquals(1 - Math.pow(1 - Math.pow(0.8, 10), 12), result.detectionProbability(), 1e-12);
  }

  @Test
  void perSourceSummary() {
    Map<String, Row> bySource = new HashMap<>();
    for (Row r : result.summary().collectAsList()) {
      bySource.put(r.getString(0), r);
    }
    Row web = bySource.get("web");
    long webIn = web.getLong(web.fieldIndex("docs_in"));
    assertEquals(32, webIn);
    assertEquals(15, web.getLong(web.fieldIndex("exact_removed")));
    assertEquals(1, web.getLong(web.fieldIndex("near_removed")));
    assertEquals(100.0 * 16 / 32, web.getDouble(web.fieldIndex("pct_removed")), 1e-9);
    Row books = bySource.get("books");
    assertEquals(1, books.getLong(books.fieldIndex("exact_removed")));
    assertEquals(
        (long)
            "Deduplication keeps the preferred copy of every cluster of repeated documents."
                .length(),
        books.getLong(books.fieldIndex("bytes_removed")));
    assertEquals(0, bySource.get("wiki").getLong(bySource.get("wiki").fieldIndex("exact_removed")));
  }
}
