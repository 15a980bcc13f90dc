package dev.slimspark.jobs.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.slimspark.errors.UserErrors;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * The work of the text exports: a docs table in, jsonl.zst and/or parquet files out under
 * DIR/corpus, a {@link CorpusResult} back. One shuffle puts each document in its task's partition
 * ({@link CorpusPlan}), sorted by doc_id; both formats are written from it, so a file's content
 * depends only on the table and the config, never on the input's partitioning. The driver sees
 * counts per (split, source) and one record per file. No config and no lake: the caller resolves
 * the table and the directory.
 */
final class CorpusExport {
  /** Columns of the parquet files. */
  static final StructType PARQUET_SCHEMA =
      new StructType()
          .add("doc_id", DataTypes.StringType, false)
          .add("text", DataTypes.StringType, true)
          .add("redpajama_set_name", DataTypes.StringType, true)
          .add("meta", DataTypes.StringType, false);

  private CorpusExport() {}

  static CorpusResult run(
      Dataset<Row> table, String dir, Corpus c, boolean jsonl, boolean parquet) {
    SparkSession spark = table.sparkSession();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Dataset<Row> docs = CorpusPlan.withSplit(contract(table, c.table()), c);
    CorpusPlan plan = CorpusPlan.of(docs, c.chunkBytes());
    CorpusFiles.clear(dir, jsc.hadoopConfiguration());
    List<Row> files = new ArrayList<>();
    if (plan.tasks() == 0) {
      return new CorpusResult(plan, files);
    }
    JavaPairRDD<Tuple2<Integer, String>, Row> sorted =
        docs.select(plan.task(), col("doc_id"), col("source"), col("text"), col("meta"))
            .javaRDD()
            .mapToPair(
                r ->
                    new Tuple2<>(
                        new Tuple2<>(r.getInt(0), r.getString(1)),
                        RowFactory.create(r.get(1), r.get(2), r.get(3), r.get(4))))
            .repartitionAndSortWithinPartitions(new TaskPartitioner(plan.tasks()), new KeyOrder());
    if (jsonl) {
      files.addAll(
          sorted
              .mapPartitionsWithIndex(
                  new JsonlChunkWriter(
                      plan,
                      dir,
                      c,
                      jsc.broadcast(
                          new dev.slimspark.io.SerializableHadoopConf(jsc.hadoopConfiguration()))),
                  false)
              .collect());
    }
    if (parquet) {
      files.addAll(writeParquet(spark, jsc, sorted, plan, dir));
    }
    return new CorpusResult(plan, files);
  }

  /** doc_id, source, text, meta (null when the table has none); a user error when others lack. */
  private static Dataset<Row> contract(Dataset<Row> table, String name) {
    List<String> have = Arrays.asList(table.columns());
    for (String need : List.of("doc_id", "source", "text")) {
      if (!have.contains(need)) {
        throw UserErrors.of(
            "export.corpus_table = \"" + name + "\" has no column " + need + ".",
            "The text exports need doc_id, source and text (meta is used when present); the table"
                + " has "
                + have
                + ".",
            "Set export.corpus_table to docs_dedup or another cleaned docs table.");
      }
    }
    Column meta = have.contains("meta") ? col("meta").cast("string") : lit(null).cast("string");
    return table.select(col("doc_id"), col("source"), col("text"), meta.as("meta"));
  }

  private static List<Row> writeParquet(
      SparkSession spark,
      JavaSparkContext jsc,
      JavaPairRDD<Tuple2<Integer, String>, Row> sorted,
      CorpusPlan plan,
      String dir) {
    // Rows per task from the shuffle output already on disk: the manifest's per-file counts.
    Map<Integer, Long> docs = new TreeMap<>();
    for (Tuple2<Integer, Long> t :
        sorted
            .mapPartitionsWithIndex(
                (i, it) -> {
                  long n = 0;
                  for (; it.hasNext(); it.next()) {
                    n++;
                  }
                  return List.of(new Tuple2<>(i, n)).iterator();
                },
                false)
            .collect()) {
      docs.put(t._1(), t._2());
    }
    JavaRDD<Row> rows = sorted.values().mapPartitions(CorpusExport::parquetRows);
    String tmp = dir + "/" + CorpusFiles.ROOT + "/_parquet_tmp";
    // No shuffle between the RDD and the writer: part-NNNNN is task NNNNN, rows in doc_id order.
    spark
        .createDataFrame(rows, PARQUET_SCHEMA)
        .write()
        .mode(SaveMode.Overwrite)
        .option("compression", "snappy")
        .parquet(tmp);
    Map<Integer, String[]> parts =
        CorpusFiles.parquetParts(dir, tmp, plan, jsc.hadoopConfiguration());
    return CorpusFiles.placeParquet(dir, tmp, parts, docs, jsc);
  }

  private static Iterator<Row> parquetRows(Iterator<Row> docs) {
    MetaJson json = new MetaJson();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return docs.hasNext();
      }

      @Override
      public Row next() {
        Row d = docs.next();
        return RowFactory.create(
            d.getString(0),
            d.getString(2),
            d.getString(1),
            json.metaText(d.getString(1), d.getString(3)));
      }
    };
  }

  /** Partition = the key's task. */
  static final class TaskPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int n;

    TaskPartitioner(int n) {
      this.n = n;
    }

    @Override
    public int numPartitions() {
      return n;
    }

    @Override
    public int getPartition(Object key) {
      @SuppressWarnings("unchecked")
      Tuple2<Integer, String> k = (Tuple2<Integer, String>) key;
      return k._1();
    }
  }

  /** (task, doc_id) order: within a partition, documents by doc_id. */
  static final class KeyOrder implements Comparator<Tuple2<Integer, String>>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(Tuple2<Integer, String> a, Tuple2<Integer, String> b) {
      int c = Integer.compare(a._1(), b._1());
      return c != 0
          ? c
          : Comparator.<String>nullsFirst(Comparator.naturalOrder()).compare(a._2(), b._2());
    }
  }
}
