package dev.slimspark.jobs.dedup;

import static org.apache.spark.sql.functions.col;

import dev.slimspark.config.SlimConfig;
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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dedup: exact and MinHash-LSH near duplicates over the filtered documents → {@code docs_dedup}
 * (kept documents), {@code dup_clusters} (every document in a duplicate cluster, kept or removed,
 * with reason and similarity), {@code dedup_signatures} (content hash, band keys and MinHash
 * signature of every kept document) and {@code dedup_summary} (per source and batch, SlimPajama's
 * table).
 *
 * <p>{@code dedup.mode = full} (default) dedups the whole input and overwrites the tables (batch
 * 0). {@code incremental} dedups only the input docs not seen before, among themselves and against
 * the stored signatures of the kept corpus (old docs always win and are never rewritten), and
 * appends one batch to each table; with nothing new it writes nothing and reports up_to_date. See
 * {@link DedupTables} for batch bookkeeping and {@link OldCorpusMatchStep} for the matching.
 */
public final class DedupStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(DedupStage.class);

  /** Columns carried into docs_dedup (the document, not the filter's signals). */
  static final String[] DOC_COLUMNS = {
    "doc_id", "source", "file", "line_number", "text", "meta", "extra", "byte_length", "language"
  };

  @Override
  public String name() {
    return "dedup";
  }

  @Override
  public String description() {
    return "exact + MinHash LSH near-duplicate removal with distributed connected components -> docs_dedup, dup_clusters";
  }

  @Override
  public String[] configPrefixes() {
    return new String[] {"lake", "dedup"};
  }

  /** Typed options from the dedup.* keys, for a local-mode session. */
  public static DedupOptions options(SlimConfig c) {
    return options(c, true);
  }

  /**
   * Typed options from the dedup.* keys. {@code localMaster}: whether the session runs in local
   * mode, where {@code dedup.checkpoint = auto} means local checkpoints (on a cluster: reliable).
   */
  public static DedupOptions options(SlimConfig c, boolean localMaster) {
    return DedupOptions.from(c, localMaster);
  }

  @Override
  public JobSummary run(RunContext ctx) {
    SlimConfig c = ctx.config();
    Lake lake = ctx.lake();
    JobSummary summary = new JobSummary(name(), ctx);
    String input = DedupOptions.inputTable(c);
    summary.input(lake.path(input));
    boolean incremental = DedupOptions.incremental(c);
    DedupOptions opts = options(c, ctx.spark().sparkContext().isLocal());
    if (opts.reliableCheckpoint() && ctx.spark().sparkContext().getCheckpointDir().isEmpty()) {
      // Executors must all reach it: the lake is on storage every executor reads anyway.
      ctx.spark().sparkContext().setCheckpointDir(lake.path("_checkpoints"));
    }
    // Before any work: a corpus made under other options cannot be extended.
    DedupTables.Committed prior = incremental ? DedupTables.committed(lake, opts) : null;
    Dataset<Row> docs = readDocs(lake, input);
    summary.put("mode", incremental ? "incremental" : "full");
    DedupTables.Unseen unseen = null;
    int batch = 0;
    if (incremental) {
      batch = prior.batch() + 1;
      long docsIn = docs.count(); // full mode takes it from the pipeline: no extra input scan
      unseen = DedupTables.unseen(docs, lake, prior.batch(), opts);
      docs = unseen.docs();
      long newDocs = docs.count();
      summary
          .count("docs_in", docsIn)
          .count("new_docs", newDocs)
          .count("skipped_already_seen", docsIn - newDocs);
      if (newDocs == 0) {
        return upToDate(summary, lake, unseen);
      }
    }
    DedupResult r =
        incremental
            ? DedupPipeline.run(docs, DedupTables.oldSignatures(lake, prior.batch()), opts)
            : DedupPipeline.run(docs, opts);
    try {
      commit(ctx, summary, r, opts, batch, incremental);
    } finally {
      r.release();
      if (unseen != null) {
        Lineage.release(unseen.seenIds());
      }
    }
    report(summary, lake, r, opts, batch, incremental);
    return summary;
  }

  /** The input's kept documents, with the {@link #DOC_COLUMNS} it has. */
  private static Dataset<Row> readDocs(Lake lake, String input) {
    Dataset<Row> docs = lake.read(input);
    if (List.of(docs.columns()).contains("kept")) {
      docs = docs.where(col("kept"));
    }
    List<org.apache.spark.sql.Column> cols = new ArrayList<>();
    for (String name : DOC_COLUMNS) {
      if (List.of(docs.columns()).contains(name)) {
        cols.add(col(name));
      }
    }
    return docs.select(cols.toArray(new org.apache.spark.sql.Column[0]));
  }

  /** Re-running a batch: nothing to write, every table stays at its version. */
  private static JobSummary upToDate(JobSummary summary, Lake lake, DedupTables.Unseen unseen) {
    Lineage.release(unseen.seenIds());
    LOG.info(
        "dedup incremental: all {} input docs already seen, up to date",
        summary.counts().get("docs_in"));
    for (Table t :
        List.of(
            Table.DOCS_DEDUP, Table.DUP_CLUSTERS, Table.DEDUP_SIGNATURES, Table.DEDUP_SUMMARY)) {
      summary.output(t.id(), lake.path(t), lake.version(t));
    }
    summary
        .count("exact_removed", 0L)
        .count("near_removed", 0L)
        .count("removed_against_old", 0L)
        .count("kept", 0L)
        .count("corpus_kept", lake.read(Table.DOCS_DEDUP).count());
    summary.put("up_to_date", true).put("reconciled", true);
    return summary;
  }

  /** Writes the result (a full overwrite or one appended batch) and records the table versions. */
  private void commit(
      RunContext ctx,
      JobSummary summary,
      DedupResult r,
      DedupOptions opts,
      int batch,
      boolean incremental) {
    Lake lake = ctx.lake();
    String meta = ctx.commitMetadata(name());
    // The signature table's commits also say which options made them.
    String sigMeta =
        JobSummary.toJson(
            Map.of(
                "run_id",
                ctx.runId(),
                "job",
                name(),
                "config_hash",
                ctx.configHash(),
                "dedup_options",
                opts.signatureKey(),
                "batch",
                batch));
    Map<Table, Long> versions =
        incremental
            ? DedupTables.appendBatch(lake, r, batch, opts, meta, sigMeta)
            : DedupTables.writeFull(lake, r, opts, meta, sigMeta);
    versions.forEach((t, v) -> summary.output(t.id(), lake.path(t), v));
  }

  /**
   * Counts, per-source removals, the LSH banding and the reconciliation of the batch just written.
   */
  private static void report(
      JobSummary summary,
      Lake lake,
      DedupResult r,
      DedupOptions opts,
      int batch,
      boolean incremental) {
    Map<String, Object> bySource = new TreeMap<>();
    long bytesRemoved = 0;
    for (Row s :
        lake.read(Table.DEDUP_SUMMARY)
            .where(col(DedupTables.BATCH).equalTo(batch))
            .collectAsList()) {
      Map<String, Object> m = new LinkedHashMap<>(); // one row per source
      m.put("docs_in", s.getLong(s.fieldIndex("docs_in")));
      m.put("exact_removed", s.getLong(s.fieldIndex("exact_removed")));
      m.put("near_removed", s.getLong(s.fieldIndex("near_removed")));
      m.put("bytes_removed", s.getLong(s.fieldIndex("bytes_removed")));
      m.put("pct_removed", s.getDouble(s.fieldIndex("pct_removed")));
      bytesRemoved += s.getLong(s.fieldIndex("bytes_removed"));
      bySource.put(s.getString(s.fieldIndex("source")), m);
    }
    DedupResult.Counts k = r.counts();
    if (!incremental) {
      summary
          .count("docs_in", k.docsIn())
          .count("new_docs", k.docsIn())
          .count("skipped_already_seen", 0L);
    }
    long docsIn = (Long) summary.counts().get("docs_in");
    long newDocs = (Long) summary.counts().get("new_docs");
    long corpusKept = lake.read(Table.DOCS_DEDUP).count();
    long kept = incremental ? k.docsIn() - k.exactRemoved() - k.nearRemoved() : corpusKept;
    summary
        .count("exact_removed", k.exactRemoved())
        .count("near_removed", k.nearRemoved())
        .count("removed_against_old", k.removedAgainstOld())
        .count("kept", kept)
        .count("corpus_kept", corpusKept)
        .count("bytes_removed", bytesRemoved)
        .count("short_docs_exact_only", k.shortDocs())
        .count("candidate_edges", k.candidateEdges())
        .count("verified_edges", k.verifiedEdges())
        .count("split_buckets", k.splitBuckets())
        .count("largest_bucket", k.largestBucket())
        .count("skipped_buckets", k.skippedBuckets())
        .count("docs_in_skipped_buckets", k.docsInSkippedBuckets())
        .count("by_source", bySource);
    summary.put("batch", batch);
    summary.put("up_to_date", false);
    summary.put("lsh", lsh(r, opts, k));
    // Every input doc is skipped, kept or removed; in full mode docs_dedup holds exactly the kept.
    boolean reconciled =
        docsIn == (docsIn - newDocs) + kept + k.exactRemoved() + k.nearRemoved()
            && newDocs == k.docsIn();
    summary.put("reconciled", reconciled);
    if (!reconciled) {
      summary.status(Status.ERROR);
    }
  }

  /** The LSH banding used and its detection probabilities, for the summary. */
  private static Map<String, Object> lsh(DedupResult r, DedupOptions opts, DedupResult.Counts k) {
    Map<String, Object> lsh = new LinkedHashMap<>();
    lsh.put("threshold", opts.threshold());
    lsh.put("num_perm", opts.numPerm());
    lsh.put("bands", r.bands());
    lsh.put("rows", r.rows());
    lsh.put("p_detect_at_threshold", Math.round(r.detectionProbability() * 10000) / 10000.0);
    double plus =
        dev.slimspark.udfs.minhash.LshParams.explicit(r.bands(), r.rows(), opts.numPerm())
            .probability(Math.min(1.0, opts.threshold() + 0.1));
    lsh.put("p_detect_at_threshold_plus_0.1", Math.round(plus * 10000) / 10000.0);
    lsh.put("cc_iterations", k.ccIterations());
    return lsh;
  }
}
