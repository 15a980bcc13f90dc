package dev.slimspark.jobs.decon;

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
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decontaminate: removes eval text from the deduplicated corpus → {@code docs_decon} (the kept
 * documents, cut ones with their remaining text; tokenize reads it), {@code decon_hits} (every
 * match: document, eval set and item, matched text, offsets, action and why dropped) and {@code
 * decon_summary} (per eval set: items, items found = contamination rate, documents dropped and cut,
 * frequent n-grams ignored). With no eval sets configured it reads and writes nothing and ends
 * "skipped".
 */
public final class DeconStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(DeconStage.class);

  /** Columns carried into docs_decon: those of docs_dedup. */
  static final String[] DOC_COLUMNS = {
    "doc_id", "source", "file", "line_number", "text", "meta", "extra", "byte_length", "language"
  };

  static final StructType SUMMARY_SCHEMA =
      new StructType()
          .add("eval_set", DataTypes.StringType, false)
          .add("items", DataTypes.LongType, false)
          .add("items_too_short", DataTypes.LongType, false)
          .add("ngrams", DataTypes.LongType, false)
          .add("items_found", DataTypes.LongType, false)
          .add("contamination_rate", DataTypes.DoubleType, false)
          .add("docs_dropped", DataTypes.LongType, false)
          .add("docs_cut", DataTypes.LongType, false)
          .add("frequent_ngrams_ignored", DataTypes.LongType, false);

  @Override
  public String name() {
    return "decontaminate";
  }

  @Override
  public String description() {
    return "removes eval-set text (shared word 13-grams) from docs_dedup -> docs_decon, decon_hits";
  }

  @Override
  public String[] configPrefixes() {
    return new String[] {"lake", "decontaminate"};
  }

  @Override
  public JobSummary run(RunContext ctx) {
    SlimConfig c = ctx.config();
    JobSummary summary = new JobSummary(name(), ctx);
    if (!DeconOptions.configured(c)) {
      LOG.info("decontaminate: no eval sets configured, skipped");
      return summary
          .status(Status.SKIPPED)
          .put(
              "reason",
              "no eval sets configured (decontaminate.eval_sets is empty and"
                  + " decontaminate.include_evaluate_gold is false); tokenize reads "
                  + Table.DOCS_DEDUP.id());
    }
    DeconOptions opts = DeconOptions.from(c);
    Lake lake = ctx.lake();
    summary.input(lake.path(opts.inputTable()));
    for (EvalSetSpec s : opts.evalSets()) {
      summary.input(s.format().equals("table") ? lake.path(s.path()) : s.path());
    }
    Dataset<Row> items = EvalSets.read(ctx.spark(), lake, opts.evalSets());
    DeconResult r = DeconPipeline.run(readDocs(lake, opts.inputTable()), items, opts);
    try {
      String meta = ctx.commitMetadata(name());
      write(summary, lake, r.kept(), Table.DOCS_DECON, meta);
      write(summary, lake, r.hits(), Table.DECON_HITS, meta);
      write(summary, lake, perSetTable(ctx, r), Table.DECON_SUMMARY, meta);
    } finally {
      r.release();
    }
    report(summary, lake, r, opts);
    return summary;
  }

  private static void write(JobSummary s, Lake lake, Dataset<Row> df, Table t, String meta) {
    s.output(t.id(), lake.path(t), lake.write(df, t, SaveMode.Overwrite, meta));
  }

  /** The input's kept documents, with the {@link #DOC_COLUMNS} it has. */
  private static Dataset<Row> readDocs(Lake lake, String input) {
    Dataset<Row> docs = lake.read(input);
    List<String> have = List.of(docs.columns());
    if (have.contains("kept")) {
      docs = docs.where(col("kept"));
    }
    List<Column> cols = new ArrayList<>();
    for (String name : DOC_COLUMNS) {
      if (have.contains(name)) {
        cols.add(col(name));
      }
    }
    return docs.select(cols.toArray(new Column[0]));
  }

  private static Dataset<Row> perSetTable(RunContext ctx, DeconResult r) {
    List<Row> rows = new ArrayList<>();
    for (DeconResult.PerSet p : r.perSet()) {
      rows.add(
          RowFactory.create(
              p.name(),
              p.items(),
              p.itemsTooShort(),
              p.ngrams(),
              p.itemsFound(),
              p.contaminationRate(),
              p.docsDropped(),
              p.docsCut(),
              p.frequentNgramsIgnored()));
    }
    return ctx.spark().createDataFrame(rows, SUMMARY_SCHEMA).coalesce(1);
  }

  /** Counts, per eval set, and the reconciliation of documents in and out. */
  private static void report(JobSummary summary, Lake lake, DeconResult r, DeconOptions opts) {
    DeconResult.Counts k = r.counts();
    Map<String, Object> bySet = new LinkedHashMap<>();
    for (DeconResult.PerSet p : r.perSet()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("items", p.items());
      m.put("items_too_short", p.itemsTooShort());
      m.put("ngrams", p.ngrams());
      m.put("items_found", p.itemsFound());
      m.put("contamination_rate", Math.round(p.contaminationRate() * 1e6) / 1e6);
      m.put("docs_dropped", p.docsDropped());
      m.put("docs_cut", p.docsCut());
      m.put("frequent_ngrams_ignored", p.frequentNgramsIgnored());
      bySet.put(p.name(), m);
    }
    long docsOut = lake.read(Table.DOCS_DECON).count();
    summary
        .count("docs_in", k.docsIn())
        .count("docs_untouched", k.docsUntouched())
        .count("docs_cut", k.docsCut())
        .count("docs_dropped", k.docsDropped())
        .count("docs_dropped_by_reason", new java.util.TreeMap<>(k.droppedByReason()))
        .count("docs_out", docsOut)
        .count("hits", lake.read(Table.DECON_HITS).count())
        .count("confirmed_windows", k.confirmedWindows())
        .count("frequent_ngrams_ignored", k.frequentNgramsIgnored())
        .count("index_ngrams", k.indexNgrams())
        .count("by_eval_set", bySet);
    summary.put("policy", opts.policy().name().toLowerCase(java.util.Locale.ROOT));
    summary.put("ngram", opts.ngram());
    summary.put("index", Map.of("shipped_as", k.filter(), "bytes", k.filterBytes()));
    // Every input document is untouched, cut or dropped, and docs_decon holds the first two.
    boolean reconciled =
        k.docsIn() == k.docsUntouched() + k.docsCut() + k.docsDropped()
            && k.droppedByReason().values().stream().mapToLong(Long::longValue).sum()
                == k.docsDropped()
            && docsOut == k.docsUntouched() + k.docsCut();
    summary.put("reconciled", reconciled);
    if (!reconciled) {
      summary.status(Status.ERROR);
    }
  }
}
