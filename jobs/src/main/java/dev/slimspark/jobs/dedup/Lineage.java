package dev.slimspark.jobs.dedup;

import java.io.IOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.LogicalRDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Materializes intermediate tables and cuts their lineage, so iterative steps keep short plans and
 * later steps do not recompute earlier ones (nor re-sample a sort, which node ids rely on).
 */
final class Lineage {
  private static final Logger LOG = LoggerFactory.getLogger(Lineage.class);
  private Lineage() {}

  /** Eager local (executor block manager) or reliable (checkpoint dir) checkpoint. */
  static Dataset<Row> cut(Dataset<Row> ds, DedupOptions opts) {
    return opts.reliableCheckpoint() ? ds.checkpoint(true) : ds.localCheckpoint(true);
  }

  /**
   * Frees the blocks (local) or deletes the files (reliable) behind a Dataset returned by {@link
   * #cut}; no-op for anything else.
   */
  static void release(Dataset<Row> ds) {
    LogicalPlan plan = ds.queryExecution().analyzed();
    if (plan instanceof LogicalRDD) {
      RDD<?> rdd = ((LogicalRDD) plan).rdd();
      rdd.unpersist(false);
      Option<String> file = rdd.getCheckpointFile();
      if (file.isDefined()) {
        Path p = new Path(file.get());
        try {
          p.getFileSystem(ds.sparkSession().sparkContext().hadoopConfiguration()).delete(p, true);
        } catch (IOException e) {
          LOG.warn("could not delete checkpoint {}: {}", p, e.toString());
        }
      }
    }
  }
}
