package dev.slimspark.jobs.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.TestSpark;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * stats_linguistic on a hand-written lake: Spark NLP sentence counts equal the known ones, the
 * sample is seeded, deterministic and stratified by source, and 0 (off) writes nothing.
 */
class StatsLinguisticTest {
  private static final Logger LOG = LoggerFactory.getLogger(StatsLinguisticTest.class);
  private static final StructType FILTERED =
      new StructType()
          .add("doc_id", DataTypes.StringType)
          .add("source", DataTypes.StringType)
          .add("text", DataTypes.StringType)
          .add("word_count", DataTypes.IntegerType)
          .add("kept", DataTypes.BooleanType);

  private static Lake lake;

  @BeforeAll
  static void lake() {
    SparkSession spark = TestSpark.session();
    lake = new Lake(spark, TestSpark.newDir("linguistic-lake").toString());
    List<Row> rows = new ArrayList<>();
    // Source "a": 3 + 1 + 2 = 6 sentences, 3 + 2 + 9 = 14 words.
    rows.add(RowFactory.create("a1", "a", "One. Two? Three!", 3, true));
    rows.add(RowFactory.create("a2", "a", "Hello world.", 2, true));
    rows.add(
        RowFactory.create("a3", "a", "The river rose quickly. The council met at noon.", 9, true));
    // Dropped by the filter, and removed by dedup: neither counts.
    rows.add(RowFactory.create("a4", "a", "Not kept. At all. Ever.", 5, false));
    rows.add(RowFactory.create("a5", "a", "A duplicate. Removed.", 3, true));
    // Source "b": 20 documents of 2 sentences each (4 words).
    for (int i = 0; i < 20; i++) {
      rows.add(
          RowFactory.create(String.format("b%02d", i), "b", "Water is cold. Snow falls.", 4, true));
    }
    lake.write(
        spark.createDataFrame(rows, FILTERED), Table.DOCS_FILTERED, SaveMode.Overwrite, "test");
    lake.write(
        spark.createDataFrame(rows, FILTERED).where("kept and doc_id != 'a5'").select("doc_id"),
        Table.DOCS_DEDUP,
        SaveMode.Overwrite,
        "test");
  }

  private static Map<String, Row> bySource(Dataset<Row> df) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : df.collectAsList()) {
      m.put(r.isNullAt(0) ? "(all)" : r.getString(0), r);
    }
    return m;
  }

  private static Dataset<Row> dedup() {
    return lake.exists(Table.DOCS_DEDUP) ? lake.read(Table.DOCS_DEDUP) : null;
  }

  private static long num(Row r, String c) {
    return ((Number) r.get(r.fieldIndex(c))).longValue();
  }

  @Test
  void fullTableCountsTheKnownSentences() {
    Dataset<Row> df =
        LinguisticStats.compute(
            lake.read(Table.DOCS_FILTERED), dedup(), LinguisticStats.FULL_TABLE, 42, 20000);
    LOG.info("stats_linguistic schema: {}", df.schema().json());
    Map<String, Row> m = bySource(df);
    assertEquals(Set.of("a", "b", "(all)"), m.keySet());
    Row a = m.get("a");
    assertEquals(3, num(a, "docs_sampled"));
    assertEquals(3, num(a, "docs_total"));
    assertEquals(6, num(a, "sentences"));
    assertEquals(14, num(a, "word_count"));
    assertEquals(14, num(a, "spark_nlp_words"));
    assertEquals(14 + 6, num(a, "spark_nlp_tokens")); // words + one end mark per sentence
    assertEquals(6, num(a, "estimated_sentences"));
    assertEquals(2.0, a.getDouble(a.fieldIndex("mean_sentences_per_doc")), 1e-9);
    assertEquals(0, num(a, "docs_truncated"));
    Row all = m.get("(all)");
    assertEquals(23, num(all, "docs_total"));
    assertEquals(6 + 40, num(all, "sentences"));
    assertEquals(1.0, all.getDouble(all.fieldIndex("sample_fraction")), 1e-9);
    assertEquals("docs_filtered semi join docs_dedup", all.getString(all.fieldIndex("from_table")));
    assertTrue(all.getString(all.fieldIndex("method")).contains("full table"));
    assertTrue(all.isNullAt(all.fieldIndex("seed")));
  }

  @Test
  void sampleIsSeededDeterministicAndStratified() {
    Dataset<Row> keys = lake.read(Table.DOCS_FILTERED).where("kept").select("doc_id", "source");
    Set<String> s1 = ids(LinguisticStats.sample(keys, 5, 7));
    assertEquals(
        s1, ids(LinguisticStats.sample(keys.repartition(3), 5, 7)), "same seed, same sample");
    assertNotEquals(s1, ids(LinguisticStats.sample(keys, 5, 8)), "another seed, another sample");
    long a = s1.stream().filter(i -> i.startsWith("a")).count();
    assertEquals(4, a, "all 4 kept docs of a (fewer than 5)");
    assertEquals(5, s1.size() - a, "5 of b's 20");

    // Stage output: b is sampled (5 of 20), estimates scale up; texts cut at 15 chars are counted.
    Map<String, Row> m =
        bySource(LinguisticStats.compute(lake.read(Table.DOCS_FILTERED), dedup(), 2, 7, 15));
    Row b = m.get("b");
    assertEquals(2, num(b, "docs_sampled"));
    assertEquals(20, num(b, "docs_total"));
    assertEquals(0.1, b.getDouble(b.fieldIndex("sample_fraction")), 1e-9);
    assertEquals(2, num(b, "docs_truncated")); // "Water is cold. Snow falls." is 26 chars
    assertEquals(2, num(b, "sentences")); // only "Water is cold." reaches Spark NLP
    assertEquals(20, num(b, "estimated_sentences"));
    Row all = m.get("(all)");
    assertEquals(4, num(all, "docs_sampled"));
    assertEquals(num(m.get("a"), "estimated_sentences") + 20, num(all, "estimated_sentences"));
    assertEquals(
        "spark-nlp SentenceDetector+Tokenizer, seeded sample of 2 docs per source (seed 7),"
            + " first 15 chars per doc",
        all.getString(all.fieldIndex("method")));
    assertEquals(7, all.getInt(all.fieldIndex("seed")));
  }

  private static Set<String> ids(Dataset<Row> df) {
    Set<String> s = new HashSet<>();
    for (Row r : df.select("doc_id").collectAsList()) {
      s.add(r.getString(0));
    }
    return s;
  }

  @Test
  void offWritesNothingAndEmptiesAStaleTable() {
    Lake other = new Lake(TestSpark.session(), TestSpark.newDir("linguistic-off").toString());
    assertNull(
        StatsStage.linguistic(other, 0, 42, 100),
        "off on a lake without the table: nothing to write");
    assertFalse(other.exists(Table.STATS_LINGUISTIC));
    Dataset<Row> stale =
        TestSpark.session()
            .createDataFrame(
                List.of(RowFactory.create("x", 1L)),
                new StructType()
                    .add("source", DataTypes.StringType)
                    .add("sentences", DataTypes.LongType));
    StatsStage.write(other, Table.STATS_LINGUISTIC, stale, "test");
    StatsStage.write(
        other, Table.STATS_LINGUISTIC, StatsStage.linguistic(other, 0, 42, 100).get(), "test");
    assertEquals(0, other.read(Table.STATS_LINGUISTIC).count(), "off after a run: emptied");
  }
}
