package dev.slimspark.jobs.ingest;

import static org.apache.spark.sql.functions.col;

import dev.slimspark.io.InputFiles;
import dev.slimspark.io.SerializableHadoopConf;
import dev.slimspark.udfs.ingest.ShardReader;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input side of ingest: listed files in, one Dataset of {@link IngestTables#RECORD} rows out
 * (documents, quarantined lines and one summary per file, told apart by {@code kind}). No config
 * and no lake: the caller passes the files and the reader options.
 */
final class IngestReader {
  private static final Logger LOG = LoggerFactory.getLogger(IngestReader.class);

  private IngestReader() {}

  /**
   * The two passes over the input: {@code docs} (docs_raw rows) and {@code side} (quarantined lines
   * and per-file summaries), the latter persisted (the caller unpersists it).
   */
  record Passes(Dataset<Row> docs, Dataset<Row> side) {}

  /**
   * Two passes instead of caching the corpus: the first yields documents; the second only
   * classifies lines (no text decoded) for the small quarantine and per-file tables. The stage's
   * reconciliation proves both passes saw the same input.
   */
  static Passes read(
      SparkSession spark, List<InputFiles.Entry> files, IngestOptions options, String idBase) {
    List<InputFiles.Entry> jsonl = new ArrayList<>();
    List<InputFiles.Entry> parquet = new ArrayList<>();
    for (InputFiles.Entry e : files) {
      (options.format().isParquet(e.path) ? parquet : jsonl).add(e);
    }
    LOG.info("Ingesting {} JSONL and {} Parquet files", jsonl.size(), parquet.size());
    int filesPerTask = options.filesPerTask();
    String textColumn = options.parquetTextColumn();
    Dataset<Row> docs =
        records(spark, jsonl, parquet, options.readerOptions(idBase), filesPerTask, textColumn)
            .where(col("kind").equalTo("doc"))
            .select(IngestTables.columns(IngestTables.DOCS_RAW_COLUMNS));
    ShardReader.Options counting = options.readerOptions(idBase);
    counting.emitDocs = false;
    Dataset<Row> side =
        records(spark, jsonl, parquet, counting, filesPerTask, textColumn)
            .where(col("kind").notEqual("doc"))
            .persist(StorageLevel.MEMORY_AND_DISK());
    return new Passes(docs, side);
  }

  static Dataset<Row> records(
      SparkSession spark,
      List<InputFiles.Entry> jsonl,
      List<InputFiles.Entry> parquet,
      ShardReader.Options opts,
      int filesPerTask,
      String textColumn) {
    Dataset<Row> records = readJsonl(spark, jsonl, opts, filesPerTask);
    if (!parquet.isEmpty()) {
      records = records.unionByName(ParquetShards.read(spark, parquet, textColumn, opts));
    }
    return records;
  }

  /**
   * One task per group of files, groups balanced by bytes (not by count: 5,000 tiny files beside a
   * few of a GB must not put all the large ones in one task); each task streams its files through
   * {@link ShardReader}. A single compressed file is still one task (gzip and zstd do not split).
   */
  static Dataset<Row> readJsonl(
      SparkSession spark,
      List<InputFiles.Entry> files,
      ShardReader.Options opts,
      int filesPerTask) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    if (files.isEmpty()) {
      return spark.createDataFrame(new ArrayList<Row>(), IngestTables.RECORD);
    }
    int slices =
        filesPerTask > 0
            ? (files.size() + filesPerTask - 1) / filesPerTask
            : Math.min(files.size(), 4 * jsc.defaultParallelism());
    Broadcast<SerializableHadoopConf> conf =
        jsc.broadcast(new SerializableHadoopConf(spark.sparkContext().hadoopConfiguration()));
    List<List<InputFiles.Entry>> groups = balancedGroups(files, Math.max(1, slices));
    ReadShardsFunction read = new ReadShardsFunction(conf, opts);
    JavaRDD<Row> rows =
        jsc.parallelize(groups, groups.size()).mapPartitions(it -> read.call(flatten(it)));
    return spark.createDataFrame(rows, IngestTables.RECORD);
  }

  /**
   * {@code n} groups of files with near-equal bytes: largest file first into the lightest group
   * (ties: lower group index), then each group in path order. Deterministic for the same listing.
   */
  static List<List<InputFiles.Entry>> balancedGroups(List<InputFiles.Entry> files, int n) {
    List<InputFiles.Entry> bySize = new ArrayList<>(files);
    bySize.sort(
        java.util.Comparator.comparingLong((InputFiles.Entry e) -> -e.size)
            .thenComparing(e -> e.path));
    long[] bytes = new long[n];
    List<List<InputFiles.Entry>> groups = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      groups.add(new ArrayList<>());
    }
    java.util.PriorityQueue<Integer> lightest =
        new java.util.PriorityQueue<>(
            java.util.Comparator.comparingLong((Integer g) -> bytes[g]).thenComparingInt(g -> g));
    for (int i = 0; i < n; i++) {
      lightest.add(i);
    }
    for (InputFiles.Entry e : bySize) {
      int g = lightest.poll();
      groups.get(g).add(e);
      bytes[g] += Math.max(1, e.size);
      lightest.add(g);
    }
    groups.removeIf(List::isEmpty);
    for (List<InputFiles.Entry> g : groups) {
      g.sort(java.util.Comparator.comparing(e -> e.path));
    }
    return groups;
  }

  private static java.util.Iterator<InputFiles.Entry> flatten(
      java.util.Iterator<List<InputFiles.Entry>> groups) {
    List<InputFiles.Entry> all = new ArrayList<>();
    groups.forEachRemaining(all::addAll);
    return all.iterator();
  }
}
