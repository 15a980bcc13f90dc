package dev.slimspark.jobs.export;

import dev.slimspark.io.SerializableHadoopConf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * File handling of the text exports: where they go (DIR/corpus/...), the record of one file, the
 * renaming of Spark's parquet part files to stable names, and SHA-256 of files in parallel.
 */
final class CorpusFiles {
  /** Everything the text exports write lives under DIR/corpus. */
  static final String ROOT = "corpus";

  static final String JSONL = "jsonl.zst";
  static final String PARQUET = "parquet";

  /** One written file: path relative to DIR/corpus, documents, uncompressed and file bytes. */
  static final StructType FILE =
      new StructType()
          .add("format", DataTypes.StringType)
          .add("split", DataTypes.StringType)
          .add("path", DataTypes.StringType)
          .add("docs", DataTypes.LongType)
          .add("uncompressed_bytes", DataTypes.LongType)
          .add("bytes", DataTypes.LongType)
          .add("sha256", DataTypes.StringType);

  private static final Pattern PART = Pattern.compile("part-(\\d+)-.*\\.parquet");

  private CorpusFiles() {}

  /**
   * The raw file system for local paths: Hadoop's checksummed local FS would leave a .crc file
   * beside every exported file, noise in a released dataset.
   */
  static FileSystem rawIfLocal(FileSystem fs) {
    return fs instanceof LocalFileSystem l ? l.getRaw() : fs;
  }

  static FileSystem fs(String dir, Configuration conf) {
    try {
      return rawIfLocal(new Path(dir).getFileSystem(conf));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes DIR/corpus: the text exports are rewritten whole, so no stale file survives. */
  static void clear(String dir, Configuration conf) {
    try {
      fs(dir, conf).delete(new Path(dir + "/" + ROOT), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear " + dir + "/" + ROOT, e);
    }
  }

  /**
   * Spark's part-NNNNN-uuid.parquet files of {@code tmp} (NNNNN = task): task -> {that file, its
   * final path parquet/{split}/{split}-{task:05d}.parquet relative to DIR/corpus}.
   */
  static Map<Integer, String[]> parquetParts(
      String dir, String tmp, CorpusPlan plan, Configuration conf) {
    FileSystem fs = fs(dir, conf);
    Map<Integer, String[]> parts = new TreeMap<>();
    try {
      for (FileStatus st : fs.listStatus(new Path(tmp))) {
        Matcher m = PART.matcher(st.getPath().getName());
        if (m.matches()) {
          int task = Integer.parseInt(m.group(1));
          CorpusPlan.Split s = plan.splitOf(task);
          String rel =
              String.format("parquet/%s/%s-%05d.parquet", s.name(), s.name(), task - s.offset());
          parts.put(task, new String[] {st.getPath().toString(), rel});
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the parquet files of " + tmp, e);
    }
    return parts;
  }

  /**
   * Executors copy each part file to its final name with the footer normalized ({@link
   * ParquetFooter}: byte-identical across JVMs), hashing as they write; then tmp is deleted.
   */
  static List<Row> placeParquet(
      String dir,
      String tmp,
      Map<Integer, String[]> parts,
      Map<Integer, Long> docs,
      JavaSparkContext jsc) {
    if (parts.isEmpty()) {
      return List.of();
    }
    Broadcast<SerializableHadoopConf> conf =
        jsc.broadcast(new SerializableHadoopConf(jsc.hadoopConfiguration()));
    String root = dir + "/" + ROOT + "/";
    List<String[]> todo = new ArrayList<>(parts.values());
    List<String> hashes =
        jsc.parallelize(todo, Math.min(todo.size(), 64))
            .map(
                p ->
                    ParquetFooter.copyNormalized(
                        fs(root, conf.value().get()), new Path(p[0]), new Path(root + p[1])))
            .collect();
    try {
      fs(dir, jsc.hadoopConfiguration()).delete(new Path(tmp), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + tmp, e);
    }
    List<Row> out = new ArrayList<>();
    int i = 0;
    for (Map.Entry<Integer, String[]> e : parts.entrySet()) {
      String[] h = hashes.get(i++).split(" ");
      String rel = e.getValue()[1];
      out.add(
          RowFactory.create(
              PARQUET,
              rel.split("/")[1],
              rel,
              docs.getOrDefault(e.getKey(), 0L),
              -1L,
              Long.parseLong(h[0]),
              h[1]));
    }
    return out;
  }
}
