package dev.slimspark.jobs.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.io.SerializableHadoopConf;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The work of export: packed_rows in, one file (or .bin/.idx pair) per shard out under a directory,
 * stale files of our naming pattern removed, an {@link ExportResult} back. One Spark task per shard
 * writes through the Hadoop FileSystem (s3a:// works); the driver only sees per-shard counts and
 * the list of files. No config and no lake: the caller resolves the directory.
 */
final class ShardExport {
  private static final Logger LOG = LoggerFactory.getLogger(ShardExport.class);

  /** Row ids live in the low 40 bits of the shuffle key, the shard index above them. */
  static final long ROW_MASK = (1L << 40) - 1;

  private ShardExport() {}

  /** Writes every shard of {@code rows} (packed_rows) under {@code dir} in the options' formats. */
  static ExportResult run(
      Dataset<Row> rows, String dir, ExportOptions options, JavaSparkContext jsc) {
    List<ShardTask> tasks = shardTasks(rows, options.padShortLitgptFiles());
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      index.put(tasks.get(i).split + "/" + tasks.get(i).shardId, i);
    }
    Broadcast<SerializableHadoopConf> conf =
        jsc.broadcast(new SerializableHadoopConf(jsc.hadoopConfiguration()));
    List<Row> files =
        tasks.isEmpty()
            ? List.of()
            : rows.select("split", "shard_id", "row_id", "tokens")
                .javaRDD()
                .mapToPair(
                    r ->
                        new Tuple2<>(
                            ((long) index.get(r.getString(0) + "/" + r.getInt(1)) << 40)
                                | r.getLong(2),
                            (byte[]) r.get(3)))
                .repartitionAndSortWithinPartitions(new ShardPartitioner(tasks.size()))
                .mapPartitionsWithIndex(
                    new ShardFileWriter(
                        tasks, dir, options.litgpt(), options.megatron(), options.padId(), conf),
                    false)
                .collect();
    long deleted = deleteStale(dir, files, jsc);
    return new ExportResult(tasks, files, dir, deleted);
  }

  /** One task per (split, shard), in (split, shard) order, from a per-shard aggregate. */
  private static List<ShardTask> shardTasks(Dataset<Row> rows, boolean pad) {
    List<Row> shards =
        rows.groupBy("split", "shard_id")
            .agg(
                count(lit(1)),
                max("row_id"),
                min("dtype"),
                max("dtype"),
                first("seq_len"),
                max("seq_len"))
            .sort(col("split"), col("shard_id"))
            .collectAsList();
    Map<String, Long> maxRows = new TreeMap<>();
    for (Row r : shards) {
      if (!r.getString(4).equals(r.getString(5))
          || r.getInt(6) != r.getInt(7)
          || r.getLong(3) != r.getLong(2) - 1) {
        throw UserErrors.of(
            "packed_rows shard "
                + r.getString(0)
                + "/"
                + r.getInt(1)
                + " is inconsistent (mixed dtype or "
                + "seq_len, or row ids not 0.."
                + (r.getLong(2) - 1)
                + ").",
            "The table was written by something other than the pack stage, or edited by hand.",
            "Re-run `slimspark pack` with pack.mode_write = overwrite.");
      }
      maxRows.merge(r.getString(0), r.getLong(2), Math::max);
    }
    List<ShardTask> tasks = new ArrayList<>();
    for (Row r : shards) {
      long n = r.getLong(2);
      long padRows = pad ? maxRows.get(r.getString(0)) - n : 0;
      tasks.add(
          new ShardTask(r.getString(0), r.getInt(1), n, padRows, r.getString(4), r.getInt(6)));
    }
    return tasks;
  }

  /**
   * Removes files of our naming pattern under dir/{litgpt,megatron} that this export did not write.
   */
  private static long deleteStale(String dir, List<Row> files, JavaSparkContext jsc) {
    Set<String> keep = new HashSet<>();
    for (Row f : files) {
      keep.add(new Path(f.getString(3)).getName());
    }
    long deleted = 0;
    try {
      FileSystem fs = new Path(dir).getFileSystem(jsc.hadoopConfiguration());
      for (String sub : new String[] {"litgpt", "megatron"}) {
        Path p = new Path(dir + "/" + sub);
        if (!fs.exists(p)) {
          continue;
        }
        for (FileStatus st : fs.listStatus(p)) {
          String name = st.getPath().getName();
          if (name.matches("(train|validation)_\\d{10}\\.(bin|idx)") && !keep.contains(name)) {
            LOG.info("export: deleting stale {}", st.getPath());
            fs.delete(st.getPath(), false);
            deleted++;
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list or clean " + dir, e);
    }
    return deleted;
  }

  /** Partition = shard index, the key's high bits. */
  static final class ShardPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int n;

    ShardPartitioner(int n) {
      this.n = n;
    }

    @Override
    public int numPartitions() {
      return n;
    }

    @Override
    public int getPartition(Object key) {
      return (int) (((Long) key) >>> 40);
    }
  }
}
