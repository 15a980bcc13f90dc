package dev.slimspark.jobs.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;

/**
 * DIR/corpus/manifest.json (every file with documents, bytes and SHA-256; the config hash; the
 * funnel counts; documents per split and source), SHA256SUMS (for {@code sha256sum -c}) and the
 * dataset card README.md ({@link DatasetCard}). No timestamps: the same export gives the same
 * bytes.
 */
final class CorpusManifest {
  static final String FILE = "manifest.json";
  static final String SUMS = "SHA256SUMS";
  static final String CARD = "README.md";

  /**
   * Where the exported documents come from, for the manifest and the card.
   *
   * @param table the exported table and its Delta version
   * @param funnel documents at each stage (table id -> rows), in pipeline order
   * @param settings section -> key -> value of the config sections that shaped the text
   */
  record Provenance(
      String table,
      long tableVersion,
      String configHash,
      String codeVersion,
      Map<String, Long> funnel,
      Map<String, Map<String, String>> settings) {}

  private CorpusManifest() {}

  static Map<String, Object> manifest(CorpusResult r, Provenance p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("manifest_version", 1);
    m.put("source_table", p.table());
    m.put("source_table_version", p.tableVersion());
    m.put("config_hash", p.configHash());
    m.put("code_version", p.codeVersion());
    m.put("docs", r.plan().docs());
    m.put("funnel", p.funnel());
    Map<String, Object> splits = new LinkedHashMap<>();
    for (CorpusPlan.Split s : r.plan().splits) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("tasks", s.tasks());
      v.put("by_source", r.plan().bySplitAndSource().get(s.name()));
      splits.put(s.name(), v);
    }
    m.put("splits", splits);
    m.put("formats", r.byFormat());
    List<Map<String, Object>> files = new ArrayList<>();
    for (Row f : r.files()) {
      Map<String, Object> v = new LinkedHashMap<>();
      for (int i = 0; i < CorpusFiles.FILE.size(); i++) {
        if (!(i == 4 && f.getLong(4) < 0)) { // parquet: no uncompressed size
          v.put(CorpusFiles.FILE.fields()[i].name(), f.get(i));
        }
      }
      files.add(v);
    }
    m.put("files", files);
    return m;
  }

  /** Writes manifest.json, SHA256SUMS and README.md under DIR/corpus. */
  static void write(String dir, CorpusResult r, Provenance p, Configuration conf) {
    String root = dir + "/" + CorpusFiles.ROOT + "/";
    try {
      byte[] json =
          new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsBytes(manifest(r, p));
      put(root + FILE, json, conf);
      StringBuilder sums = new StringBuilder();
      for (Row f : r.files()) {
        sums.append(f.getString(6)).append("  ").append(f.getString(2)).append('\n');
      }
      put(root + SUMS, sums.toString().getBytes(StandardCharsets.UTF_8), conf);
      put(root + CARD, DatasetCard.markdown(r, p).getBytes(StandardCharsets.UTF_8), conf);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the manifest under " + root, e);
    }
  }

  private static void put(String path, byte[] bytes, Configuration conf) throws IOException {
    FileSystem fs = CorpusFiles.fs(path, conf);
    try (OutputStream out = fs.create(new Path(path), true)) {
      out.write(bytes);
      out.write('\n');
    }
  }
}
