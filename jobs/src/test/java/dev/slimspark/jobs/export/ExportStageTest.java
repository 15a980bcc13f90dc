package dev.slimspark.jobs.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.pack.PackTestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * export round trip: the files are read back with readers written from the format descriptions
 * (LitGptReader, MegatronReader) and compared token for token with packed_rows.
 */
class ExportStageTest {
  static final int SEQ = 256;
  static final int L = SEQ + 1;
  static final int PAD = 0;
  static Path lake;
  static Path out;
  static JobSummary summary;

  /** split -> shard -> rows' tokens in row_id order. */
  static Map<String, Map<Integer, List<long[]>>> table = new TreeMap<>();

  @BeforeAll
  static void packAndExport() throws Exception {
    lake = PackTestData.writeLake(PackTestData.corpus(600, 3, Math.log(120), 1.0, 2000, "A", "B"));
    // Characters that URI escaping would mangle: the files must land in exactly this directory.
    out = TestSpark.newDir("export-out").resolve("my export 100% #1 é");
    // A stale file from an earlier, larger export must disappear.
    Files.createDirectories(out.resolve("litgpt"));
    Files.write(out.resolve("litgpt/train_0000000099.bin"), new byte[] {1});
    Files.write(out.resolve("litgpt/notes.txt"), new byte[] {1});
    String[] sets = {
      "pack.mode=best-fit",
      "pack.seq_len=" + SEQ,
      "pack.validation_fraction=0.1",
      "pack.target_file_bytes=" + (40 * L * 2),
      "export.dir=" + Stages.q(out)
    };
    PackTestData.pack(PackTestData.config(lake, sets));
    summary =
        new ExportStage().run(new RunContext(TestSpark.session(), PackTestData.config(lake, sets)));
    for (Row r : PackTestData.rows(lake)) {
      assertEquals("uint16", r.getString(r.fieldIndex("dtype")));
      byte[] b = (byte[]) r.get(r.fieldIndex("tokens"));
      long[] t = new long[b.length / 2];
      for (int i = 0; i < t.length; i++) {
        t[i] = (b[2 * i] & 0xFF) | (b[2 * i + 1] & 0xFF) << 8;
      }
      table
          .computeIfAbsent(r.getString(0), k -> new TreeMap<>())
          .computeIfAbsent(r.getInt(1), k -> new ArrayList<>())
          .add(t);
    }
  }

  @Test
  void litGptFilesHoldEveryRowInOrderAndShortFilesArePadded() throws Exception {
    assertTrue(table.get("train").size() >= 3, "several train shards");
    for (Map.Entry<String, Map<Integer, List<long[]>>> split : table.entrySet()) {
      int maxRows = split.getValue().values().stream().mapToInt(List::size).max().getAsInt();
      for (Map.Entry<Integer, List<long[]>> shard : split.getValue().entrySet()) {
        Path f = out.resolve(String.format("litgpt/%s_%010d.bin", split.getKey(), shard.getKey()));
        LitGptReader r = new LitGptReader(f);
        assertEquals(8, r.dtypeCode);
        // Every file of a split has the same chunk size (TinyLlama reads it from the first file
        // only).
        assertEquals((long) maxRows * L, r.chunkSize);
        List<long[]> rows = shard.getValue();
        for (int i = 0; i < maxRows; i++) {
          long[] block = r.block(i, L);
          if (i < rows.size()) {
            assertArrayEquals(rows.get(i), block, f + " block " + i);
          } else {
            for (long t : block) {
              assertEquals(PAD, t);
            }
          }
        }
      }
    }
    assertFalse(Files.exists(out.resolve("litgpt/train_0000000099.bin")));
    assertTrue(
        Files.exists(out.resolve("litgpt/notes.txt")), "files we did not name are left alone");
    assertEquals(1L, summary.counts().get("stale_files_deleted"));
  }

  @Test
  void megatronFilesHoldOneSequenceAndDocumentPerRow() throws Exception {
    for (Map.Entry<String, Map<Integer, List<long[]>>> split : table.entrySet()) {
      for (Map.Entry<Integer, List<long[]>> shard : split.getValue().entrySet()) {
        MegatronReader m =
            new MegatronReader(
                out.resolve(String.format("megatron/%s_%010d", split.getKey(), shard.getKey())));
        List<long[]> rows = shard.getValue();
        assertEquals(8, m.dtypeCode);
        assertEquals(rows.size(), m.size());
        assertEquals(rows.size() + 1, m.documentIndices.length);
        assertEquals(0, m.documentIndices[0]);
        assertEquals(rows.size(), m.documentIndices[rows.size()]); // Megatron asserts this
        for (int i = 0; i < rows.size(); i++) {
          assertEquals(L, m.lengths[i]);
          assertArrayEquals(rows.get(i), m.sequence(i));
        }
      }
    }
  }

  @Test
  void keepModeWritesTrueBlockCounts() throws Exception {
    Path keep = TestSpark.newDir("export-keep");
    new ExportStage()
        .run(
            new RunContext(
                TestSpark.session(),
                PackTestData.config(
                    lake,
                    "pack.seq_len=" + SEQ,
                    "export.dir=" + Stages.q(keep),
                    "export.formats=[litgpt]",
                    "export.litgpt_short_files=keep")));
    for (Map.Entry<String, Map<Integer, List<long[]>>> split : table.entrySet()) {
      for (Map.Entry<Integer, List<long[]>> shard : split.getValue().entrySet()) {
        LitGptReader r =
            new LitGptReader(
                keep.resolve(String.format("litgpt/%s_%010d.bin", split.getKey(), shard.getKey())));
        assertEquals((long) shard.getValue().size() * L, r.chunkSize);
      }
    }
    assertFalse(Files.exists(keep.resolve("megatron")));
  }
}
