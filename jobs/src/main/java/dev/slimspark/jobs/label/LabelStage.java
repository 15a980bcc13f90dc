package dev.slimspark.jobs.label;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.Stage;
import dev.slimspark.jobs.Status;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 */
public final class LabelStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(LabelStage.class);
  /** Seed of the id hash that assigns documents to commits; fixed, so re-runs agree. */
  private static final long CHUNK_SEED = 17;

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
    SlimConfig c = ctx.config();
    Lake lake = ctx.lake();
    JobSummary summary = new JobSummary(name(), ctx);
    String input = c.getString("label.input");
    summary.input(input);
    List<Labeler> labelers = Labelers.fromConfig(ctx);
    String policy = c.getEnum("label.duplicate_ids", "error", "first");
    List<String> warnings = new ArrayList<>();
    Dataset<Row> docs =
        LabeledData.read(
            ctx.spark(), lake, input,
            new LabeledData.Columns("label.id_column", c.getString("label.id_column"), c.getString("label.text_column"), true, null,
                "label.encoding", c.getString("label.encoding")),
            name(), warnings);
    DuplicateIds.Result dups = DuplicateIds.apply(docs, policy, input);
    docs = dups.docs();
    int parts = c.getInt("label.partitions");
    if (parts > 0) {
      docs = docs.repartition(parts);
    }
    docs = docs.cache();
    long every = c.getInt("label.commit_every_rows");
    if (every < 1) {
      throw UserErrors.badConfigValue("label.commit_every_rows", String.valueOf(every), "at least 1");
    }
    try {
      long in = docs.count();
      if (in == 0) {
        throw UserErrors.of("label.input " + input + " has no documents.", "A header without rows, or an empty table, has nothing to label.",
            "Point label.input at the documents to label.");
      }
      // Fixed by the whole input, not by what is left, so resumed commits match a clean run's.
      long chunks = Math.max(1, (in + every - 1) / every);
      Column chunk = pmod(xxhash64(col("id"), lit(CHUNK_SEED)), lit(chunks));
      Map<String, Object> per = new LinkedHashMap<>();
      long version = -1;
      for (Labeler l : labelers) {
        Dataset<Row> todo = docs;
        Dataset<Row> done = null;
        long already = 0;
        if (lake.exists(Table.LABELS)) {
          // The ids already labeled, read once and kept (ids only): every commit below filters
          // `todo` again, and without this each one would re-scan the growing labels table.
          done =
              lake.read(Table.LABELS).filter(col("labeler_id").equalTo(l.id())).select(col("doc_id").as("id")).distinct()
                  .persist(StorageLevel.MEMORY_AND_DISK());
          todo = docs.join(done, docs.col("id").equalTo(done.col("id")), "left_anti");
          already = in - todo.count();
        }
        try {
          long t0 = System.nanoTime();
          CollectionAccumulator<Long> loadMs = ctx.spark().sparkContext().collectionAccumulator("model_load_ms:" + l.id());
          long written = 0;
          int commits = 0;
          if (already < in) {
            Map<Long, Long> sizes = new TreeMap<>();
            for (Row r : todo.groupBy(chunk.as("chunk")).count().collectAsList()) {
              sizes.put(r.getLong(0), r.getLong(1));
            }
            for (Map.Entry<Long, Long> e : sizes.entrySet()) {
              version =
                  lake.write(
                      l.label(todo.filter(chunk.equalTo(e.getKey())), ctx.runId(), loadMs), Table.LABELS, SaveMode.Append,
                      ctx.commitMetadata(name()));
              commits++;
              LOG.info("labeler {}: committed {} rows (commit {} of {}), version {}", l.id(), e.getValue(), commits,
                  sizes.size(), version);
            }
            Row agg =
                lake.read(Table.LABELS)
                    .filter(col("labeler_id").equalTo(l.id()).and(col("run_id").equalTo(ctx.runId())))
                    .agg(count(lit(1)), sum(col("error").isNotNull().cast("long")), sum("tokens_processed"),
                        sum(col("truncated").cast("long")), sum("device_ms"))
                    .head();
            written = agg.getLong(0);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", l.type());
            m.put("model_version", l.modelVersion());
            m.put("already_labeled", already);
            m.put("labeled", written);
            m.put("commits", commits);
            m.put("errors", agg.isNullAt(1) ? 0L : agg.getLong(1));
            m.put("tokens", agg.isNullAt(2) ? 0L : agg.getLong(2));
            m.put("truncated", agg.isNullAt(3) ? 0L : agg.getLong(3));
            m.put("device_seconds", agg.isNullAt(4) ? 0.0 : agg.getDouble(4) / 1000);
            double wall = (System.nanoTime() - t0) / 1e9;
            m.put("wall_seconds", wall);
            // The longest any task waited for its model (loads run in parallel on executors): on small
            // runs loading dominates the wall time, so throughput is reported without it.
            Double load = loadMs.value().isEmpty() ? null : java.util.Collections.max(loadMs.value()) / 1000.0;
            m.put("model_load_seconds", load);
            double busy = wall - (load == null ? 0 : load);
            m.put("docs_per_second", busy > 0 ? written / busy : 0);
            m.put("reconciled", already + written == in);
            per.put(l.id(), m);
          } else {
            per.put(l.id(), Map.of("type", l.type(), "already_labeled", already, "labeled", 0L, "reconciled", true));
          }
          LOG.info("labeler {}: {} already labeled, {} labeled now", l.id(), already, written);
        } finally {
          if (done != null) {
            done.unpersist();
          }
        }
      }
      summary.count("rows_in", in + dups.dropped()).count("duplicate_rows_dropped", dups.dropped()).count("docs_in", in)
          .count("labelers", per);
      summary.put("duplicate_ids", dups.ids());
      summary.put("warnings", warnings);
      boolean ok = per.values().stream().allMatch(v -> Boolean.TRUE.equals(((Map<?, ?>) v).get("reconciled")));
      summary.put("reconciled", ok);
      if (!ok) {
        summary.status(Status.ERROR);
      }
      if (version >= 0) {
        summary.output(Table.LABELS.id(), lake.path(Table.LABELS), version);
      }
      return summary;
    } finally {
      docs.unpersist();
    }
  }
}
