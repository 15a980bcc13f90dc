package dev.slimspark.jobs.dedup;

import static org.apache.spark.sql.functions.col;

import dev.slimspark.udfs.minhash.LshParams;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exact + near-duplicate removal: exact content hash, MinHash LSH with star candidate edges,
 * optional verification, distributed connected components, deterministic keep rule (source
 * priority, then smallest doc_id).
 *
 * <p>Input: {@code doc_id} (string, unique), {@code source} (string), {@code text} (string, NFC);
 * other columns pass through to {@link DedupResult#kept()}. Output is identical for the same input
 * and options whatever the partitioning. Nothing proportional to the corpus reaches the driver.
 */
public final class DedupPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(DedupPipeline.class);

  private DedupPipeline() {}

  public static DedupResult run(Dataset<Row> docs, DedupOptions opts) {
    return run(docs, null, opts);
  }

  /**
   * Incremental form: dedups {@code docs} (new, never seen) among themselves and against an old,
   * already deduplicated corpus given only by its {@code dedup_signatures} rows ({@code doc_id,
   * source, content_hash, band_keys, sig}, computed with the same {@link
   * DedupOptions#signatureKey()}). Old docs always win and are never removed; only the new docs
   * appear in {@link DedupResult#kept()}, the summary and removals. See {@link OldCorpusMatchStep}.
   *
   * @param old null for a full (non-incremental) run
   */
  public static DedupResult run(Dataset<Row> docs, Dataset<Row> old, DedupOptions opts) {
    requireColumns(docs);
    LOG.info("dedup with {}{}", opts, old == null ? "" : " against an old corpus");
    LshParams params = opts.lshParams();
    double pAtT = params.probability(opts.threshold());
    LOG.info(
        "LSH bands={} rows={}: P(detect) at t={} is {}",
        params.bands(),
        params.rows(),
        opts.threshold(),
        pAtT);
    List<Dataset<Row>> checkpoints = new ArrayList<>();

    ExactDedupStep.Result exact = ExactDedupStep.run(docs, opts);
    checkpoints.add(exact.meta());
    // Texts of exact survivors by node; recomputed from the input where used (not stored twice).
    Dataset<Row> texts = survivorTexts(docs, exact);

    MinHashStep.Result sigs =
        MinHashStep.run(texts, exact.docsIn() - exact.exactRemoved(), opts, params);
    checkpoints.add(sigs.signatures());
    LshCandidatesStep.Result cand = LshCandidatesStep.run(sigs.signatures(), opts);
    checkpoints.add(cand.edges());
    Dataset<Row> meta = exact.meta();
    Dataset<Row> signatures = sigs.signatures();
    Dataset<Row> candidates = cand.edges();
    long candidateCount = cand.edgeCount();
    Dataset<Row> oldNodes = null;
    Dataset<Row> exactOldEdges = null;
    if (old != null) {
      OldCorpusMatchStep.Result m =
          OldCorpusMatchStep.run(meta, signatures, exact.docsIn(), old, opts);
      checkpoints.addAll(List.of(m.meta(), m.oldNodes(), m.candidateEdges(), m.exactEdges()));
      meta = m.meta();
      signatures = signatures.union(m.oldSignatures());
      candidates = candidates.union(m.candidateEdges());
      candidateCount += m.candidateCount();
      oldNodes = m.oldNodes();
      exactOldEdges = m.exactEdges();
    }
    EdgeVerificationStep.Result ver =
        EdgeVerificationStep.run(candidates, candidateCount, signatures, texts, opts);
    checkpoints.add(ver.edges());
    // Exact matches of old docs join the graph unverified: identical normalized text.
    Dataset<Row> edges =
        exactOldEdges == null ? ver.edges() : ver.edges().unionByName(exactOldEdges);
    ConnectedComponentsStep.Result cc = ConnectedComponentsStep.run(edges, opts);
    checkpoints.add(cc.assignment());
    ClusterAuditStep.Result audit =
        ClusterAuditStep.run(meta, cc.assignment(), signatures, texts, oldNodes, opts);

    checkpoints.add(audit.decided());
    Dataset<Row> kept = withoutRemoved(docs, audit);
    DedupResult.Counts counts = counts(exact, sigs, cand, candidateCount, ver, cc, audit);
    LOG.info("dedup done: {}", counts);
    return new DedupResult(
        kept,
        audit.clusters(),
        audit.summary(),
        keptSignatures(exact, sigs, audit),
        params.bands(),
        params.rows(),
        pAtT,
        counts,
        checkpoints);
  }

  private static void requireColumns(Dataset<Row> docs) {
    for (String c : new String[] {Cols.DOC_ID, Cols.SOURCE, Cols.TEXT}) {
      if (!List.of(docs.columns()).contains(c)) {
        throw new IllegalArgumentException("input lacks column " + c);
      }
    }
  }

  /** Texts of the exact survivors (node = rep) by node. */
  private static Dataset<Row> survivorTexts(Dataset<Row> docs, ExactDedupStep.Result exact) {
    return docs.select(Cols.DOC_ID, Cols.TEXT)
        .join(
            exact
                .meta()
                .where(col(Cols.NODE).equalTo(col(Cols.REP)))
                .select(Cols.DOC_ID, Cols.NODE),
            Cols.DOC_ID)
        .select(Cols.NODE, Cols.TEXT);
  }

  /** The input docs minus the removed ones, in the input's column order. */
  private static Dataset<Row> withoutRemoved(Dataset<Row> docs, ClusterAuditStep.Result audit) {
    // A USING join moves doc_id first; restore the input's column order.
    return docs.join(audit.removedIds(), new String[] {Cols.DOC_ID}, "left_anti")
        .selectExpr(
            java.util.Arrays.stream(docs.columns())
                .map(c -> "`" + c.replace("`", "``") + "`")
                .toArray(String[]::new));
  }

  /** dedup_signatures rows of the kept docs, for a later incremental run. */
  private static Dataset<Row> keptSignatures(
      ExactDedupStep.Result exact, MinHashStep.Result sigs, ClusterAuditStep.Result audit) {
    // Kept docs are their own exact rep (never rewritten), so the original meta has their hash.
    return audit
        .decided()
        .where(col("kept"))
        .select(Cols.DOC_ID, Cols.SOURCE, Cols.NODE)
        .join(exact.meta().select(Cols.NODE, Cols.HASH), Cols.NODE)
        .join(sigs.signatures(), new String[] {Cols.NODE}, "left")
        .select(Cols.DOC_ID, Cols.SOURCE, Cols.HASH, Cols.BAND_KEYS, Cols.SIG);
  }

  private static DedupResult.Counts counts(
      ExactDedupStep.Result exact,
      MinHashStep.Result sigs,
      LshCandidatesStep.Result cand,
      long candidateCount,
      EdgeVerificationStep.Result ver,
      ConnectedComponentsStep.Result cc,
      ClusterAuditStep.Result audit) {
    return new DedupResult.Counts(
        exact.docsIn(),
        audit.exactRemoved(),
        audit.nearRemoved(),
        sigs.signed(),
        sigs.shortDocs(),
        cand.multiBuckets(),
        cand.splitBuckets(),
        cand.largestBucket(),
        cand.skippedBuckets(),
        cand.docsInSkippedBuckets(),
        candidateCount,
        ver.kept(),
        cc.iterations(),
        audit.removedAgainstOld());
  }
}
