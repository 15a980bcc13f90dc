package dev.slimspark.jobs.export;

import com.github.luben.zstd.ZstdOutputStream;
import dev.slimspark.io.SerializableHadoopConf;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.Tuple2;

/**
 * Executor side of the jsonl.zst export: partition i holds the documents of task i sorted by
 * doc_id; they stream into {split}/{split}-{task:05d}-{part:04d}.jsonl.zst, a new part whenever the
 * next line would pass chunk_bytes uncompressed. Memory per task: one line plus zstd's window.
 * Returns one {@link CorpusFiles#FILE} row per file. A retried task rewrites the same names with
 * the same bytes (fixed level, single-threaded zstd, no timestamps).
 */
final class JsonlChunkWriter
    implements Function2<Integer, Iterator<Tuple2<Tuple2<Integer, String>, Row>>, Iterator<Row>> {
  private static final long serialVersionUID = 1L;
  private final CorpusPlan plan;
  private final String dir;
  private final Corpus corpus;
  private final Broadcast<SerializableHadoopConf> conf;

  JsonlChunkWriter(
      CorpusPlan plan, String dir, Corpus corpus, Broadcast<SerializableHadoopConf> conf) {
    this.plan = plan;
    this.dir = dir;
    this.corpus = corpus;
    this.conf = conf;
  }

  @Override
  public Iterator<Row> call(Integer task, Iterator<Tuple2<Tuple2<Integer, String>, Row>> docs)
      throws IOException {
    CorpusPlan.Split split = plan.splitOf(task);
    FileSystem fs = CorpusFiles.rawIfLocal(new Path(dir).getFileSystem(conf.value().get()));
    MetaJson json = new MetaJson();
    List<Row> files = new ArrayList<>();
    Part part = null;
    while (docs.hasNext()) {
      Row d = docs.next()._2();
      byte[] line = json.line(d.getString(2), d.getString(1), d.getString(3));
      if (part != null && part.raw > 0 && part.raw + line.length > corpus.chunkBytes()) {
        files.add(part.close());
        part = null;
      }
      if (part == null) {
        String rel =
            String.format(
                "jsonl/%s/%s-%05d-%04d.jsonl.zst",
                split.name(), split.name(), task - split.offset(), files.size());
        part = new Part(fs, dir, rel, split.name(), corpus.zstdLevel());
      }
      part.write(line);
    }
    if (part != null) {
      files.add(part.close());
    }
    return files.iterator();
  }

  /** One open file: zstd over a byte counter over a SHA-256 digest over the file. */
  private static final class Part {
    final String rel;
    final String split;
    final MessageDigest sha;
    final long[] compressed = new long[1];
    final OutputStream out;
    long raw;
    long docs;

    Part(FileSystem fs, String dir, String rel, String split, int level) throws IOException {
      this.rel = rel;
      this.split = split;
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      OutputStream file = fs.create(new Path(dir + "/" + CorpusFiles.ROOT + "/" + rel), true);
      OutputStream counted =
          new FilterOutputStream(new DigestOutputStream(file, sha)) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              out.write(b, off, len);
              compressed[0] += len;
            }

            @Override
            public void write(int b) throws IOException {
              out.write(b);
              compressed[0]++;
            }
          };
      ZstdOutputStream z = new ZstdOutputStream(counted, level);
      z.setChecksum(true);
      this.out = new BufferedOutputStream(z, 1 << 20);
    }

    void write(byte[] line) throws IOException {
      out.write(line);
      raw += line.length;
      docs++;
    }

    Row close() throws IOException {
      out.close();
      return RowFactory.create(
          CorpusFiles.JSONL,
          split,
          rel,
          docs,
          raw,
          compressed[0],
          HexFormat.of().formatHex(sha.digest()));
    }
  }
}
