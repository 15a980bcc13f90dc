package dev.slimspark.jobs.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.jobs.JobSummary;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pack.mix on a corpus whose natural mix is 80/20 (RedPajamaC4/Starcoder by tokens), targeting
 * TinyLlama's 0.69/0.31: Starcoder is upsampled (1 epoch + a fractional sample), C4 downsampled.
 * The achieved share is measured independently from the written rows (segment lengths by source).
 */
class PackMixTest {
  private static final Logger LOG = LoggerFactory.getLogger(PackMixTest.class);

  @Test
  @SuppressWarnings("unchecked")
  void tokenSharesMatchTheTargetWithinHalfAPercent() {
    Map<String, int[]> docs = new LinkedHashMap<>();
    docs.putAll(PackTestData.corpus(1600, 11, Math.log(300), 1.0, 8000, "RedPajamaC4"));
    Map<String, int[]> starcoder =
        PackTestData.corpus(400, 12, Math.log(300), 1.0, 8000, "Starcoder");
    docs.putAll(starcoder);
    Path lake = PackTestData.writeLake(docs);
    JobSummary s =
        PackTestData.pack(
            PackTestData.config(
                lake,
                "pack.mode=best-fit",
                "pack.validation_fraction=0",
                "pack.seq_len=1024",
                "pack.mix.RedPajamaC4=0.69",
                "pack.mix.Starcoder=0.31"));
    assertEquals(true, s.extra().get("reconciled"));
    List<Row> rows = PackTestData.rows(lake);
    Map<String, Long> bySource = new LinkedHashMap<>();
    Map<String, Integer> copies = new LinkedHashMap<>();
    long total = 0;
    for (Row r : rows) {
      List<Integer> segs = r.getList(r.fieldIndex("segment_lengths"));
      List<String> ids = r.getList(r.fieldIndex("doc_ids"));
      for (int i = 0; i < segs.size(); i++) {
        bySource.merge(PackTestData.sourceOf(ids.get(i)), (long) segs.get(i), Long::sum);
        total += segs.get(i);
      }
    }
    double code = (double) bySource.get("Starcoder") / total;
    Map<String, Object> mix =
        (Map<String, Object>) ((Map<String, Object>) s.counts().get("mix")).get("train");
    Map<String, Object> star = (Map<String, Object>) mix.get("Starcoder");
    LOG.info("mix: target 0.31, achieved from rows {}, summary {}", code, mix);
    assertTrue(Math.abs(code / 0.31 - 1) < 0.005, "Starcoder share " + code);
    assertEquals(((Number) star.get("achieved_share")).doubleValue(), code, 1e-6);
    double epochs = ((Number) star.get("epochs")).doubleValue();
    assertTrue(epochs > 1.4 && epochs < 1.7, "Starcoder epochs " + epochs);
    double c4 =
        ((Number) ((Map<String, Object>) mix.get("RedPajamaC4")).get("epochs")).doubleValue();
    assertTrue(c4 > 0.8 && c4 < 0.95, "C4 epochs " + c4);
    // Total size is kept: sampled tokens equal the natural total within one document.
    long natural = docs.values().stream().mapToLong(d -> d.length).sum();
    assertTrue(Math.abs(total - natural) < 8000, total + " vs " + natural);
  }
}
