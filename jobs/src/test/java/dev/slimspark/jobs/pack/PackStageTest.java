package dev.slimspark.jobs.pack;

import static dev.slimspark.jobs.pack.PackTestData.num;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.TestSpark;
import dev.slimspark.errors.UserError;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.Status;
import dev.slimspark.lake.TokenCodec;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pack through Spark and Delta on a 3000-document corpus with a log-normal length distribution
 * (median 400 tokens, long tail past 2049): exact accounting, row contents, best-fit's no-split
 * guarantee and padding, the split, pad-id validation, determinism and append.
 */
class PackStageTest {
  private static final Logger LOG = LoggerFactory.getLogger(PackStageTest.class);
  static final int L = 2049;
  static Map<String, int[]> docs;
  static Path lake;
  static JobSummary concat;
  static List<Row> concatRows;
  static JobSummary bestFit;
  static List<Row> bestFitRows;
  static List<Row> appendedRows;

  @BeforeAll
  static void run() {
    docs = PackTestData.corpus(3000, 7, Math.log(400), 1.1, 20000, "A", "B");
    lake = PackTestData.writeLake(docs);
    concat =
        PackTestData.pack(
            PackTestData.config(
                lake,
                "pack.mode=concat",
                "pack.validation_fraction=0.1",
                "pack.partition_tokens=300000",
                "pack.target_file_bytes=819600"));
    concatRows = PackTestData.rows(lake);
    String[] bf = {
      "pack.mode=best-fit", "pack.validation_fraction=0.1", "pack.target_file_bytes=819600"
    };
    bestFit = PackTestData.pack(PackTestData.config(lake, bf));
    bestFitRows = PackTestData.rows(lake);
    String[] app = {
      "pack.mode=best-fit",
      "pack.validation_fraction=0.1",
      "pack.target_file_bytes=819600",
      "pack.mode_write=append"
    };
    PackTestData.pack(PackTestData.config(lake, app));
    appendedRows = PackTestData.rows(lake);
    LOG.info("concat summary: {}", concat.toJson());
    LOG.info("best-fit summary: {}", bestFit.toJson());
  }

  static long totalTokens() {
    long t = 0;
    for (int[] d : docs.values()) {
      t += d.length;
    }
    return t;
  }

  @Test
  void concatHasZeroPaddingAndExactAccounting() {
    assertEquals(Status.OK, concat.status());
    assertEquals(true, concat.extra().get("reconciled"));
    long packed = 0;
    for (Row r : concatRows) {
      assertEquals(0, r.getInt(r.fieldIndex("pad_count")));
      assertEquals(L * 2, ((byte[]) r.get(r.fieldIndex("tokens"))).length);
      packed += L;
    }
    long tail = num(concat.counts(), "tail_tokens_dropped");
    assertEquals(totalTokens(), num(concat.counts(), "tokens_sampled"));
    assertEquals(totalTokens() - tail, packed);
    assertEquals(packed, num(concat.counts(), "tokens_packed"));
    assertEquals(0, num(concat.counts(), "pad_tokens"));
    assertTrue(tail > 0 && tail < 2L * (int) concat.extra().get("partitions") * L, "tail " + tail);
    assertSegmentsMatchDocuments(concatRows);
  }

  @Test
  void bestFitNeverSplitsADocumentThatFits() {
    assertEquals(true, bestFit.extra().get("reconciled"));
    Map<String, Long> byDoc = PackTestData.tokensByDoc(bestFitRows);
    Map<String, Integer> segments = new java.util.HashMap<>();
    for (Row r : bestFitRows) {
      for (Object id : r.getList(r.fieldIndex("doc_ids"))) {
        segments.merge((String) id, 1, Integer::sum);
      }
    }
    long longDocs = 0;
    for (Map.Entry<String, int[]> d : docs.entrySet()) {
      int len = d.getValue().length;
      assertEquals(len, byDoc.get(d.getKey()), d.getKey()); // nothing dropped in best-fit
      if (len <= L) {
        assertEquals(1, segments.get(d.getKey()), d.getKey());
      } else {
        longDocs++;
        assertEquals((len + L - 1) / L, segments.get(d.getKey()), d.getKey());
      }
    }
    Map<String, Object> train = PackTestData.split(bestFit, "train");
    Map<String, Object> val = PackTestData.split(bestFit, "validation");
    assertEquals(longDocs, num(train, "docs_split") + num(val, "docs_split"));
    assertEquals(0, num(bestFit.counts(), "tail_tokens_dropped"));
    double padding = ((Number) bestFit.counts().get("padding_fraction")).doubleValue();
    double concatSplit =
        ((Number) PackTestData.split(concat, "train").get("docs_split_share")).doubleValue();
    LOG.info(
        "best-fit padding fraction {} ; docs split share best-fit {} vs concat {}",
        padding,
        train.get("docs_split_share"),
        concatSplit);
    assertTrue(padding > 0 && padding < 0.03, "padding " + padding);
    assertSegmentsMatchDocuments(bestFitRows);
  }

