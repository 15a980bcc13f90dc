package dev.slimspark.jobs.dedup;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.LogicalRDD;

/**
 * Materializes intermediate tables and cuts their lineage, so iterative steps keep short plans and
 * later steps do not recompute earlier ones (nor re-sample a sort, which node ids rely on).
 */
final class Lineage {
  private Lineage() {}

  /** Eager local (executor block manager) or reliable (checkpoint dir) checkpoint. */
  static Dataset<Row> cut(Dataset<Row> ds, DedupOptions opts) {
    return opts.reliableCheckpoint() ? ds.checkpoint(true) : ds.localCheckpoint(true);
  }

  /** Frees the blocks behind a Dataset returned by {@link #cut}; no-op for anything else. */
  static void release(Dataset<Row> ds) {
    LogicalPlan plan = ds.queryExecution().analyzed();
    if (plan instanceof LogicalRDD) {
      ((LogicalRDD) plan).rdd().unpersist(false);
    }
  }
}
