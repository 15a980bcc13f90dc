package dev.slimspark.jobs.stats;

import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.Stage;
import dev.slimspark.jobs.Status;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stats: reads the lake's tables (ingest, filter, dedup; decontaminate, tokenize and pack when
 * present) and writes the small stats_* tables that {@code slimspark report} renders. Every output
 * is an aggregate (sources x reasons x bins); only grouped counts reach the driver. Output is
 * deterministic: fixed bins, sorted single-file tables, percentiles exact below about accuracy/2
 * documents per group. The status is "error" when the funnel does not reconcile.
 */
public final class StatsStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(StatsStage.class);

  /**
   * Read where present: decontaminate's (only when eval sets are configured), tokenize's and pack's
   * tables are optional.
   */
  public static final List<Table> INPUTS =
      List.of(
          Table.INGEST_FILES,
          Table.INGEST_QUARANTINE,
          Table.DOCS_RAW,
          Table.DOCS_FILTERED,
          Table.DOCS_DEDUP,
          Table.DUP_CLUSTERS,
          Table.DOCS_DECON,
          Table.DECON_HITS,
          Table.DECON_SUMMARY,
          Table.DOCS_TOKENS,
          Table.PACKED_ROWS);

  @Override
  public String name() {
    return "stats";
  }

  @Override
  public String description() {
    return "per-source sizes, length and quality histograms, the reconciled funnel, languages, duplicate clusters,"
        + " decontamination per eval set, Spark NLP sentence counts (seeded sample) -> stats_* tables";
  }

  @Override
  public String[] configPrefixes() {
    return new String[] {"lake", "stats"};
  }

  @Override
  public JobSummary run(RunContext ctx) {
    try (DeltaMetadataParallelism p = DeltaMetadataParallelism.forStats(ctx.spark())) {
      return stats(ctx);
    }
  }

  private JobSummary stats(RunContext ctx) {
    StatsOptions options = StatsOptions.from(ctx.config());
    Lake lake = ctx.lake();
    JobSummary summary = new JobSummary(name(), ctx);
    StatsInputs in = StatsInputs.read(lake, ctx.config());
    for (Table t : INPUTS) {
      if (lake.exists(t) && (in.hasDecon() || !StatsInputs.DECON_TABLES.contains(t))) {
        summary.input(lake.path(t));
      }
    }
    if (!in.hasDecon()) {
      LOG.info("stats: decontamination {}", in.deconNote());
    }
    DocumentSets sets = new DocumentSets(in);
    List<Row> reconcile = writeTables(ctx, options, in, sets, summary);
    StatsResult r = new StatsResult(reconcile, sets.hasTokens());
    summary.count("funnel", r.funnel());
    summary.count("sources", r.sources());
    summary.put("tokens_present", r.tokensPresent());
    summary.put("decontaminate", in.hasDecon() ? "present" : in.deconNote());
    int sample = options.linguisticSampleDocsPerSource();
    summary.put(
        "linguistic",
        sample == 0
            ? "off"
            : LinguisticStats.method(
                sample, options.linguisticSeed(), options.linguisticMaxChars()));
    summary.put("reconciled", r.reconciled());
    if (!r.reconciled()) {
      LOG.error("The funnel does not reconcile; difference per source: {}", r.differences());
      summary.put("differences", r.differences());
      summary.status(Status.ERROR);
    }
    return summary;
  }

  /**
   * Writes every stats table, lists them as outputs, and returns the reconciliation rows.
   *
   * <p>The tables are independent and small: on small lakes each write is mostly driver-side
   * latency (Delta snapshots, planning, commits), so they run as concurrent Spark jobs. The funnel
   * is collected first (the summary needs it) but on the pool too, so its latency overlaps the
   * other tables'; its two tables are queued last, as they wait for it. Outputs are listed in
   * StatsTables.ALL order whatever finishes first.
   */
  private List<Row> writeTables(
      RunContext ctx, StatsOptions o, StatsInputs in, DocumentSets sets, JobSummary summary) {
    Lake lake = ctx.lake();
    String meta = ctx.commitMetadata(name());
    Map<Table, Future<Long>> versions = new LinkedHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, o.parallelWrites()));
    try {
      Future<List<Row>> funnel = pool.submit(() -> FunnelStats.compute(in));
      boolean decon = in.hasDecon();
      Map<Table, Supplier<Dataset<Row>>> tables = new LinkedHashMap<>();
      Supplier<Dataset<Row>> linguistic =
          linguistic(
              lake, o.linguisticSampleDocsPerSource(), o.linguisticSeed(), o.linguisticMaxChars());
      if (linguistic != null) {
        tables.put(Table.STATS_LINGUISTIC, linguistic); // the longest job: started first
      }
      tables.put(
          Table.STATS_SOURCES, () -> SourceStats.compute(sets, o.percentileAccuracy()).coalesce(1));
      tables.put(Table.STATS_HISTOGRAMS, () -> HistogramStats.compute(sets).coalesce(1));
      tables.put(Table.STATS_LANGUAGES, () -> LanguageStats.compute(in));
      tables.put(Table.STATS_DUP_CLUSTER_SIZES, () -> DedupStats.sizes(in));
      tables.put(
          Table.STATS_DUP_TOP_CLUSTERS,
          () -> DedupStats.top(in, o.topClusters(), o.examplePrefixChars()));
      Supplier<Dataset<Row>> deconTable = decon(lake, in);
      if (deconTable != null) {
        tables.put(Table.STATS_DECON, deconTable);
      }
      tables.put(Table.STATS_FUNNEL, () -> FunnelStats.toDataset(ctx.spark(), await(funnel)));
      tables.put(
          Table.STATS_RECONCILE,
          () ->
              ctx.spark()
                  .createDataFrame(
                      Reconciliation.compute(await(funnel), decon), Reconciliation.SCHEMA)
                  .coalesce(1));
      for (Map.Entry<Table, Supplier<Dataset<Row>>> e : tables.entrySet()) {
        versions.put(
            e.getKey(), pool.submit(() -> write(lake, e.getKey(), e.getValue().get(), meta)));
      }
      List<Row> reconcile = Reconciliation.compute(await(funnel), decon);
      for (Table t : StatsTables.ALL) {
        summary.output(t.id(), lake.path(t), await(versions.get(t)));
      }
      for (Table t : StatsTables.OPTIONAL) {
        if (versions.containsKey(t)) {
          summary.output(t.id(), lake.path(t), await(versions.get(t)));
        }
      }
      return reconcile;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * What to write to stats_linguistic, or null for nothing: Spark NLP counts, or when off (0) an
   * empty table if an earlier run wrote one (so the report shows no stale numbers).
   */
  static Supplier<Dataset<Row>> linguistic(Lake lake, int perSource, int seed, int maxChars) {
    if (perSource != 0) {
      return () ->
          LinguisticStats.compute(
              lake.read(Table.DOCS_FILTERED),
              lake.exists(Table.DOCS_DEDUP) ? lake.read(Table.DOCS_DEDUP) : null,
              perSource,
              seed,
              maxChars);
    }
    if (lake.exists(Table.STATS_LINGUISTIC)) {
      LOG.info("stats: linguistic counts off; emptying {}", Table.STATS_LINGUISTIC);
      return () -> lake.read(Table.STATS_LINGUISTIC).limit(0);
    }
    LOG.info("stats: linguistic counts off (stats.linguistic.sample_docs_per_source = 0)");
    return null;
  }

  /**
   * What to write to stats_decon, or null for nothing: the per-eval-set rows when decontaminate
   * ran, else an empty table if an earlier run wrote one (the report then says "not run" instead of
   * showing stale numbers).
   */
  static Supplier<Dataset<Row>> decon(Lake lake, StatsInputs in) {
    if (in.hasDecon()) {
      return () -> DeconStats.perSet(in);
    }
    if (lake.exists(Table.STATS_DECON)) {
      return () -> lake.read(Table.STATS_DECON).limit(0);
    }
    return null;
  }

  static long write(Lake lake, Table table, Dataset<Row> df, String meta) {
    long t0 = System.nanoTime();
    long v = lake.write(df, table, SaveMode.Overwrite, meta);
    LOG.info("stats: wrote {} v{} in {} ms", table, v, (System.nanoTime() - t0) / 1_000_000);
    return v;
  }

  /** The task's result; its own exception rethrown (a UserError stays a user error). */
  private static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing the stats tables", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    }
  }
}
