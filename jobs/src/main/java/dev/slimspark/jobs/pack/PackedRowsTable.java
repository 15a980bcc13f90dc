package dev.slimspark.jobs.pack;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import org.apache.spark.sql.Column;
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

  /**
   * The split of each document (a doc_id column): validation for a seeded-hash share of {@code
   * validationFraction}, else train. Pack and the corpus export share it, so the exported text's
   * validation split holds the same documents as the packed one.
   */
  public static Column split(long seed, double validationFraction) {
    long cut = Math.round(validationFraction * 1_000_000L);
    return when(
            pmod(xxhash64(lit(seed), lit("split"), col("doc_id")), lit(1_000_000L)).lt(cut),
            lit(VALIDATION))
        .otherwise(lit(TRAIN));
  }
}
