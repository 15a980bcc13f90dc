package dev.slimspark.jobs.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.TestSpark;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A boilerplate family far larger than sub_bucket_size, at the level of the LSH and connected
 * components steps (the whole pipeline on a skewed corpus is in SkewPipelineTest): split into
 * linked sub-buckets, the family is one component, exactly the components of the plain star,
 * nothing skipped; the same family under an explicit max_bucket_size cap is reported (skipped
 * buckets, docs left unchecked) instead of silently lost.
 */
class HotBucketTest {
  static final int FAMILY = 1500;
  static final int OTHERS = 200;
  private static MinHashStep.Result sigs;

  @BeforeAll
  static void signatures() {
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
      rows.add(RowFactory.create((long) i, DedupTestData.join(w)));
    }
    for (int i = 0; i < OTHERS; i++) {
      rows.add(
          RowFactory.create(
              (long) (FAMILY + i), DedupTestData.join(DedupTestData.randomWords(rnd, vocab, 200))));
    }
    StructType schema =
        new StructType().add(Cols.NODE, DataTypes.LongType).add(Cols.TEXT, DataTypes.StringType);
    DedupOptions opts = DedupOptions.defaults();
    sigs =
        MinHashStep.run(
            TestSpark.session().createDataFrame(rows, schema).repartition(4),
            FAMILY + OTHERS,
            opts,
            opts.lshParams());
  }

  @AfterAll
  static void release() {
    Lineage.release(sigs.signatures());
  }

  /** node → component root of every non-root node. */
  private static Map<Long, Long> components(LshCandidatesStep.Result lsh) {
    ConnectedComponentsStep.Result cc =
        ConnectedComponentsStep.run(lsh.edges(), DedupOptions.defaults());
    Map<Long, Long> m = new HashMap<>();
    for (Row r : cc.assignment().collectAsList()) {
      m.put(r.getLong(0), r.getLong(1));
    }
    Lineage.release(cc.assignment());
    Lineage.release(lsh.edges());
    return m;
  }

  @Test
  void hotBucketIsSplitLinearlyAndGivesTheComponentsOfThePlainStar() {
    LshCandidatesStep.Result split =
        LshCandidatesStep.run(sigs.signatures(), DedupOptions.builder().subBucketSize(100).build());
    assertEquals(0, split.skippedBuckets());
    assertEquals(0, split.docsInSkippedBuckets());
    assertTrue(split.splitBuckets() > 0, split.toString());
    assertTrue(split.largestBucket() > 100, split.toString());
    assertTrue(split.subBuckets() >= split.largestBucket() / 100, split.toString());
    // Linear: fewer edges than one per member per band.
    int bands = DedupOptions.defaults().lshParams().bands();
    assertTrue(split.edgeCount() < (long) FAMILY * bands, split.toString());
    Map<Long, Long> splitCc = components(split);
    for (long i = 1; i < FAMILY; i++) {
      assertEquals(0L, splitCc.get(i), "member " + i);
    }
    for (long i = FAMILY; i < FAMILY + OTHERS; i++) {
      assertTrue(!splitCc.containsKey(i), "unrelated doc " + i + " linked");
    }
    LshCandidatesStep.Result plain =
        LshCandidatesStep.run(sigs.signatures(), DedupOptions.defaults());
    assertEquals(0, plain.splitBuckets());
    assertEquals(components(plain), splitCc);
  }

  @Test
  void aCapIsReportedWithTheDocsItLeftUnchecked() {
    LshCandidatesStep.Result r =
        LshCandidatesStep.run(sigs.signatures(), DedupOptions.builder().maxBucketSize(50).build());
    try {
      assertTrue(r.skippedBuckets() > 0, r.toString());
      // Nearly every family member sits in some skipped bucket (the family shares most band keys).
      assertTrue(r.docsInSkippedBuckets() >= FAMILY - FAMILY / 10, r.toString());
      assertTrue(r.docsInSkippedBuckets() <= FAMILY, r.toString());
      assertEquals(0, r.splitBuckets());
    } finally {
      Lineage.release(r.edges());
    }
  }

  @Test
  void aCapOfOneIsAUserError() {
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            dev.slimspark.errors.UserError.class,
            () -> DedupStage.options(dev.slimspark.Stages.config("dedup.near.max_bucket_size=1")));
    assertTrue(e.getMessage().contains("max_bucket_size"), e.getMessage());
    assertEquals(0, DedupStage.options(dev.slimspark.Stages.config()).maxBucketSize());
    assertEquals(10_000, DedupStage.options(dev.slimspark.Stages.config()).subBucketSize());
  }
}
