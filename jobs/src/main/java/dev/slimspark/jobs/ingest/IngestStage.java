package dev.slimspark.jobs.ingest;

import static org.apache.spark.sql.functions.col;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.io.InputFiles;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.Stage;
import dev.slimspark.jobs.Status;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingest: JSONL(.gz/.zst) and Parquet shards → {@code docs_raw}, with every bad line in {@code
 * ingest_quarantine} and per-file counts in {@code ingest_files}. For every file, lines read = docs
 * + quarantined + blank; the summary reports the totals and whether they reconcile.
 *
 * <p>Thin: {@link IngestOptions} reads the config, {@link IngestReader} turns the listed files into
 * Datasets, this class writes the three tables and maps the {@link IngestResult} counted from them
 * into the summary.
 */
public final class IngestStage implements Stage {
  /** The tables ingest writes (its input is files, not tables). */
  public static final List<Table> OUTPUTS =
      List.of(Table.DOCS_RAW, Table.INGEST_QUARANTINE, Table.INGEST_FILES);

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

  /**
   * The configured {@code ingest.id_base} as a fully qualified directory prefix ending in "/" (the
   * form {@link InputFiles} lists paths in), or "" when unset. Fails with a user error when a
   * listed file is outside it: its id would silently fall back to the full path.
   */
  static String idBase(
      String configured, List<InputFiles.Entry> files, org.apache.hadoop.conf.Configuration conf) {
    if (configured.isEmpty()) {
      return "";
    }
    String q;
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(configured);
      q = p.getFileSystem(conf).makeQualified(p).toString();
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw UserErrors.badConfigValue(
          "ingest.id_base",
          "\"" + configured + "\"",
          "a directory path or URI (" + e.getMessage() + ")");
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
    IngestOptions options = IngestOptions.from(ctx.config());
    JobSummary summary = new JobSummary(name(), ctx);
    options.input().forEach(summary::input);

    InputFiles.Listing listing =
        InputFiles.list(options.input(), spark.sparkContext().hadoopConfiguration());
    List<InputFiles.Entry> files = listing.files();
    for (String skip : listing.skipped()) {
      LOG.warn("Input not read again: {}", skip);
    }
    String idBase = idBase(options.idBase(), files, spark.sparkContext().hadoopConfiguration());
    IngestReader.Passes passes = IngestReader.read(spark, files, options, idBase);
    try {
      write(ctx, passes, summary);
      Lake lake = ctx.lake();
      IngestResult result =
          IngestResult.of(
              lake.read(Table.INGEST_FILES),
              lake.read(Table.INGEST_QUARANTINE),
              lake.read(Table.DOCS_RAW),
              files.size());
      summarize(result, options, summary);
      // Paths reached again through symbolic links: not read, one line each (see InputFiles).
      summary.count("links_skipped", listing.skipped().size());
      return summary.put("skipped_links", listing.skipped());
    } finally {
      passes.side().unpersist();
    }
  }

  private void write(RunContext ctx, IngestReader.Passes passes, JobSummary summary) {
    Lake lake = ctx.lake();
    String meta = ctx.commitMetadata(name());
    Dataset<Row> records = passes.side();
    Dataset<Row> quarantine =
        records
            .where(col("kind").equalTo("quarantine"))
            .select(IngestTables.columns(IngestTables.QUARANTINE_COLUMNS));
    Dataset<Row> fileRows =
        records
            .where(col("kind").equalTo("file_summary"))
            .select(IngestTables.columns(IngestTables.FILES_COLUMNS));
    long vDocs = lake.write(passes.docs(), Table.DOCS_RAW, SaveMode.Overwrite, meta);
    long vQ = lake.write(quarantine.coalesce(1), Table.INGEST_QUARANTINE, SaveMode.Overwrite, meta);
    long vF = lake.write(fileRows.coalesce(1), Table.INGEST_FILES, SaveMode.Overwrite, meta);
    summary.output(Table.DOCS_RAW.id(), lake.path(Table.DOCS_RAW), vDocs);
    summary.output(Table.INGEST_QUARANTINE.id(), lake.path(Table.INGEST_QUARANTINE), vQ);
    summary.output(Table.INGEST_FILES.id(), lake.path(Table.INGEST_FILES), vF);
  }

  private static void summarize(IngestResult r, IngestOptions options, JobSummary summary) {
    if (!r.reconciled()) {
      LOG.error(
          "Ingest counts do not reconcile: lines={} docs={} quarantined={} blank={} docs_in_table={} quarantine_rows={} files={}/{}",
          r.linesRead(),
          r.docs(),
          r.quarantined(),
          r.blank(),
          r.docsInTable(),
          r.quarantineRows(),
          r.files(),
          r.listedFiles());
      summary.status(Status.ERROR);
    }
    summary
        .count("files", r.files())
        .count("damaged_files", r.damagedFiles())
        .count("lines_read", r.linesRead())
        .count("docs", r.docs())
        .count("quarantined", r.quarantined())
        .count("blank", r.blank())
        .count("utf8_repaired", r.utf8Repaired())
        .count("quarantined_by_reason", r.quarantinedByReason())
        .count("docs_by_source", r.docsBySource())
        .count("compressed_bytes", r.compressedBytes())
        .count("decompressed_bytes", r.decompressedBytes())
        // Compression is detected by content; a .gz/.zst name on a plain file is worth a look.
        .count("plain_files_named_compressed", r.plainFilesNamedCompressed());
    if (r.plainFilesNamedCompressed() > 0) {
      LOG.warn(
          "{} input files are named .gz/.zst but hold plain text; they were read as plain"
              + " (ingest_files: compression = 'none')",
          r.plainFilesNamedCompressed());
    }
    summary.put("reconciled", r.reconciled());
    if (r.quarantined() > 0 && options.failOnQuarantine()) {
      summary.status(Status.FAILED_ON_QUARANTINE);
    }
  }
}
