package dev.slimspark.jobs.dedup;

import static org.apache.spark.sql.functions.col;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.Stage;
import dev.slimspark.lake.Lake;
import dev.slimspark.udfs.minhash.Normalization;
import dev.slimspark.udfs.minhash.ShingleType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * Dedup: exact and MinHash-LSH near duplicates over the filtered documents → {@code docs_dedup}
 * (kept documents), {@code dup_clusters} (every document in a duplicate cluster, kept or removed,
 * with reason and similarity) and {@code dedup_summary} (per source, SlimPajama's table).
 */
public final class DedupStage implements Stage {
  public static final String KEPT = "docs_dedup";
  public static final String CLUSTERS = "dup_clusters";
  public static final String SUMMARY = "dedup_summary";

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

  /** Typed options from the dedup.* keys. */
  public static DedupOptions options(SlimConfig c) {
    String n = "dedup.near.";
    double t = c.getDouble(n + "threshold");
    if (!(t > 0 && t < 1)) {
      throw UserErrors.badConfigValue(n + "threshold", Double.toString(t), "strictly between 0 and 1");
    }
    DedupOptions.Builder b =
        DedupOptions.builder()
            .threshold(t)
            .numPerm(c.getInt(n + "num_perm"))
            .shingleType(ShingleType.parse(c.getEnum(n + "shingle", "char", "word")))
            .normalization(Normalization.parse(c.getEnum("dedup.normalization", "slimpajama", "as-is")))
            .seed(c.getInt("dedup.seed"))
            .verification(
                DedupOptions.Verification.valueOf(
                    c.getEnum(n + "verification", "none", "signature", "exact").toUpperCase(java.util.Locale.ROOT)))
            .errorWeights(c.getDouble(n + "fp_weight"), c.getDouble(n + "fn_weight"))
            .sourcePriority(c.getStringList("dedup.source_priority"))
            .maxBucketSize(c.getInt(n + "max_bucket_size"))
            .maxCcIterations(c.getInt(n + "max_cc_iterations"));
    if (c.getInt(n + "shingle_size") > 0) {
      b.shingleSize(c.getInt(n + "shingle_size"));
    }
    int bands = c.getInt(n + "bands");
    int rows = c.getInt(n + "rows");
    if (bands > 0 || rows > 0) {
      if (bands <= 0 || rows <= 0 || (long) bands * rows > c.getInt(n + "num_perm")) {
        throw UserErrors.badConfigValue(n + "bands/rows", bands + " x " + rows, "both > 0 with bands * rows <= num_perm (or both 0 to choose automatically)");
      }
      b.bandsAndRows(bands, rows);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw UserErrors.of("The dedup options are inconsistent.", e.getMessage(), "Fix the dedup.* keys.");
    }
  }

  @Override
  public JobSummary run(RunContext ctx) {
    SlimConfig c = ctx.config();
    Lake lake = ctx.lake();
    JobSummary summary = new JobSummary(name(), ctx);
    String input = c.getString("dedup.input_table");
    summary.input(lake.path(input));
    DedupOptions opts = options(c);
    Dataset<Row> docs = lake.read(input, "filter");
    if (List.of(docs.columns()).contains("kept")) {
      docs = docs.where(col("kept"));
    }
    List<org.apache.spark.sql.Column> cols = new ArrayList<>();
    for (String name : DOC_COLUMNS) {
      if (List.of(docs.columns()).contains(name)) {
        cols.add(col(name));
      }
    }
    docs = docs.select(cols.toArray(new org.apache.spark.sql.Column[0]));
    DedupResult r = DedupPipeline.run(docs, opts);
    try {
      String meta = ctx.commitMetadata(name());
      summary.output(KEPT, lake.path(KEPT), lake.write(r.kept(), KEPT, SaveMode.Overwrite, meta));
      summary.output(CLUSTERS, lake.path(CLUSTERS), lake.write(r.clusters(), CLUSTERS, SaveMode.Overwrite, meta));
      summary.output(SUMMARY, lake.path(SUMMARY), lake.write(r.summary().coalesce(1), SUMMARY, SaveMode.Overwrite, meta));
    } finally {
      r.release();
    }
    Map<String, Object> bySource = new TreeMap<>();
    long bytesRemoved = 0;
    for (Row s : lake.read(SUMMARY, name()).collectAsList()) { // one row per source
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("docs_in", s.getLong(s.fieldIndex("docs_in")));
      m.put("exact_removed", s.getLong(s.fieldIndex("exact_removed")));
      m.put("near_removed", s.getLong(s.fieldIndex("near_removed")));
      m.put("bytes_removed", s.getLong(s.fieldIndex("bytes_removed")));
      m.put("pct_removed", s.getDouble(s.fieldIndex("pct_removed")));
      bytesRemoved += s.getLong(s.fieldIndex("bytes_removed"));
      bySource.put(s.getString(s.fieldIndex("source")), m);
    }
    DedupResult.Counts k = r.counts();
    long keptDocs = lake.read(KEPT, name()).count();
    summary
        .count("docs_in", k.docsIn())
        .count("exact_removed", k.exactRemoved())
        .count("near_removed", k.nearRemoved())
        .count("kept", keptDocs)
        .count("bytes_removed", bytesRemoved)
        .count("short_docs_exact_only", k.shortDocs())
        .count("candidate_edges", k.candidateEdges())
        .count("verified_edges", k.verifiedEdges())
        .count("skipped_buckets", k.skippedBuckets())
        .count("by_source", bySource);
    Map<String, Object> lsh = new LinkedHashMap<>();
    lsh.put("threshold", opts.threshold());
    lsh.put("num_perm", opts.numPerm());
    lsh.put("bands", r.bands());
    lsh.put("rows", r.rows());
    lsh.put("p_detect_at_threshold", Math.round(r.detectionProbability() * 10000) / 10000.0);
    lsh.put("p_detect_at_threshold_plus_0.1", Math.round(dev.slimspark.udfs.minhash.LshParams.explicit(r.bands(), r.rows(), opts.numPerm()).probability(Math.min(1.0, opts.threshold() + 0.1)) * 10000) / 10000.0);
    lsh.put("cc_iterations", k.ccIterations());
    summary.put("lsh", lsh);
    boolean reconciled = k.docsIn() == keptDocs + k.exactRemoved() + k.nearRemoved();
    summary.put("reconciled", reconciled);
    if (!reconciled) {
      summary.status("error");
    }
    return summary;
  }
}
