package dev.slimspark.jobs.dedup;

import static dev.slimspark.jobs.dedup.DedupTestData.doc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A boilerplate family far larger than sub_bucket_size: split into linked sub-buckets, every
 * member clustered, nothing skipped; the same family under an explicit max_bucket_size cap is
 * reported (skipped buckets, docs left unchecked) instead of silently lost.
 */
class HotBucketTest {
  static final int FAMILY = 1500;
  static final int OTHERS = 200;
  private static Dataset<Row> docs;

  @BeforeAll
  static void corpus() {
    String[] vocab = DedupTestData.vocabulary(3000, 11);
    SplittableRandom rnd = new SplittableRandom(5);
    List<String> banner = DedupTestData.randomWords(rnd, vocab, 300);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < FAMILY; i++) {
      // One or two words changed in 300: every pair is far above the 0.8 threshold.
      List<String> w = new ArrayList<>(banner);
      w.set(rnd.nextInt(w.size()), "edit" + i);
      if (i % 2 == 0) {
        w.set(rnd.nextInt(w.size()), "date" + (i % 97));
      }
      rows.add(doc(String.format("f%05d", i), "web", DedupTestData.join(w)));
    }
    for (int i = 0; i < OTHERS; i++) {
      rows.add(doc(String.format("o%05d", i), "web", DedupTestData.join(DedupTestData.randomWords(rnd, vocab, 200))));
    }
    docs = DedupTestData.frame(rows).repartition(4);
  }

  /** doc_id → cluster_id of every clustered doc. */
  private static Map<String, String> clusters(DedupResult r) {
    Map<String, String> m = new HashMap<>();
    for (Row c : r.clusters().select("doc_id", "cluster_id").collectAsList()) {
      m.put(c.getString(0), c.getString(1));
    }
    return m;
  }

  @Test
  void hotBucketIsSplitAndTheWholeFamilyClusters() {
    DedupResult r = DedupPipeline.run(docs, DedupOptions.builder().subBucketSize(100).build());
    try {
      DedupResult.Counts k = r.counts();
      assertEquals(0, k.skippedBuckets());
      assertEquals(0, k.docsInSkippedBuckets());
      assertTrue(k.splitBuckets() > 0, k.toString());
      assertTrue(k.largestBucket() > 100, k.toString());
      Map<String, String> c = clusters(r);
      for (int i = 0; i < FAMILY; i++) {
        assertEquals("f00000", c.get(String.format("f%05d", i)), "member " + i);
      }
      for (int i = 0; i < OTHERS; i++) {
        assertTrue(!c.containsKey(String.format("o%05d", i)), "unrelated doc " + i + " clustered");
      }
      assertEquals(FAMILY - 1, k.exactRemoved() + k.nearRemoved());
      assertEquals(OTHERS + 1, r.kept().count());
      // Linear: a two-level star has fewer edges than one per member per band.
      assertTrue(k.candidateEdges() < (long) FAMILY * r.bands(), k.toString());
    } finally {
      r.release();
    }
  }

  @Test
  void splitGivesTheSameDecisionsAsThePlainStar() {
    DedupResult split = DedupPipeline.run(docs, DedupOptions.builder().subBucketSize(64).build());
    DedupResult plain = DedupPipeline.run(docs, DedupOptions.defaults());
    try {
      assertEquals(0, plain.counts().splitBuckets());
      assertEquals(DedupTestData.sorted(plain.kept().select("doc_id")), DedupTestData.sorted(split.kept().select("doc_id")));
      assertEquals(clusters(plain), clusters(split));
    } finally {
      split.release();
      plain.release();
    }
  }

  @Test
  void aCapIsReportedWithTheDocsItLeftUnchecked() {
    DedupOptions opts = DedupOptions.builder().maxBucketSize(50).build();
    Dataset<Row> texts = docs.select(org.apache.spark.sql.functions.monotonically_increasing_id().as(Cols.NODE), docs.col(Cols.TEXT));
    MinHashStep.Result sigs = MinHashStep.run(texts, FAMILY + OTHERS, opts, opts.lshParams());
    LshCandidatesStep.Result r = LshCandidatesStep.run(sigs.signatures(), opts);
    try {
      assertTrue(r.skippedBuckets() > 0, r.toString());
      // Nearly every family member sits in some skipped bucket (the family shares most band keys).
      assertTrue(r.docsInSkippedBuckets() >= FAMILY - FAMILY / 10, r.toString());
      assertTrue(r.docsInSkippedBuckets() <= FAMILY, r.toString());
      assertEquals(0, r.splitBuckets());
    } finally {
      Lineage.release(r.edges());
      Lineage.release(sigs.signatures());
    }
  }
}
