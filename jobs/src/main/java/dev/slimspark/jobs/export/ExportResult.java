package dev.slimspark.jobs.export;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/**
 * What one export wrote: the shards ({@link ShardTask}), the files (one row per file: format,
 * split, shard, path, rows, bytes; see {@link ShardFileWriter}), the directory and how many stale
 * files of an earlier, larger export were deleted.
 */
record ExportResult(List<ShardTask> tasks, List<Row> files, String dir, long staleFilesDeleted) {
  /** Per split: shards, rows, tokens and lit-gpt pad rows. */
  Map<String, Map<String, Object>> bySplit() {
    Map<String, Map<String, Object>> bySplit = new TreeMap<>();
    for (ShardTask t : tasks) {
      Map<String, Object> m =
          bySplit.computeIfAbsent(
              t.split,
              k -> {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("shards", 0L);
                x.put("rows", 0L);
                x.put("tokens", 0L);
                x.put("litgpt_pad_rows", 0L);
                return x;
              });
      m.merge("shards", 1L, (a, b) -> (Long) a + (Long) b);
      m.merge("rows", t.rows, (a, b) -> (Long) a + (Long) b);
      m.merge("tokens", t.rows * (t.seqLen + 1), (a, b) -> (Long) a + (Long) b);
      m.merge("litgpt_pad_rows", t.litgptPadRows, (a, b) -> (Long) a + (Long) b);
    }
    return bySplit;
  }

  /** Per format: files and bytes. */
  Map<String, Object> byFormat() {
    Map<String, long[]> byFormat = new TreeMap<>();
    for (Row f : files) {
      long[] v = byFormat.computeIfAbsent(f.getString(0), k -> new long[2]);
      v[0]++;
      v[1] += f.getLong(5);
    }
    Map<String, Object> formats = new TreeMap<>();
    for (Map.Entry<String, long[]> e : byFormat.entrySet()) {
      formats.put(e.getKey(), Map.of("files", e.getValue()[0], "bytes", e.getValue()[1]));
    }
    return formats;
  }
}
