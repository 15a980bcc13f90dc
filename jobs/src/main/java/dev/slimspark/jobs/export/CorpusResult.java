package dev.slimspark.jobs.export;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/**
 * What the text exports wrote: the plan (documents and text bytes per split and source) and one
 * {@link CorpusFiles#FILE} row per file, sorted by path.
 */
record CorpusResult(CorpusPlan plan, List<Row> files) {
  CorpusResult {
    files = files.stream().sorted(Comparator.comparing((Row r) -> r.getString(2))).toList();
  }

  /** Per format: files, docs, bytes, uncompressed bytes (jsonl.zst only). */
  Map<String, Map<String, Long>> byFormat() {
    Map<String, Map<String, Long>> m = new TreeMap<>();
    for (Row f : files) {
      Map<String, Long> v =
          m.computeIfAbsent(
              f.getString(0),
              k -> {
                Map<String, Long> x = new LinkedHashMap<>();
                x.put("files", 0L);
                x.put("docs", 0L);
                x.put("bytes", 0L);
                if (k.equals(CorpusFiles.JSONL)) {
                  x.put("uncompressed_bytes", 0L);
                }
                return x;
              });
      v.merge("files", 1L, Long::sum);
      v.merge("docs", f.getLong(3), Long::sum);
      v.merge("bytes", f.getLong(5), Long::sum);
      if (f.getLong(4) >= 0) {
        v.merge("uncompressed_bytes", f.getLong(4), Long::sum);
      }
    }
    return m;
  }

  /** Formats whose files hold a different number of documents than the table. */
  List<String> unreconciled() {
    return byFormat().entrySet().stream()
        .filter(e -> e.getValue().get("docs") != plan.docs())
        .map(Map.Entry::getKey)
        .toList();
  }
}
