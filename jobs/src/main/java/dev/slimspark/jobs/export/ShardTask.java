package dev.slimspark.jobs.export;

import java.io.Serializable;

/** One shard to export: which rows, how many, and how many pad rows the lit-gpt file gets. */
final class ShardTask implements Serializable {
  private static final long serialVersionUID = 1L;
  final String split;
  final int shardId;
  final long rows;
  final long litgptPadRows;
  final String dtype;
  final int seqLen;

  ShardTask(String split, int shardId, long rows, long litgptPadRows, String dtype, int seqLen) {
    this.split = split;
    this.shardId = shardId;
    this.rows = rows;
    this.litgptPadRows = litgptPadRows;
    this.dtype = dtype;
    this.seqLen = seqLen;
  }
}
