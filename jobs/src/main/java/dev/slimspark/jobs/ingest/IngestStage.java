package dev.slimspark.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.io.InputFiles;
import dev.slimspark.io.SerializableHadoopConf;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.Stage;
import dev.slimspark.jobs.Status;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import dev.slimspark.udfs.ingest.ShardReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingest: JSONL(.gz/.zst) and Parquet shards → {@code docs_raw}, with every bad line in {@code
 * ingest_quarantine} and per-file counts in {@code ingest_files}. For every file, lines read = docs
 * + quarantined + blank; the summary reports the totals and whether they reconcile.
 */
public final class IngestStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(IngestStage.class);

  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public String description() {
    return "read JSONL(.gz/.zst)/Parquet shards into docs_raw; bad lines to ingest_quarantine";
  }

  @Override
  public String[] configPrefixes() {
    return new String[] {"lake", "ingest"};
  }

  static ShardReader.Options readerOptions(SlimConfig c) {
    ShardReader.Options o = new ShardReader.Options();
    long max = c.getBytes("ingest.max_line_bytes");
    if (max < 1024 || max > Integer.MAX_VALUE - 16) {
      throw UserErrors.badConfigValue("ingest.max_line_bytes", Long.toString(max), "between 1024 and 2147483631");
    }
    o.maxLineBytes = (int) max;
    o.quarantinePrefixBytes = c.getInt("ingest.quarantine_prefix_bytes");
    o.repairUtf8 = c.getEnum("ingest.invalid_utf8", "quarantine", "repair").equals("repair");
    o.metaSourceField = c.getString("ingest.source.meta_field");
    String regex = c.getString("ingest.source.path_regex");
    if (!regex.isEmpty()) {
      try {
        java.util.regex.Pattern.compile(regex);
      } catch (java.util.regex.PatternSyntaxException e) {
        throw UserErrors.badConfigValue("ingest.source.path_regex", regex, "a Java regular expression (" + e.getDescription() + ")");
      }
    }
    o.pathSourceRegex = regex.isEmpty() ? null : regex;
    o.defaultSource = c.getString("ingest.source.default");
    return o;
  }

  /**
   * The configured {@code ingest.id_base} as a fully qualified directory prefix ending in "/"
   * (the form {@link InputFiles} lists paths in), or "" when unset. Fails with a user error when a
   * listed file is outside it: its id would silently fall back to the full path.
   */
  static String idBase(String configured, List<InputFiles.Entry> files, org.apache.hadoop.conf.Configuration conf) {
    if (configured.isEmpty()) {
      return "";
    }
    String q;
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(configured);
      q = p.getFileSystem(conf).makeQualified(p).toString();
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw UserErrors.badConfigValue("ingest.id_base", "\"" + configured + "\"", "a directory path or URI (" + e.getMessage() + ")");
    }
    String base = q.endsWith("/") ? q : q + "/";
    for (InputFiles.Entry e : files) {
      if (!e.path.startsWith(base)) {
        throw UserErrors.of(
            "Input file " + e.path + " is not under ingest.id_base (" + base + ").",
            "Doc ids hash the path relative to ingest.id_base; a file outside it has no such path.",
            "Set ingest.id_base to a directory holding every input, or leave it empty.");
      }
    }
    return base;
  }

  @Override
  public JobSummary run(RunContext ctx) {
    SparkSession spark = ctx.spark();
    SlimConfig c = ctx.config();
    JobSummary summary = new JobSummary(name(), ctx);
    ShardReader.Options opts = readerOptions(c);
    String format = c.getEnum("ingest.format", "auto", "jsonl", "parquet");
    List<String> patterns = c.getStringList("ingest.input");
    patterns.forEach(summary::input);

    InputFiles.Listing listing = InputFiles.list(patterns, spark.sparkContext().hadoopConfiguration());
    List<InputFiles.Entry> files = listing.files();
    for (String skip : listing.skipped()) {
      LOG.warn("Input not read again: {}", skip);
    }
    String idBase = idBase(c.getString("ingest.id_base"), files, spark.sparkContext().hadoopConfiguration());
    opts.idBase = idBase;
    List<InputFiles.Entry> jsonl = new ArrayList<>();
    List<InputFiles.Entry> parquet = new ArrayList<>();
    for (InputFiles.Entry e : files) {
      boolean isParquet =
          format.equals("parquet")
              || (format.equals("auto") && e.path.toLowerCase(Locale.ROOT).endsWith(".parquet"));
      (isParquet ? parquet : jsonl).add(e);
    }
    LOG.info("Ingesting {} JSONL and {} Parquet files", jsonl.size(), parquet.size());

    int filesPerTask = c.getInt("ingest.files_per_task");
    String textColumn = c.getString("ingest.parquet.text_column");
    // Two passes instead of caching the corpus: the first writes documents; the second only
    // classifies lines (no text decoded) for the small quarantine and per-file tables. The
    // reconciliation below proves both passes saw the same input.
    Dataset<Row> docs =
        records(spark, jsonl, parquet, opts, filesPerTask, textColumn)
            .where(col("kind").equalTo("doc"))
            .select(cols(IngestTables.DOCS_RAW_COLUMNS));
    ShardReader.Options counting = readerOptions(c);
    counting.emitDocs = false;
    counting.idBase = idBase;
    Dataset<Row> side =
        records(spark, jsonl, parquet, counting, filesPerTask, textColumn)
            .where(col("kind").notEqual("doc"))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      writeAndSummarize(ctx, docs, side, summary, files.size());
      // Paths reached again through symbolic links: not read, one line each (see InputFiles).
      summary.count("links_skipped", listing.skipped().size());
      return summary.put("skipped_links", listing.skipped());
    } finally {
      side.unpersist();
    }
  }

  private static Dataset<Row> records(
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
      SparkSession spark, List<InputFiles.Entry> files, ShardReader.Options opts, int filesPerTask) {
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
        jsc.parallelize(groups, groups.size())
            .mapPartitions(it -> read.call(flatten(it)));
    return spark.createDataFrame(rows, IngestTables.RECORD);
  }

  /**
   * {@code n} groups of files with near-equal bytes: largest file first into the lightest group
   * (ties: lower group index), then each group in path order. Deterministic for the same listing.
   */
  static List<List<InputFiles.Entry>> balancedGroups(List<InputFiles.Entry> files, int n) {
    List<InputFiles.Entry> bySize = new ArrayList<>(files);
    bySize.sort(java.util.Comparator.comparingLong((InputFiles.Entry e) -> -e.size).thenComparing(e -> e.path));
    long[] bytes = new long[n];
    List<List<InputFiles.Entry>> groups = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      groups.add(new ArrayList<>());
    }
    java.util.PriorityQueue<Integer> lightest =
        new java.util.PriorityQueue<>(java.util.Comparator.comparingLong((Integer g) -> bytes[g]).thenComparingInt(g -> g));
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

  private static java.util.Iterator<InputFiles.Entry> flatten(java.util.Iterator<List<InputFiles.Entry>> groups) {
    List<InputFiles.Entry> all = new ArrayList<>();
    groups.forEachRemaining(all::addAll);
    return all.iterator();
  }

  private JobSummary writeAndSummarize(
      RunContext ctx, Dataset<Row> docs, Dataset<Row> records, JobSummary summary, int fileCount) {
    Lake lake = ctx.lake();
    String meta = ctx.commitMetadata(name());
    Dataset<Row> quarantine =
        records.where(col("kind").equalTo("quarantine")).select(cols(IngestTables.QUARANTINE_COLUMNS));
    Dataset<Row> fileRows =
        records.where(col("kind").equalTo("file_summary")).select(cols(IngestTables.FILES_COLUMNS));

    long vDocs = lake.write(docs, Table.DOCS_RAW, SaveMode.Overwrite, meta);
    long vQ = lake.write(quarantine.coalesce(1), Table.INGEST_QUARANTINE, SaveMode.Overwrite, meta);
    long vF = lake.write(fileRows.coalesce(1), Table.INGEST_FILES, SaveMode.Overwrite, meta);
    summary.output(Table.DOCS_RAW.id(), lake.path(Table.DOCS_RAW), vDocs);
    summary.output(Table.INGEST_QUARANTINE.id(), lake.path(Table.INGEST_QUARANTINE), vQ);
    summary.output(Table.INGEST_FILES.id(), lake.path(Table.INGEST_FILES), vF);

    // Totals come from the written per-file table (one row per file), never from the data.
    Row t =
        lake.read(Table.INGEST_FILES)
            .agg(
                count(lit(1)),
                sum("lines_read"),
                sum("docs"),
                sum("quarantined"),
                sum("blank"),
                sum("repaired"),
                sum(when(col("damaged"), 1).otherwise(0)),
                sum("compressed_bytes"),
                sum("decompressed_bytes"),
                sum(when(col("compression").equalTo("none").and(lower(col("file")).rlike("\\.(gz|zst|zstd)$")), 1)
                    .otherwise(0)))
            .head();
    long files = t.getLong(0);
    long lines = t.isNullAt(1) ? 0 : t.getLong(1);
    long docCount = t.isNullAt(2) ? 0 : t.getLong(2);
    long quarantined = t.isNullAt(3) ? 0 : t.getLong(3);
    long blank = t.isNullAt(4) ? 0 : t.getLong(4);
    Map<String, Object> byReason = new TreeMap<>();
    for (Row r : lake.read(Table.INGEST_QUARANTINE).groupBy("reason").count().collectAsList()) {
      byReason.put(r.getString(0), r.getLong(1));
    }
    Map<String, Object> bySource = new TreeMap<>();
    for (Row r :
        lake.read(Table.DOCS_RAW)
            .groupBy("source")
            .agg(count(lit(1)), sum("byte_length"))
            .collectAsList()) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("docs", r.getLong(1));
      s.put("bytes", r.getLong(2));
      bySource.put(r.getString(0), s);
    }
    long docsInTable = bySource.values().stream().mapToLong(m -> (Long) ((Map<?, ?>) m).get("docs")).sum();
    long quarantineRows = byReason.values().stream().mapToLong(v -> (Long) v).sum();
    boolean reconciled =
        lines == docCount + quarantined + blank
            && docsInTable == docCount
            && quarantineRows == quarantined
            && files == fileCount;
    if (!reconciled) {
      LOG.error(
          "Ingest counts do not reconcile: lines={} docs={} quarantined={} blank={} docs_in_table={} quarantine_rows={} files={}/{}",
          lines, docCount, quarantined, blank, docsInTable, quarantineRows, files, fileCount);
      summary.status(Status.ERROR);
    }
    summary
        .count("files", files)
        .count("damaged_files", t.getLong(6))
        .count("lines_read", lines)
        .count("docs", docCount)
        .count("quarantined", quarantined)
        .count("blank", blank)
        .count("utf8_repaired", t.isNullAt(5) ? 0 : t.getLong(5))
        .count("quarantined_by_reason", byReason)
        .count("docs_by_source", bySource)
        .count("compressed_bytes", t.isNullAt(7) ? 0 : t.getLong(7))
        .count("decompressed_bytes", t.isNullAt(8) ? 0 : t.getLong(8))
        // Compression is detected by content; a .gz/.zst name on a plain file is worth a look.
        .count("plain_files_named_compressed", t.isNullAt(9) ? 0 : t.getLong(9));
    if (!t.isNullAt(9) && t.getLong(9) > 0) {
      LOG.warn("{} input files are named .gz/.zst but hold plain text; they were read as plain"
          + " (ingest_files: compression = 'none')", t.getLong(9));
    }
    summary.put("reconciled", reconciled);
    if (quarantined > 0 && ctx.config().getBoolean("ingest.fail_on_quarantine")) {
      summary.status(Status.FAILED_ON_QUARANTINE);
    }
    return summary;
  }

  private static org.apache.spark.sql.Column[] cols(String[] names) {
    org.apache.spark.sql.Column[] out = new org.apache.spark.sql.Column[names.length];
    for (int i = 0; i < names.length; i++) {
      out[i] = col(names[i]);
    }
    return out;
  }
}
