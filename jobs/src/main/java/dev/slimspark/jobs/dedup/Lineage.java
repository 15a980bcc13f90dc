package dev.slimspark.jobs.dedup;

import java.io.IOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.sql.execution.LogicalRDD$;
import org.apache.spark.storage.StorageLevel;
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

  /**
   * Eager local (executor block manager, on disk) or reliable (checkpoint dir) checkpoint.
   *
   * <p>Local checkpoints are kept on the executors' local disks only. {@link
   * Dataset#localCheckpoint} keeps its blocks in memory first (MEMORY_AND_DISK): there they fill
   * the heap's storage region, which only Spark's own execution memory can evict, so the Parquet
   * reader's and writer's buffers beside them run out of heap (bench scale: dedup of 1 GB with a 1
   * GB heap failed writing docs_dedup with 5 "Not enough space to cache" warnings before it).
   */
  static Dataset<Row> cut(Dataset<Row> ds, DedupOptions opts) {
    return opts.reliableCheckpoint() ? ds.checkpoint(true) : localCheckpointOnDisk(ds);
  }

  /**
   * What {@code Dataset.localCheckpoint(true)} does (copied rows, lineage cut, the plan's output
   * partitioning and ordering kept for later joins), with blocks stored DISK_ONLY.
   */
  private static Dataset<Row> localCheckpointOnDisk(Dataset<Row> ds) {
    RDD<InternalRow> rows = ds.queryExecution().toRdd().toJavaRDD().map(InternalRow::copy).rdd();
    rows.persist(StorageLevel.DISK_ONLY());
    rows.localCheckpoint();
    rows.count();
    return Dataset.ofRows(ds.sparkSession(), LogicalRDD$.MODULE$.fromDataset(rows, ds, false));
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
