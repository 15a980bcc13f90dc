package dev.slimspark.jobs.dedup;

import static dev.slimspark.jobs.dedup.DedupTestData.doc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.udfs.minhash.Jaccard;
import dev.slimspark.udfs.minhash.Shingler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synthetic corpus with planted near-duplicate pairs at known exact Jaccard levels (computed here
 * on the same shingles), default char-13 SlimPajama shingles, EXACT verification, FN-weighted
 * banding (0.2/0.8 → 12x10, P(0.9) = 0.994). Asserts recall >= 0.99 for pairs with Jaccard >= t +
 * 0.1, removed-doc precision >= 0.99 (removed doc's exact Jaccard to its kept doc >= t), and that
 * reported similarities are the exact Jaccard.
 */
class DedupQualityTest {
  private static final Logger LOG = LoggerFactory.getLogger(DedupQualityTest.class);

  @Test
  void recallAndPrecisionOnPlantedPairs() {
    String[] vocab = DedupTestData.vocabulary(30_000, 21);
    SplittableRandom rnd = new SplittableRandom(22);
    DedupOptions opts =
        DedupOptions.builder()
            .verification(DedupOptions.Verification.EXACT)
            .errorWeights(0.2, 0.8)
            .build();
    Shingler shingler = MinHashStep.shingler(opts);
    List<Row> rows = new ArrayList<>();
    Map<String, String> text = new HashMap<>();
    Map<String, String> variantOf = new HashMap<>();
    int bases = 1200;
    int planted = 500;
    for (int i = 0; i < bases; i++) {
      List<String> w = DedupTestData.randomWords(rnd, vocab, 100 + rnd.nextInt(201));
      String id = String.format("b%05d", i);
      text.put(id, DedupTestData.join(w));
      if (i < planted) {
        // Replacement rates spread pair Jaccard over ~0.5..1.0 for char 13-grams.
        String vid = String.format("v%05d", i);
        text.put(
            vid, DedupTestData.join(DedupTestData.mutate(rnd, vocab, w, rnd.nextDouble() * 0.04)));
        variantOf.put(vid, id);
      }
    }
    text.forEach((id, t) -> rows.add(doc(id, "web", t)));
    DedupResult res = DedupPipeline.run(DedupTestData.frame(rows).repartition(4), opts);
    assertEquals(12, res.bands());
    assertEquals(10, res.rows());

    Map<String, Row> cluster = new HashMap<>();
    for (Row r : res.clusters().collectAsList()) {
      cluster.put(r.getString(r.fieldIndex("doc_id")), r);
    }
    // Recall per Jaccard band of planted pairs.
    int hiPairs = 0;
    int hiFound = 0;
    int midPairs = 0;
    int midFound = 0;
    double t = opts.threshold();
    for (Map.Entry<String, String> e : variantOf.entrySet()) {
      double j = exact(shingler, text.get(e.getKey()), text.get(e.getValue()));
      Row rv = cluster.get(e.getKey());
      Row rb = cluster.get(e.getValue());
      boolean together =
          rv != null
              && rb != null
              && rv.getString(rv.fieldIndex("cluster_id"))
                  .equals(rb.getString(rb.fieldIndex("cluster_id")));
      if (j >= t + 0.1) {
        hiPairs++;
        hiFound += together ? 1 : 0;
      } else if (j >= t) {
        midPairs++;
        midFound += together ? 1 : 0;
      }
    }
    // Precision: every removed doc must truly be within threshold of its kept doc.
    int removed = 0;
    int correct = 0;
    for (Row r : cluster.values()) {
      if (!r.getBoolean(r.fieldIndex("kept"))) {
        removed++;
        String keptId = r.getString(r.fieldIndex("cluster_id"));
        double j = exact(shingler, text.get(r.getString(r.fieldIndex("doc_id"))), text.get(keptId));
        correct += j >= t ? 1 : 0;
        assertEquals(j, r.getDouble(r.fieldIndex("similarity_to_kept")), 1e-9);
      }
    }
    // Random pairs of unrelated docs are far below threshold (sanity of the generator).
    double maxRandom = 0;
    List<String> ids = new ArrayList<>(text.keySet());
    ids.sort(null);
    for (int k = 0; k < 300; k++) {
      String a = ids.get(rnd.nextInt(ids.size()));
      String b = ids.get(rnd.nextInt(ids.size()));
      if (!a.substring(1).equals(b.substring(1))) {
        maxRandom = Math.max(maxRandom, exact(shingler, text.get(a), text.get(b)));
      }
    }
    double recallHi = (double) hiFound / hiPairs;
    double precision = (double) correct / removed;
    LOG.warn(
        "quality: recall(J>={})={}/{}={} recall[t,t+0.1)={}/{} precision={}/{}={} maxRandomJ={} counts={}",
        t + 0.1,
        hiFound,
        hiPairs,
        recallHi,
        midFound,
        midPairs,
        correct,
        removed,
        precision,
        maxRandom,
        res.counts());
    assertTrue(hiPairs >= 150, "too few high-similarity pairs: " + hiPairs);
    assertTrue(recallHi >= 0.99, "recall " + recallHi);
    assertTrue(precision >= 0.99, "precision " + precision);
    assertTrue(maxRandom < 0.1, "random pair Jaccard " + maxRandom);
    res.release();
  }

  private static double exact(Shingler s, String a, String b) {
    return Jaccard.exact(Jaccard.shingleSet(a, s), Jaccard.shingleSet(b, s));
  }
}
