package dev.slimspark.jobs.label;

import static org.apache.spark.sql.functions.col;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.Stage;
import dev.slimspark.jobs.Status;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * Label: runs every configured labeler ({@link Labelers}) over {@code label.input} (a lake table
 * such as docs_filtered, or a CSV) and appends one row per (document, labeler) to {@code labels}.
 * Resumable: documents that already have a row for a labeler id are skipped, so a re-run after a
 * failure (or with a new labeler added) only labels what is missing. Each labeler's rows are
 * appended in several commits of about {@code label.commit_every_rows} documents (documents are
 * assigned to commits by a hash of their id over all input documents, so a re-run's commits hold
 * the same documents as an uninterrupted run's, minus those already done): a killed run loses at
 * most the commits in flight. The ids a labeler already labeled are read from {@code labels} once
 * per run and kept (memory, spilling to disk); every commit re-reads the (cached) input once, so
 * keep the number of commits per labeler in the hundreds at most. Empty text gives a row with
 * {@code error = "empty_text"}, not a failed job. A labeler's id changes when its model, k, pool or
 * settings change, so changed labelers label everything again under the new id. Input rows that
 * share a doc id are refused or reduced to the first ({@code label.duplicate_ids}, {@link
 * DuplicateIds}); an input without rows is a user error. Per labeler the summary reports the model
 * load wait ({@code model_load_seconds}) apart from the throughput ({@code docs_per_second}).
 *
 * <p>This class reads the input and the {@code labels} table through the catalog; {@link
 * LabelAction} does the labeling and {@link LabelOptions} holds the checked settings.
 */
public final class LabelStage implements Stage {
  @Override
  public String name() {
    return "label";
  }

  @Override
  public String description() {
    return "label documents with the configured labelers (fine-tuned head, knn-vote, k-shot LM) -> labels (append, resumable)";
  }

  @Override
  public String[] configPrefixes() {
    return new String[] {"lake", "label"};
  }

  @Override
  public JobSummary run(RunContext ctx) {
    LabelOptions o = LabelOptions.from(ctx.config());
    Lake lake = ctx.lake();
    JobSummary summary = new JobSummary(name(), ctx);
    summary.input(o.input());
    List<Labeler> labelers = Labelers.build(o.labelersToRun(), ctx);
    List<String> warnings = new ArrayList<>();
    Dataset<Row> docs =
        LabeledData.read(ctx.spark(), lake, o.input(), o.columns(), name(), warnings);
    DuplicateIds.Result dups = DuplicateIds.apply(docs, o.duplicateIds(), o.input());
    docs = dups.docs();
    if (o.partitions() > 0) {
      docs = docs.repartition(o.partitions());
    }
    docs = docs.cache();
    try {
      long in = docs.count();
      if (in == 0) {
        throw UserErrors.of(
            "label.input " + o.input() + " has no documents.",
            "A header without rows, or an empty table, has nothing to label.",
            "Point label.input at the documents to label.");
      }
      LabelAction.Result r =
          LabelAction.run(docs, in, labelers, store(ctx), o.commitEveryRows(), ctx.runId());
      summary
          .count("rows_in", in + dups.dropped())
          .count("duplicate_rows_dropped", dups.dropped())
          .count("docs_in", in)
          .count("labelers", r.perLabeler());
      summary.put("duplicate_ids", dups.ids());
      summary.put("warnings", warnings);
      summary.put("reconciled", r.reconciled());
      if (!r.reconciled()) {
        summary.status(Status.ERROR);
      }
      if (r.version() >= 0) {
        summary.output(Table.LABELS.id(), lake.path(Table.LABELS), r.version());
      }
      return summary;
    } finally {
      docs.unpersist();
    }
  }

  /** The {@code labels} table of the run's lake, each commit tagged with this run. */
  private LabelAction.LabelsStore store(RunContext ctx) {
    Lake lake = ctx.lake();
    String meta = ctx.commitMetadata(name());
    return new LabelAction.LabelsStore() {
      @Override
      public Dataset<Row> labeledIds(String labelerId) {
        return lake.exists(Table.LABELS)
            ? lake.read(Table.LABELS)
                .filter(col("labeler_id").equalTo(labelerId))
                .select(col("doc_id").as("id"))
                .distinct()
            : null;
      }

      @Override
      public long append(Dataset<Row> rows) {
        return lake.write(rows, Table.LABELS, SaveMode.Append, meta);
      }

      @Override
      public Dataset<Row> writtenIn(String labelerId, String runId) {
        return lake.read(Table.LABELS)
            .filter(col("labeler_id").equalTo(labelerId).and(col("run_id").equalTo(runId)));
      }
    };
  }
}
