package dev.slimspark.jobs.label;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.RunContext;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Builds labelers from checked {@link LabelerOptions} (the entries of {@code label.labelers}):
 * {@code fine-tuned} ({@link FineTunedLabeler}), {@code knn-vote} ({@link KnnVoteLabeler}) and
 * {@code k-shot} ({@link KShotLabelerBuilder}). Building loads what each needs on the driver (model
 * files, pools), so bad files fail here, before any task runs. Two entries with the same id are
 * refused.
 */
public final class Labelers {
  private Labelers() {}

  /** The labelers of {@code label.labelers} in the run's config. */
  public static List<Labeler> fromConfig(RunContext ctx) {
    return build(LabelOptions.from(ctx.config()).labelersToRun(), ctx);
  }

  /** One labeler per entry, in order. */
  public static List<Labeler> build(List<LabelerOptions> entries, RunContext ctx) {
    List<Labeler> out = new ArrayList<>();
    Set<String> ids = new TreeSet<>();
    for (LabelerOptions e : entries) {
      Labeler l = create(e, ctx);
      if (!ids.add(l.id())) {
        throw UserErrors.of(
            "Two labelers have the same id " + l.id() + ".",
            "Their configs are identical.",
            "Remove the duplicate entry.");
      }
      out.add(l);
    }
    return out;
  }

  private static Labeler create(LabelerOptions e, RunContext ctx) {
    if (e instanceof LabelerOptions.FineTuned f) {
      return new FineTunedLabeler(f.model(), f.maxLength(), f.batchSize());
    }
    if (e instanceof LabelerOptions.KnnVote k) {
      PoolData p = readPool(k.pool(), ctx, "knn-vote", k.labels());
      return new KnnVoteLabeler(
          ctx.spark(), k.encoderSettings(), k.k(), p.data(), p.names(), p.source(), p.version());
    }
    return KShotLabelerBuilder.build((KShotOptions) e, ctx);
  }

  /** A labeled demonstration pool read for a labeler entry, with its label names and version. */
  record PoolData(Dataset<Row> data, List<String> names, String source, String version) {}

  /**
   * Reads the entry's {@code pool} (CSV or table) as (id, text, label), checks every label maps to
   * one of {@code configured} (or, when empty, uses the pool's sorted distinct labels).
   */
  static PoolData readPool(
      LabelerOptions.Pool p, RunContext ctx, String type, List<String> configured) {
    if (p.source() == null) {
      throw UserErrors.of(
          "A " + type + " labeler has no pool.",
          "Its entry in label.labelers lacks 'pool'.",
          "Add pool = \"labeled.csv\" (CSV with text,label columns) or a Delta table name.");
    }
    String pool = p.source();
    // Pool CSVs are read as UTF-8; invalid bytes are logged as a warning by the CSV check.
    Dataset<Row> data =
        LabeledData.read(
            ctx.spark(),
            ctx.lake(),
            pool,
            new LabeledData.Columns(
                "pool_id_column (in the " + type + " entry of label.labelers)",
                p.idColumn(),
                p.textColumn(),
                true,
                p.labelColumn(),
                "label.labelers[].pool",
                "UTF-8"),
            "label",
            new ArrayList<>());
    List<String> raw = new ArrayList<>();
    for (Row r : data.select("label").distinct().collectAsList()) {
      raw.add(r.isNullAt(0) ? null : r.getString(0));
    }
    List<String> names =
        LabeledData.labelNames(configured, raw.stream().filter(x -> x != null).toList());
    List<String> unknown = LabeledData.unknown(raw, names);
    if (!unknown.isEmpty()) {
      throw UserErrors.of(
          "Pool labels "
              + unknown
              + " in "
              + pool
              + " are not in the labeler's labels "
              + names
              + ".",
          "Every pool label must be a configured name or an integer id into 'labels'.",
          "Add the names to the " + type + " entry's 'labels' or clean the pool.");
    }
    String version;
    if (LabeledData.isCsv(pool)) {
      File f = new File(pool);
      version = f.length() + "@" + f.lastModified();
    } else {
      version = "delta-v" + ctx.lake().version(pool);
    }
    return new PoolData(data, names, pool, version);
  }
}
