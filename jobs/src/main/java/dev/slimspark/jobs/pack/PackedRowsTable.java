package dev.slimspark.jobs.pack;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code packed_rows} Delta table, partitioned by split and shard_id. One row = one training
 * sequence of seq_len + 1 tokens; row_id is dense (0..n-1) within a shard, and rows are in seeded
 * random order across shards.
 */
public final class PackedRowsTable {
  public static final String TRAIN = "train";
  public static final String VALIDATION = "validation";

  public static final StructType SCHEMA =
      new StructType()
          .add("split", DataTypes.StringType, false)
          .add("shard_id", DataTypes.IntegerType, false)
          .add("row_id", DataTypes.LongType, false)
          .add("tokens", DataTypes.BinaryType, false)
          .add("dtype", DataTypes.StringType, false)
          .add("seq_len", DataTypes.IntegerType, false)
          .add("segment_lengths", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
          .add("doc_ids", DataTypes.createArrayType(DataTypes.StringType, false), false)
          .add("pad_count", DataTypes.IntegerType, false);

  private PackedRowsTable() {}
}
