package dev.slimspark.jobs.stats;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.slimspark.lake.Table;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Duplicate clusters from dup_clusters: {@code stats_dup_cluster_sizes} (how many clusters have
 * each size, their documents and removals) and {@code stats_dup_top_clusters} (the largest
 * clusters, ties by cluster_id, with the kept document's id and a text prefix from docs_filtered as
 * an example). Removal rates per source are in stats_reconcile.
 */
final class DedupStats {
  private DedupStats() {}

  /** Per cluster: size, removals, sources, lowest similarity and the kept doc (one row each). */
  private static Dataset<Row> clusters(StatsInputs in) {
    return in.dupClusters()
        .groupBy("cluster_id")
        .agg(
            count(lit(1)).as("cluster_size"),
            sum(when(col("reason").equalTo("exact"), 1L).otherwise(0L)).as("exact_removed"),
            sum(when(col("reason").equalTo("near"), 1L).otherwise(0L)).as("near_removed"),
            array_sort(collect_set(col("source"))).as("sources"),
            min("similarity_to_kept").as("min_similarity"),
            max(when(col("kept"), col("doc_id"))).as("example_doc_id"));
  }

  static Dataset<Row> sizes(StatsInputs in) {
    return clusters(in)
        .groupBy("cluster_size")
        .agg(
            count(lit(1)).as("clusters"),
            sum("cluster_size").cast(DataTypes.LongType).as("documents"),
            sum(col("exact_removed").plus(col("near_removed")))
                .cast(DataTypes.LongType)
                .as("removed"))
        .withColumn("cluster_size", col("cluster_size").cast(DataTypes.LongType))
        .withColumn("from_table", lit(Table.DUP_CLUSTERS.id()))
        .orderBy("cluster_size")
        .coalesce(1);
  }

  static Dataset<Row> top(StatsInputs in, int n, int prefixChars) {
    Dataset<Row> top =
        // Top-k per partition then a merge (TakeOrderedAndProject); the window only numbers n rows.
        clusters(in)
            .orderBy(col("cluster_size").desc(), col("cluster_id"))
            .limit(n)
            .withColumn(
                "rank",
                row_number().over(Window.orderBy(col("cluster_size").desc(), col("cluster_id"))));
    Dataset<Row> texts =
        in.docsFiltered()
            .select(
                col("doc_id").as("example_doc_id"),
                substring(col("text"), 1, prefixChars).as("example_text_prefix"));
    // Inner join with the small side broadcast: the kept doc of a cluster is always in
    // docs_filtered.
    return texts
        .join(broadcast(top), new String[] {"example_doc_id"})
        .select(
            col("rank").cast(DataTypes.IntegerType).as("rank"),
            col("cluster_id"),
            col("cluster_size").cast(DataTypes.LongType).as("cluster_size"),
            col("exact_removed"),
            col("near_removed"),
            col("sources"),
            col("min_similarity"),
            col("example_doc_id"),
            col("example_text_prefix"),
            lit("dup_clusters + docs_filtered").as("from_table"))
        // n rows: one partition, sorted in place. orderBy would first sample its input to pick
        // range
        // bounds, which reruns the join and so scans every text in docs_filtered a second time.
        .repartition(1)
        .sortWithinPartitions("rank");
  }
}
