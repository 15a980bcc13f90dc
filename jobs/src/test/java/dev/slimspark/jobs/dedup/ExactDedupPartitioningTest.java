package dev.slimspark.jobs.dedup;

import static dev.slimspark.jobs.dedup.DedupTestData.doc;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slimspark.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Exact dedup over many input files and shuffle partitions: removals equal documents minus distinct
 * texts, and every rep is a node of the same table. Guards the fix for a bug seen on a 1 GB corpus
 * (278,498 docs, 16 shuffle partitions: 143,947-157,722 "exact duplicates" removed, varying per
 * run, of 16,220 real ones) where the sort that numbers nodes was evaluated twice and numbered the
 * same document differently; this size did not reproduce it, the invariant is checked anyway.
 */
class ExactDedupPartitioningTest {
  @Test
  void exactRemovalsMatchDistinctHashesWhateverThePartitioning() {
    SparkSession spark = TestSpark.session();
    String[] vocab = DedupTestData.vocabulary(3000, 5);
    SplittableRandom rnd = new SplittableRandom(6);
    List<Row> rows = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 6000; i++) {
      String text =
          i % 7 == 3 && !texts.isEmpty()
              ? texts.get(rnd.nextInt(texts.size())) // an exact copy of an earlier doc
              : DedupTestData.join(DedupTestData.randomWords(rnd, vocab, 12));
      texts.add(text);
      rows.add(doc(String.format("d%05d", i), i % 2 == 0 ? "web" : "wiki", text));
    }
    long distinct = texts.stream().distinct().count();
    Path dir = TestSpark.newDir("exact-partitioning").resolve("docs");
    DedupTestData.frame(rows).repartition(24).write().parquet(dir.toString());
    Map<String, String> saved =
        Map.of(
            "spark.sql.shuffle.partitions", spark.conf().get("spark.sql.shuffle.partitions"),
            "spark.sql.adaptive.advisoryPartitionSizeInBytes",
                spark.conf().get("spark.sql.adaptive.advisoryPartitionSizeInBytes"));
    spark.conf().set("spark.sql.shuffle.partitions", "16");
    spark.conf().set("spark.sql.adaptive.advisoryPartitionSizeInBytes", "64m");
    try {
      Dataset<Row> docs = spark.read().parquet(dir.toString());
      ExactDedupStep.Result r = ExactDedupStep.run(docs, DedupOptions.builder().build());
      assertEquals(6000, r.docsIn());
      assertEquals(6000 - distinct, r.exactRemoved(), "exact removals = docs - distinct texts");
      // Every rep is a node of the table, its own rep, with the same hash.
      Dataset<Row> m = r.meta();
      long orphanReps =
          m.alias("a").join(m.alias("b"), col("a.rep").equalTo(col("b.node")), "left_anti").count();
      assertEquals(0, orphanReps);
      long badReps =
          m.alias("a")
              .join(m.alias("b"), col("a.rep").equalTo(col("b.node")))
              .where(
                  col("b.rep")
                      .notEqual(col("b.node"))
                      .or(col("a.content_hash").notEqual(col("b.content_hash"))))
              .count();
      assertEquals(0, badReps);
      assertEquals(6000, m.select("node").distinct().count());
      r.release();
    } finally {
      saved.forEach((k, v) -> spark.conf().set(k, v));
    }
  }
}
