package dev.slimspark.jobs.dedup;

import static dev.slimspark.jobs.dedup.DedupTestData.doc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Same input and options, different partitionings: identical kept set, clusters and summary. */
class DedupDeterminismTest {
  @Test
  void partitioningDoesNotChangeOutput() {
    String[] vocab = DedupTestData.vocabulary(5000, 11);
    SplittableRandom rnd = new SplittableRandom(12);
    List<Row> rows = new ArrayList<>();
    String[] sources = {"web", "wiki", "books"};
    for (int i = 0; i < 70; i++) {
      List<String> base = DedupTestData.randomWords(rnd, vocab, 80);
      rows.add(doc("d" + i, sources[i % 3], DedupTestData.join(base)));
      if (i % 3 == 0) { // a chain of progressively edited copies: transitive clusters
        List<String> w = base;
        for (int k = 0; k < 3; k++) {
          w = DedupTestData.mutate(rnd, vocab, w, 0.01);
          rows.add(doc("d" + i + "-v" + k, sources[(i + k + 1) % 3], DedupTestData.join(w)));
        }
      }
      if (i % 10 == 0) {
        rows.add(
            doc("d" + i + "-copy", sources[(i + 1) % 3], DedupTestData.join(base).toUpperCase()));
      }
    }
    Dataset<Row> docs = DedupTestData.frame(rows);
    DedupOptions opts = DedupOptions.builder().sourcePriority(List.of("books", "wiki")).build();
    DedupResult one = DedupPipeline.run(docs.repartition(1), opts);
    DedupResult seven = DedupPipeline.run(docs.repartition(7), opts);
    List<String> kept1 = DedupTestData.sorted(one.kept());
    List<String> clusters1 = DedupTestData.sorted(one.clusters());
    assertEquals(kept1, DedupTestData.sorted(seven.kept()));
    assertEquals(clusters1, DedupTestData.sorted(seven.clusters()));
    assertEquals(DedupTestData.sorted(one.summary()), DedupTestData.sorted(seven.summary()));
    assertEquals(one.counts(), seven.counts());
    // The corpus does contain both kinds of duplicates, so the comparison is not vacuous.
    assertTrue(one.counts().exactRemoved() >= 7, "exact " + one.counts());
    assertTrue(one.counts().nearRemoved() >= 15, "near " + one.counts());
    one.release();
    seven.release();
  }
}
