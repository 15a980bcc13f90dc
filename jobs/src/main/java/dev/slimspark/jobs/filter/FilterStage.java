package dev.slimspark.jobs.filter;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.Stage;
import dev.slimspark.jobs.Status;
import dev.slimspark.jobs.ingest.IngestTables;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import dev.slimspark.udfs.quality.QualityRules;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * Filter: NFC normalization, quality signals as columns, language id, and SlimPajama + Gopher rules.
 * Nothing is deleted: {@code docs_filtered} holds every document with its signals, {@code
 * failed_rules}, {@code drop_reason} (the first failed rule) and {@code kept}, partitioned by {@code
 * kept} so later stages read only kept documents.
 */
public final class FilterStage implements Stage {

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

  /** Builds the rule set from config (filter.* keys). */
  public static QualityRules rules(SlimConfig c) {
    QualityRules.Builder b = QualityRules.builder();
    toggle(b, c, "filter.short_document.enabled", QualityRules.Rule.SHORT_DOCUMENT);
    b.minSlimPajamaLength(c.getInt("filter.short_document.min_chars"));
    toggle(b, c, "filter.language.enabled", QualityRules.Rule.LANGUAGE);
    b.languages(new HashSet<>(c.getStringList("filter.language.keep")), c.getDouble("filter.language.min_confidence"));
    String g = "filter.gopher.";
    toggle(b, c, g + "word_count.enabled", QualityRules.Rule.WORD_COUNT);
    b.wordCount(c.getInt(g + "word_count.min"), c.getInt(g + "word_count.max"));
    toggle(b, c, g + "mean_word_length.enabled", QualityRules.Rule.MEAN_WORD_LENGTH);
    b.meanWordLength(c.getDouble(g + "mean_word_length.min"), c.getDouble(g + "mean_word_length.max"));
    toggle(b, c, g + "symbol_ratio.enabled", QualityRules.Rule.SYMBOL_RATIO);
    b.maxSymbolToWordRatio(c.getDouble(g + "symbol_ratio.max"));
    toggle(b, c, g + "bullet_lines.enabled", QualityRules.Rule.BULLET_LINES);
    b.maxBulletLineRatio(c.getDouble(g + "bullet_lines.max"));
    toggle(b, c, g + "ellipsis_lines.enabled", QualityRules.Rule.ELLIPSIS_LINES);
    b.maxEllipsisLineRatio(c.getDouble(g + "ellipsis_lines.max"));
    toggle(b, c, g + "alpha_words.enabled", QualityRules.Rule.ALPHA_WORDS);
    b.minAlphaWordRatio(c.getDouble(g + "alpha_words.min"));
    toggle(b, c, g + "stop_words.enabled", QualityRules.Rule.STOP_WORDS);
    b.minStopWords(c.getInt(g + "stop_words.min"));
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw dev.slimspark.errors.UserErrors.of(
          "The filter thresholds are inconsistent.", e.getMessage(), "Fix the filter.* keys in your config.");
    }
  }

  private static void toggle(QualityRules.Builder b, SlimConfig c, String key, QualityRules.Rule r) {
    if (c.getBoolean(key)) {
      b.enable(r);
    } else {
      b.disable(r);
    }
  }

  @Override
  public JobSummary run(RunContext ctx) {
    SlimConfig c = ctx.config();
    Lake lake = ctx.lake();
    JobSummary summary = new JobSummary(name(), ctx);
    summary.input(lake.path(Table.DOCS_RAW));
    boolean nfc = c.getEnum("filter.normalize", "nfc", "none").equals("nfc");
    Dataset<Row> docs = lake.read(Table.DOCS_RAW);
    Dataset<Row> scored = QualityStep.apply(docs, rules(c), nfc);
    // kept is true or false: two open files per task, no sort of the whole output by kept.
    long v = lake.writeFewPartitionValues(scored, Table.DOCS_FILTERED, SaveMode.Overwrite, ctx.commitMetadata(name()), 2);
    summary.output(Table.DOCS_FILTERED.id(), lake.path(Table.DOCS_FILTERED), v);

    // Counts come back from the written table (small aggregates only).
    Map<String, Object> byReason = new TreeMap<>();
    Map<String, Map<String, Object>> bySource = new TreeMap<>();
    long in = 0;
    long kept = 0;
    long keptBytes = 0;
    for (Row r :
        lake.read(Table.DOCS_FILTERED)
            .groupBy(col("source"), col("kept"), col("drop_reason"))
            .agg(count(lit(1)), sum("byte_length"))
            .collectAsList()) {
      String source = r.getString(0);
      boolean k = r.getBoolean(1);
      String reason = r.isNullAt(2) ? null : r.getString(2);
      long n = r.getLong(3);
      long bytes = r.isNullAt(4) ? 0 : r.getLong(4);
      in += n;
      Map<String, Object> s = bySource.computeIfAbsent(source, x -> newSourceCounts());
      s.merge("docs_in", n, (a, b) -> (Long) a + (Long) b);
      if (k) {
        kept += n;
        keptBytes += bytes;
        s.merge("kept", n, (a, b) -> (Long) a + (Long) b);
      } else {
        byReason.merge(reason, n, (a, b) -> (Long) a + (Long) b);
        @SuppressWarnings("unchecked")
        Map<String, Object> dr = (Map<String, Object>) s.get("dropped_by_reason");
        dr.merge(reason, n, (a, b) -> (Long) a + (Long) b);
      }
    }
    long rawDocs = lake.read(Table.DOCS_RAW).count();
    summary
        .count("docs_in", in)
        .count("kept", kept)
        .count("dropped", in - kept)
        .count("kept_bytes", keptBytes)
        .count("dropped_by_reason", byReason)
        .count("by_source", bySource);
    boolean reconciled = in == rawDocs;
    summary.put("reconciled", reconciled);
    if (!reconciled) {
      summary.status(Status.ERROR);
    }
    return summary;
  }

  private static Map<String, Object> newSourceCounts() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("docs_in", 0L);
    m.put("kept", 0L);
    m.put("dropped_by_reason", new TreeMap<String, Object>());
    return m;
  }
}
