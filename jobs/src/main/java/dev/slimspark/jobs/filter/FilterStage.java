package dev.slimspark.jobs.filter;

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

/**
 * Filter: NFC normalization, quality signals as columns, language id, and SlimPajama + Gopher
 * rules. Nothing is deleted: {@code docs_filtered} holds every document with its signals, {@code
 * failed_rules}, {@code drop_reason} (the first failed rule) and {@code kept}, partitioned by
 * {@code kept} so later stages read only kept documents.
 *
 * <p>Thin: {@link FilterOptions} reads the config, {@link QualityStep} scores the Dataset, this
 * class writes docs_filtered and maps the {@link FilterResult} counted from it into the summary.
 */
public final class FilterStage implements Stage {
  public static final List<Table> INPUTS = List.of(Table.DOCS_RAW);
  public static final List<Table> OUTPUTS = List.of(Table.DOCS_FILTERED);

  @Override
  public String name() {
    return "filter";
  }

  @Override
  public String description() {
    return "NFC-normalize, compute quality signals and language, apply SlimPajama/Gopher rules -> docs_filtered";
  }

  @Override
  public String[] configPrefixes() {
    return new String[] {"lake", "filter"};
  }

  @Override
  public JobSummary run(RunContext ctx) {
    FilterOptions options = FilterOptions.from(ctx.config());
    Lake lake = ctx.lake();
    JobSummary summary = new JobSummary(name(), ctx);
    summary.input(lake.path(Table.DOCS_RAW));
    Dataset<Row> scored =
        QualityStep.apply(lake.read(Table.DOCS_RAW), options.rules(), options.nfc());
    // kept is true or false: two open files per task, no sort of the whole output by kept.
    long v =
        lake.writeFewPartitionValues(
            scored, Table.DOCS_FILTERED, SaveMode.Overwrite, ctx.commitMetadata(name()), 2);
    summary.output(Table.DOCS_FILTERED.id(), lake.path(Table.DOCS_FILTERED), v);

    // Counts come back from the written table (small aggregates only).
    FilterResult r =
        FilterResult.of(lake.read(Table.DOCS_FILTERED), lake.read(Table.DOCS_RAW).count());
    summary
        .count("docs_in", r.docsIn())
        .count("kept", r.kept())
        .count("dropped", r.dropped())
        .count("kept_bytes", r.keptBytes())
        .count("dropped_by_reason", r.droppedByReason())
        .count("by_source", r.bySource());
    summary.put("reconciled", r.reconciled());
    if (!r.reconciled()) {
      summary.status(Status.ERROR);
    }
    return summary;
  }
}