  @Test
  void trainAndValidationShareNoDocument() {
    for (List<Row> rows : List.of(concatRows, bestFitRows)) {
      Set<String> train = new HashSet<>();
      Set<String> val = new HashSet<>();
      for (Row r : rows) {
        Set<String> s = r.getString(0).equals("train") ? train : val;
        for (Object id : r.getList(r.fieldIndex("doc_ids"))) {
          s.add((String) id);
        }
      }
      Set<String> both = new HashSet<>(train);
      both.retainAll(val);
      assertTrue(both.isEmpty(), "in both splits: " + both);
      assertTrue(val.size() > 200 && val.size() < 400, "validation docs " + val.size());
    }
  }

  /**
   * The appended batch is a second run over the same input and config: its rows must equal the
   * first run's, shard for shard (ids shifted), and the first run's shards must be untouched.
   */
  @Test
  void secondRunIsIdenticalAndAppendKeepsOldShards() {
    assertEquals(2 * bestFitRows.size(), appendedRows.size());
    assertTrue(
        bestFitRows.stream().mapToInt(r -> r.getInt(1)).max().getAsInt() >= 2,
        "expected several shards");
    for (String split : List.of("train", "validation")) {
      List<Row> before = bestFitRows.stream().filter(r -> r.getString(0).equals(split)).toList();
      int shift = before.stream().mapToInt(r -> r.getInt(1)).max().orElse(-1) + 1;
      List<Row> after = appendedRows.stream().filter(r -> r.getString(0).equals(split)).toList();
      assertEquals(2 * before.size(), after.size(), split);
      long expected = 0;
      int shard = -1;
      for (int k = 0; k < before.size(); k++) {
        Row old = before.get(k);
        assertRowEquals(old, after.get(k), 0); // old shards untouched
        assertRowEquals(old, after.get(before.size() + k), shift); // same rows again, ids continue
        if (old.getInt(1) != shard) {
          shard = old.getInt(1);
          expected = 0;
        }
        assertEquals(expected++, old.getLong(2)); // dense row ids within a shard
      }
    }
  }

  @Test
  void padIdThatIsARealTokenFailsWithAUserError() {
    UserError e =
        assertThrows(
            UserError.class, () -> PackTestData.pack(PackTestData.config(lake, "pack.pad_id=2")));
    assertTrue(e.problem().contains("pack.pad_id = 2"), e.problem());
    assertTrue(e.problem().contains("in 3000 documents"), e.problem());
  }

  @Test
  void docsTokensInTheOldArrayFormatFailWithAUserError() {
    Dataset<Row> old =
        TestSpark.session()
            .sql(
                "SELECT 'd1' AS doc_id, 'A' AS source, 3 AS token_count, array(5, 6, 7) AS tokens");
    UserError e =
        assertThrows(
            UserError.class, () -> PackStage.requireBinaryTokens(old, "/lake/docs_tokens"));
    assertTrue(e.problem().contains("array<int> without a dtype column"), e.problem());
    assertTrue(e.fix().contains("Remove /lake/docs_tokens"), e.fix());
  }

  static void assertRowEquals(Row a, Row b, int shardShift) {
    assertEquals(a.getString(0), b.getString(0));
    assertEquals(a.getInt(1) + shardShift, b.getInt(1));
    assertEquals(a.getLong(2), b.getLong(2));
    assertArrayEquals(
        (byte[]) a.get(a.fieldIndex("tokens")), (byte[]) b.get(b.fieldIndex("tokens")));
    assertEquals(a.getList(a.fieldIndex("doc_ids")), b.getList(b.fieldIndex("doc_ids")));
    assertEquals(
        a.getList(a.fieldIndex("segment_lengths")), b.getList(b.fieldIndex("segment_lengths")));
  }

  /**
   * Every segment equals its document's tokens at the offset its first token implies; pad is pad.
   */
  static void assertSegmentsMatchDocuments(List<Row> rows) {
    for (Row r : rows) {
      int[] t =
          TokenCodec.decode(
              (byte[]) r.get(r.fieldIndex("tokens")), r.getString(r.fieldIndex("dtype")));
      assertEquals(L, t.length);
      List<Integer> segs = r.getList(r.fieldIndex("segment_lengths"));
      List<String> ids = r.getList(r.fieldIndex("doc_ids"));
      int off = 0;
      for (int i = 0; i < segs.size(); i++) {
        int[] d = docs.get(ids.get(i));
        int start =
            t[off] == 1 ? 0 : t[off] == 2 ? d.length - 1 : Math.floorMod(t[off] - d[1], 60000) + 1;
        for (int k = 0; k < segs.get(i); k++) {
          assertEquals(d[start + k], t[off + k], ids.get(i));
        }
        off += segs.get(i);
      }
      assertEquals(L - off, r.getInt(r.fieldIndex("pad_count")));
      for (int k = off; k < L; k++) {
        assertEquals(0, t[k]);
      }
    }
  }
}
