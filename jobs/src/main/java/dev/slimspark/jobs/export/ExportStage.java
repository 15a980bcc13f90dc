package dev.slimspark.jobs.export;

import static org.apache.spark.sql.functions.col;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.Stage;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * export: packed_rows → trainer files under export.dir, one file (or .bin/.idx pair) per shard,
 * named {split}_{shard:010d}: lit-gpt PackedDataset ({@link LitGptFormat}) and Megatron-LM indexed
 * dataset ({@link MegatronFormat}). Files of our naming pattern that no current shard produced
 * (from an earlier, larger export) are deleted afterwards, so a glob over the directory sees
 * exactly the table's shards. The text formats (jsonl.zst, parquet) write export.corpus_table under
 * export.dir/corpus with a manifest and a dataset card ({@link CorpusExport}).
 *
 * <p>Thin: {@link ExportOptions} reads the config, {@link ShardExport} and {@link CorpusExport}
 * write the files, this class maps their results into the summary.
 */
public final class ExportStage implements Stage {
  /** The output is files under export.dir, not tables. */
  public static final List<Table> INPUTS = List.of(Table.PACKED_ROWS);

  /** Config sections that shape the exported text, recorded in the dataset card. */
  private static final List<String> CARD_SECTIONS = List.of("ingest", "filter", "dedup");

  @Override
  public String name() {
    return "export";
  }

  @Override
  public String description() {
    return "write packed_rows as lit-gpt/Megatron-LM token files, and the cleaned text as"
        + " jsonl.zst/parquet with a manifest and dataset card -> export.dir";
  }

  @Override
  public String[] configPrefixes() {
    return new String[] {"lake", "export", "pack.pad_id", "pack.seed", "pack.validation_fraction"};
  }

  @Override
  public JobSummary run(RunContext ctx) {
    ExportOptions options = ExportOptions.from(ctx.config());
    Lake lake = ctx.lake();
    JobSummary summary = new JobSummary(name(), ctx);
    // Default: next to the lake's tables, so a run's outputs stay together.
    String dir = normalize(options.dir().isEmpty() ? lake.path("_export") : options.dir());
    summary.put("export_dir", dir);
    if (options.tokenFormats()) {
      summary.input(lake.path(Table.PACKED_ROWS));
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(ctx.spark().sparkContext());
      ExportResult r = ShardExport.run(lake.read(Table.PACKED_ROWS), dir, options, jsc);
      summary
          .count("shards", (long) r.tasks().size())
          .count("by_split", r.bySplit())
          .count("by_format", r.byFormat())
          .count("stale_files_deleted", r.staleFilesDeleted());
    }
    if (options.corpusFormats()) {
      exportCorpus(ctx, options, dir, summary);
    }
    summary.output("files", dir, -1);
    return summary;
  }

  private void exportCorpus(RunContext ctx, ExportOptions options, String dir, JobSummary summary) {
    Lake lake = ctx.lake();
    Corpus c = options.corpus();
    summary.input(lake.path(c.table()));
    Dataset<Row> table = lake.read(c.table()); // first: a missing table is a "run X first" error
    long version = lake.version(c.table());
    CorpusResult r = CorpusExport.run(table, dir, c, options.jsonlZst(), options.parquet());
    Map<String, Map<String, String>> settings = new LinkedHashMap<>();
    for (String s : CARD_SECTIONS) {
      settings.put(s, ctx.config().describeSection(s));
    }
    CorpusManifest.Provenance p =
        new CorpusManifest.Provenance(
            c.table(), version, ctx.configHash(), ctx.codeVersion(), funnel(lake, c), settings);
    CorpusManifest.write(dir, r, p, ctx.spark().sparkContext().hadoopConfiguration());
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("docs_in", r.plan().docs());
    counts.put("by_split", r.plan().bySplitAndSource());
    counts.put("by_format", r.byFormat());
    summary.count("corpus", counts);
    summary.put("corpus_manifest", dir + "/" + CorpusFiles.ROOT + "/" + CorpusManifest.FILE);
    List<String> bad = r.unreconciled();
    if (!bad.isEmpty()) {
      summary.failCheck(
          UserErrors.of(
              "The "
                  + bad
                  + " export holds a different number of documents than "
                  + c.table()
                  + " ("
                  + r.plan().docs()
                  + ").",
              "Files were changed while the export ran, or a task wrote an incomplete file.",
              "Re-run `slimspark export`; check the file system for errors."));
    }
  }

  /** Documents at each stage, for the manifest and the card (tables that exist only). */
  private static Map<String, Long> funnel(Lake lake, Corpus c) {
    Map<String, Long> m = new LinkedHashMap<>();
    if (lake.exists(Table.DOCS_RAW)) {
      m.put(Table.DOCS_RAW.id(), lake.read(Table.DOCS_RAW).count());
    }
    if (lake.exists(Table.DOCS_FILTERED)) {
      m.put("docs_filtered_kept", lake.read(Table.DOCS_FILTERED).where(col("kept")).count());
    }
    if (lake.exists(Table.DOCS_DEDUP)) {
      m.put(Table.DOCS_DEDUP.id(), lake.read(Table.DOCS_DEDUP).count());
    }
    if (lake.exists(c.table())) {
      m.put(c.table(), lake.read(c.table()).count());
    }
    return m;
  }

  static String normalize(String d) {
    return Lake.absolute(d);
  }
}
