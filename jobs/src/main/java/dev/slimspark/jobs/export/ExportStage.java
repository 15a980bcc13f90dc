package dev.slimspark.jobs.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.io.SerializableHadoopConf;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.Stage;
import dev.slimspark.jobs.pack.PackedRowsTable;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * export: packed_rows → trainer files under export.dir, one file (or .bin/.idx pair) per shard,
 * named {split}_{shard:010d}: lit-gpt PackedDataset ({@link LitGptFormat}) and Megatron-LM indexed
 * dataset ({@link MegatronFormat}). One Spark task per shard writes through the Hadoop FileSystem
 * (s3a:// works); the driver only sees per-shard counts and the list of files. Files of our naming
 * pattern that no current shard produced (from an earlier, larger export) are deleted afterwards,
 * so a glob over the directory sees exactly the table's shards.
 */
public final class ExportStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(ExportStage.class);
  /** Row ids live in the low 40 bits of the shuffle key, the shard index above them. */
  static final long ROW_MASK = (1L << 40) - 1;

  @Override
  public String name() {
    return "export";
  }

  @Override
  public String description() {
    return "write packed_rows as lit-gpt PackedDataset and Megatron-LM indexed dataset files -> export.dir";
  }

  @Override
  public String[] configPrefixes() {
    return new String[] {"lake", "export", "pack.pad_id"};
  }

  @Override
  public JobSummary run(RunContext ctx) {
    SlimConfig c = ctx.config();
    Lake lake = ctx.lake();
    JobSummary summary = new JobSummary(name(), ctx);
    summary.input(lake.path(Table.PACKED_ROWS));
    String configured = c.getString("export.dir");
    // Default: next to the lake's tables, so a run's outputs stay together.
    String dir = normalize(configured.isEmpty() ? ctx.lake().path("_export") : configured);
    List<String> formats = c.getStringList("export.formats");
    for (String f : formats) {
      if (!f.equals("litgpt") && !f.equals("megatron")) {
        throw UserErrors.badConfigValue("export.formats", "\"" + f + "\"", "a list of \"litgpt\" and/or \"megatron\"");
      }
    }
    boolean pad = c.getEnum("export.litgpt_short_files", "pad", "keep").equals("pad");
    int padId = c.getInt("pack.pad_id");

    var rows = lake.read(Table.PACKED_ROWS);
    List<ShardTask> tasks = shardTasks(rows, pad);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      index.put(tasks.get(i).split + "/" + tasks.get(i).shardId, i);
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(ctx.spark().sparkContext());
    Broadcast<SerializableHadoopConf> conf = jsc.broadcast(new SerializableHadoopConf(jsc.hadoopConfiguration()));
    List<Row> files = tasks.isEmpty() ? List.of() :
        rows.select("split", "shard_id", "row_id", "tokens").javaRDD()
            .mapToPair(r -> new Tuple2<>(((long) index.get(r.getString(0) + "/" + r.getInt(1)) << 40) | r.getLong(2),
                (byte[]) r.get(3)))
            .repartitionAndSortWithinPartitions(new ShardPartitioner(tasks.size()))
            .mapPartitionsWithIndex(new ShardFileWriter(tasks, dir, formats.contains("litgpt"),
                formats.contains("megatron"), padId, conf), false)
            .collect();
    long deleted = deleteStale(dir, files, jsc);
    fillSummary(summary, tasks, files, dir, deleted);
    return summary;
  }

  /** One task per (split, shard), in (split, shard) order, from a per-shard aggregate. */
  private static List<ShardTask> shardTasks(org.apache.spark.sql.Dataset<Row> rows, boolean pad) {
    List<Row> shards = rows.groupBy("split", "shard_id")
        .agg(count(lit(1)), max("row_id"), min("dtype"), max("dtype"), first("seq_len"), max("seq_len"))
        .sort(col("split"), col("shard_id"))
        .collectAsList();
    Map<String, Long> maxRows = new TreeMap<>();
    for (Row r : shards) {
      if (!r.getString(4).equals(r.getString(5)) || r.getInt(6) != r.getInt(7) || r.getLong(3) != r.getLong(2) - 1) {
        throw UserErrors.of(
            "packed_rows shard " + r.getString(0) + "/" + r.getInt(1) + " is inconsistent (mixed dtype or "
                + "seq_len, or row ids not 0.." + (r.getLong(2) - 1) + ").",
            "The table was written by something other than the pack stage, or edited by hand.",
            "Re-run `slimspark pack` with pack.mode_write = overwrite.");
      }
      maxRows.merge(r.getString(0), r.getLong(2), Math::max);
    }
    List<ShardTask> tasks = new ArrayList<>();
    for (Row r : shards) {
      long n = r.getLong(2);
      long padRows = pad ? maxRows.get(r.getString(0)) - n : 0;
      tasks.add(new ShardTask(r.getString(0), r.getInt(1), n, padRows, r.getString(4), r.getInt(6)));
    }
    return tasks;
  }

  /** Removes files of our naming pattern under dir/{litgpt,megatron} that this export did not write. */
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

  private static void fillSummary(JobSummary s, List<ShardTask> tasks, List<Row> files, String dir, long deleted) {
    Map<String, Map<String, Object>> bySplit = new TreeMap<>();
    for (ShardTask t : tasks) {
      Map<String, Object> m = bySplit.computeIfAbsent(t.split, k -> {
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
    s.count("shards", (long) tasks.size()).count("by_split", bySplit).count("by_format", formats)
        .count("stale_files_deleted", deleted);
    s.put("export_dir", dir);
    s.output("files", dir, -1);
  }

  static String normalize(String d) {
    return dev.slimspark.lake.Lake.absolute(d);
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
