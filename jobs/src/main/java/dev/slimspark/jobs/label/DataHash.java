package dev.slimspark.jobs.label;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A fingerprint of a labeled data set's content: SHA-256 over the row count and the exact sum of
 * the rows' 64-bit (id, text, label) hashes, computed on the executors. Independent of row order
 * and partitioning; any changed, added or removed row changes it (up to hash collisions).
 */
final class DataHash {
  private DataHash() {}

  /** The fingerprint of {@code data} (columns id, text, label), hex. */
  static String of(Dataset<Row> data) {
    Row r =
        data.agg(
                count(lit(1)),
                sum(xxhash64(col("id"), col("text"), col("label")).cast("decimal(38,0)")))
            .head();
    return Fingerprint.of(
        "rows", String.valueOf(r.get(0)), "xxhash64-sum", String.valueOf(r.get(1)));
  }
}
