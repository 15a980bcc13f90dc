package dev.slimspark.jobs.export;

import dev.slimspark.io.SerializableHadoopConf;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
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
   * Moves Spark's part-NNNNN-uuid.parquet files of {@code tmp} (NNNNN = task) to
   * parquet/{split}/{split}-{task:05d}.parquet and deletes tmp. Returns task -> relative path.
   */
  static Map<Integer, String> placeParquet(
      String dir, String tmp, CorpusPlan plan, Configuration conf) {
    FileSystem fs = fs(dir, conf);
    Map<Integer, String> placed = new TreeMap<>();
    try {
      for (FileStatus st : fs.listStatus(new Path(tmp))) {
        Matcher m = PART.matcher(st.getPath().getName());
        if (!m.matches()) {
          continue;
        }
        int task = Integer.parseInt(m.group(1));
        CorpusPlan.Split s = plan.splitOf(task);
        String rel =
            String.format("parquet/%s/%s-%05d.parquet", s.name(), s.name(), task - s.offset());
        Path to = new Path(dir + "/" + ROOT + "/" + rel);
        fs.mkdirs(to.getParent());
        if (!fs.rename(st.getPath(), to)) {
          throw new IOException("cannot rename " + st.getPath() + " to " + to);
        }
        placed.put(task, rel);
      }
      fs.delete(new Path(tmp), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot place the parquet files of " + tmp, e);
    }
    return placed;
  }

  /** Records of the placed parquet files, with sizes and SHA-256 computed by executors. */
  static List<Row> parquetRecords(
      String dir, Map<Integer, String> placed, Map<Integer, Long> docs, JavaSparkContext jsc) {
    if (placed.isEmpty()) {
      return List.of();
    }
    Broadcast<SerializableHadoopConf> conf =
        jsc.broadcast(new SerializableHadoopConf(jsc.hadoopConfiguration()));
    String root = dir + "/" + ROOT + "/";
    List<String> rels = new ArrayList<>(placed.values());
    List<String> hashes =
        jsc.parallelize(rels, Math.min(rels.size(), 64))
            .map(rel -> sizeAndSha256(root + rel, conf.value().get()))
            .collect();
    List<Row> out = new ArrayList<>();
    int i = 0;
    for (Map.Entry<Integer, String> e : placed.entrySet()) {
      String[] h = hashes.get(i++).split(" ");
      out.add(
          RowFactory.create(
              PARQUET,
              e.getValue().split("/")[1],
              e.getValue(),
              docs.getOrDefault(e.getKey(), 0L),
              -1L,
              Long.parseLong(h[0]),
              h[1]));
    }
    return out;
  }

  /** "size sha256hex" of one file, streamed. */
  static String sizeAndSha256(String path, Configuration conf) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long n = 0;
    byte[] buf = new byte[1 << 20];
    try (InputStream in = fs(path, conf).open(new Path(path))) {
      for (int r; (r = in.read(buf)) > 0; ) {
        sha.update(buf, 0, r);
        n += r;
      }
    }
    return n + " " + HexFormat.of().formatHex(sha.digest());
  }
}
