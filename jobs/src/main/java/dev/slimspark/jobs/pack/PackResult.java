package dev.slimspark.jobs.pack;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What {@link PackAction} made: {@code table}, the packed_rows rows to write (computed from {@code
 * packed}, rows persisted on local disk, about the size of the output; {@link #release()} after
 * writing), and what the summary reports.
 *
 * @param perSplit split -> {rows, pad tokens, docs, tokens in, docs split, tail dropped, docs in
 *     tail}
 * @param firstShard split -> first new shard id (append continues after existing shards)
 * @param partitions packing partitions (ceil(sampled tokens / partition_tokens))
 */
record PackResult(
    Dataset<Row> table,
    Dataset<Row> packed,
    CorpusScan scan,
    MixPlan plan,
    Map<String, long[]> perSplit,
    long rowsPerShard,
    Map<String, Integer> firstShard,
    String dtype,
    int partitions) {

  /** Drops the persisted packed rows. */
  void release() {
    packed.unpersist();
  }
}
