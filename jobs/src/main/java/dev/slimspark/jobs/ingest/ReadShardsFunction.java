package dev.slimspark.jobs.ingest;

import dev.slimspark.io.InputFiles;
import dev.slimspark.io.SerializableHadoopConf;
import dev.slimspark.udfs.ingest.IngestRecord;
import dev.slimspark.udfs.ingest.ShardReader;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Reads the files of one task group, one after the other, lazily: rows stream out as lines are
 * decoded, so a task holds one line (bounded) at a time, never a whole file.
 */
final class ReadShardsFunction implements FlatMapFunction<Iterator<InputFiles.Entry>, Row> {
  private static final long serialVersionUID = 1L;
  private final Broadcast<SerializableHadoopConf> conf;
  private final ShardReader.Options options;

  ReadShardsFunction(Broadcast<SerializableHadoopConf> conf, ShardReader.Options options) {
    this.conf = conf;
    this.options = options;
  }

  @Override
  public Iterator<Row> call(Iterator<InputFiles.Entry> files) {
    Broadcast<SerializableHadoopConf> c = conf;
    ShardReader.Opener opener =
        path -> {
          Path p = new Path(path);
          return p.getFileSystem(c.value().get()).open(p);
        };
    return new Iterator<>() {
      private ShardReader current;

      @Override
      public boolean hasNext() {
        while (current == null || !current.hasNext()) {
          if (!files.hasNext()) {
            return false;
          }
          InputFiles.Entry e = files.next();
          current =
              new ShardReader(e.path, e.problem == null ? opener : unreadable(e.problem), options);
        }
        return true;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return toRow(current.next());
      }
    };
  }

  /**
   * An opener that fails the way a missing file does, with the listing's reason (a dangling link):
   * the reader records it as an unreadable_file row, as for any file it cannot open.
   */
  private static ShardReader.Opener unreadable(String problem) {
    return path -> {
      throw new java.io.FileNotFoundException(problem);
    };
  }

  static Row toRow(IngestRecord r) {
    return RowFactory.create(
        r.kind.name().toLowerCase(java.util.Locale.ROOT),
        r.file,
        r.lineNumber,
        r.byteOffset,
        r.docId,
        r.source,
        r.text,
        r.metaJson,
        r.extraJson,
        r.byteLength,
        r.utf8Repaired,
        r.reason,
        r.detail,
        r.rawPrefix,
        r.lineBytes,
        r.compression,
        r.linesRead,
        r.docs,
        r.quarantined,
        r.blank,
        r.repaired,
        r.compressedBytesRead,
        r.decompressedBytes,
        r.damaged);
  }
}
