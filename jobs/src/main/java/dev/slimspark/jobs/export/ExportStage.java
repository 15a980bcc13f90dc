package dev.slimspark.jobs.export;

import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.Stage;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * export: packed_rows → trainer files under export.dir, one file (or .bin/.idx pair) per shard,
 * named {split}_{shard:010d}: lit-gpt PackedDataset ({@link LitGptFormat}) and Megatron-LM indexed
 * dataset ({@link MegatronFormat}). Files of our naming pattern that no current shard produced
 * (from an earlier, larger export) are deleted afterwards, so a glob over the directory sees
 * exactly the table's shards.
 *
 * <p>Thin: {@link ExportOptions} reads the config, {@link ShardExport} writes the files, this class
 * maps the {@link ExportResult} into the summary.
 */
public final class ExportStage implements Stage {
  /** The output is files under export.dir, not tables. */
  public static final List<Table> INPUTS = List.of(Table.PACKED_ROWS);

  @Override
  public String name() {
    return "export";
  }

  @Override
  public String description() {
    return "write packed_rows as lit-gpt PackedDataset and Megatron-LM indexed dataset files -> export.dir";
  }

  @Override
  public String[] configPrefixes() {
    return new String[] {"lake", "export", "pack.pad_id"};
  }

  @Override
  public JobSummary run(RunContext ctx) {
    ExportOptions options = ExportOptions.from(ctx.config());
    Lake lake = ctx.lake();
    JobSummary summary = new JobSummary(name(), ctx);
    summary.input(lake.path(Table.PACKED_ROWS));
    // Default: next to the lake's tables, so a run's outputs stay together.
    String dir = normalize(options.dir().isEmpty() ? lake.path("_export") : options.dir());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(ctx.spark().sparkContext());
    ExportResult r = ShardExport.run(lake.read(Table.PACKED_ROWS), dir, options, jsc);
    summary
        .count("shards", (long) r.tasks().size())
        .count("by_split", r.bySplit())
        .count("by_format", r.byFormat())
        .count("stale_files_deleted", r.staleFilesDeleted());
    summary.put("export_dir", r.dir());
    summary.output("files", r.dir(), -1);
    return summary;
  }

  static String normalize(String d) {
    return Lake.absolute(d);
  }
}
