package dev.slimspark.jobs.pack;

import static org.apache.spark.sql.functions.col;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The seeded global shuffle of one split's rows and their placement: rows are sorted by their
 * seeded key (a total order, ties broken by partition and row number), numbered 0..n-1 (Spark's
 * zipWithIndex: one extra job counting rows per sorted partition, no data to the driver) and cut
 * into shards of rowsPerShard rows: shard_id = firstShard + index / rowsPerShard, row_id = index %
 * rowsPerShard. Only the last shard of a split may be short.
 */
final class ShardAssigner {
  private ShardAssigner() {}

  /**
   * All splits in one sort (split first, so one sampling job and one counting job serve every
   * split); {@code splitStart} gives each split's first global index, i.e. the rows of the splits
   * sorting before it.
   */
  static JavaRDD<Row> assign(
      Dataset<Row> packed,
      Map<String, Long> splitStart,
      Map<String, Integer> firstShard,
      long rowsPerShard,
      String dtype,
      int seqLen) {
    Dataset<Row> rows =
        packed
            .filter(col("is_stats").equalTo(false))
            .select(
                "split",
                "row_key",
                "part",
                "seq",
                "tokens",
                "segment_lengths",
                "doc_ids",
                "pad_count")
            .sort(col("split"), col("row_key"), col("part"), col("seq"));
    Map<String, Long> start = new HashMap<>(splitStart);
    Map<String, Integer> first = new HashMap<>(firstShard);
    return rows.javaRDD()
        .zipWithIndex()
        .map(
            t -> {
              Row r = t._1();
              String split = r.getString(0);
              long i = t._2() - start.get(split);
              return RowFactory.create(
                  split,
                  (int) (first.getOrDefault(split, 0) + i / rowsPerShard),
                  i % rowsPerShard,
                  r.get(4),
                  dtype,
                  seqLen,
                  r.get(5),
                  r.get(6),
                  r.get(7));
            });
  }

  static Dataset<Row> toTable(SparkSession spark, JavaRDD<Row> rows) {
    return spark.createDataFrame(rows, PackedRowsTable.SCHEMA);
  }
}
