package dev.slimspark.jobs.export;

import dev.slimspark.io.SerializableHadoopConf;
import dev.slimspark.lake.TokenCodec;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
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
 * Executor side of export: partition i holds exactly the rows of shard i, sorted by row_id; they
 * stream into the shard's files (lit-gpt .bin; Megatron .bin then .idx) through the Hadoop
 * FileSystem, so memory per task is one row. Returns one record per file written (path, rows,
 * bytes). A retried task rewrites the same names with the same bytes.
 */
final class ShardFileWriter
    implements Function2<Integer, Iterator<Tuple2<Long, byte[]>>, Iterator<Row>> {
  private static final long serialVersionUID = 1L;
  private final List<ShardTask> tasks;
  private final String dir;
  private final boolean litgpt;
  private final boolean megatron;
  private final int padId;
  private final Broadcast<SerializableHadoopConf> conf;

  ShardFileWriter(
      List<ShardTask> tasks,
      String dir,
      boolean litgpt,
      boolean megatron,
      int padId,
      Broadcast<SerializableHadoopConf> conf) {
    this.tasks = tasks;
    this.dir = dir;
    this.litgpt = litgpt;
    this.megatron = megatron;
    this.padId = padId;
    this.conf = conf;
  }

  @Override
  public Iterator<Row> call(Integer partition, Iterator<Tuple2<Long, byte[]>> rows)
      throws IOException {
    ShardTask t = tasks.get(partition);
    int rowTokens = t.seqLen + 1;
    int bpt = TokenCodec.bytesPerToken(t.dtype);
    Path litPath = new Path(dir + "/litgpt/" + LitGptFormat.fileName(t.split, t.shardId));
    String mPrefix = dir + "/megatron/" + MegatronFormat.prefix(t.split, t.shardId);
    FileSystem fs = new Path(dir).getFileSystem(conf.value().get());
    List<Row> written = new ArrayList<>();
    long n = 0;
    try (DataOutputStream lit = litgpt ? open(fs, litPath) : null;
        DataOutputStream meg = megatron ? open(fs, new Path(mPrefix + ".bin")) : null) {
      if (lit != null) {
        LitGptFormat.writeHeader(lit, t.dtype, (t.rows + t.litgptPadRows) * rowTokens);
      }
      while (rows.hasNext()) {
        Tuple2<Long, byte[]> r = rows.next();
        long rowId = r._1() & ShardExport.ROW_MASK;
        if (rowId != n || r._2().length != rowTokens * bpt) {
          throw new IllegalStateException(
              "packed_rows shard "
                  + t.split
                  + "/"
                  + t.shardId
                  + " is not dense or has a wrong row size at row "
                  + rowId
                  + " (expected "
                  + n
                  + ")");
        }
        if (lit != null) {
          lit.write(r._2());
        }
        if (meg != null) {
          meg.write(r._2());
        }
        n++;
      }
      if (n != t.rows) {
        throw new IllegalStateException(
            "shard " + t.split + "/" + t.shardId + ": " + n + " rows, expected " + t.rows);
      }
      if (lit != null) {
        int[] pad = new int[rowTokens];
        java.util.Arrays.fill(pad, padId);
        byte[] padRow = TokenCodec.encode(pad, t.dtype);
        for (long i = 0; i < t.litgptPadRows; i++) {
          lit.write(padRow);
        }
        written.add(
            RowFactory.create(
                "litgpt",
                t.split,
                t.shardId,
                litPath.toString(),
                n,
                LitGptFormat.HEADER_BYTES + (n + t.litgptPadRows) * rowTokens * bpt));
      }
      if (meg != null) {
        written.add(
            RowFactory.create(
                "megatron", t.split, t.shardId, mPrefix + ".bin", n, n * rowTokens * bpt));
      }
    }
    if (megatron) {
      Path idx = new Path(mPrefix + ".idx");
      try (DataOutputStream out = open(fs, idx)) {
        MegatronFormat.writeIndex(out, t.dtype, n, rowTokens, bpt);
        written.add(
            RowFactory.create(
                "megatron", t.split, t.shardId, idx.toString(), n, 34 + n * 20 + (n + 1) * 8));
      }
    }
    return written.iterator();
  }

  private static DataOutputStream open(FileSystem fs, Path p) throws IOException {
    return new DataOutputStream(new BufferedOutputStream(fs.create(p, true), 1 << 20));
  }
}
