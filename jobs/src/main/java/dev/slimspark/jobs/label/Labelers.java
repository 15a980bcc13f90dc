package dev.slimspark.jobs.label;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.RunContext;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Builds labelers from {@code label.labelers}, a list of objects each with a {@code type}. Known
 * types and their keys:
 *
 * <ul>
 *   <li>{@code fine-tuned}: {@code model} (directory, required), {@code batch_size}.
 *   <li>{@code knn-vote}: {@code pool} (CSV or table, required), {@code k} (default 5), {@code
 *       encoder} (default {@code label.encoder}), {@code labels} (names; integer pool labels are
 *       ids into it), {@code pool_id_column}, {@code pool_text_column}, {@code pool_label_column},
 *       {@code max_length}, {@code batch_size}.
 *   <li>{@code k-shot}: {@code model} (language-model directory, required), {@code prompt}, {@code
 *       demo_template}, {@code verbalizers}, {@code labels}, {@code k}, {@code selection}, {@code seed},
 *       {@code calibrate}, {@code content_free}, {@code max_length}, {@code batch_size}, {@code
 *       truncation}, {@code pool} and the pool/encoder keys of knn-vote ({@link KShotConfig}).
 * </ul>
 *
 * Pluggable: a new kind adds an entry to {@link #FACTORIES}.
 */
public final class Labelers {
  /** Builds one labeler from its config object; throws user errors for bad config. */
  @FunctionalInterface
  public interface Factory {
    Labeler create(Config entry, RunContext ctx);
  }

  private static final Map<String, Factory> FACTORIES = new LinkedHashMap<>();
  private static final Map<String, Set<String>> KEYS = new LinkedHashMap<>();

  static {
    register("fine-tuned", Set.of("type", "model", "batch_size", "max_length"), Labelers::fineTuned);
    register(
        "knn-vote",
        Set.of("type", "k", "pool", "encoder", "labels", "pool_id_column", "pool_text_column", "pool_label_column",
            "max_length", "batch_size"),
        Labelers::knnVote);
    register("k-shot", KShotConfig.KEYS, KShotConfig::create);
  }

  private Labelers() {}

  /** Adds a labeler kind (e.g. the k-shot LM labeler); {@code keys} are the entry's allowed keys. */
  public static synchronized void register(String type, Set<String> keys, Factory f) {
    FACTORIES.put(type, f);
    KEYS.put(type, keys);
  }

  public static List<Labeler> fromConfig(RunContext ctx) {
    List<? extends Config> entries;
    try {
      entries = ctx.config().raw().getConfigList("label.labelers");
    } catch (ConfigException.WrongType e) {
      throw UserErrors.badConfigValue(
          "label.labelers", ctx.config().raw().getValue("label.labelers").render(ConfigRenderOptions.concise()),
          "a list of objects, e.g. [{type = \"fine-tuned\", model = \"models/sentiment\"}]");
    }
    if (entries.isEmpty()) {
      throw UserErrors.of(
          "No labelers are configured.", "'label.labelers' is empty.",
          "Add e.g. label.labelers = [{type = \"fine-tuned\", model = \"models/sentiment\"}, {type = \"knn-vote\", k = 5, pool = \"train.csv\"}].");
    }
    List<Labeler> out = new ArrayList<>();
    Set<String> ids = new TreeSet<>();
    for (Config e : entries) {
      String type = e.hasPath("type") ? e.getString("type") : "";
      Factory f = FACTORIES.get(type);
      if (f == null) {
        throw UserErrors.badConfigValue("label.labelers[].type", "\"" + type + "\"", "one of " + String.join(", ", FACTORIES.keySet()));
      }
      for (String key : e.root().keySet()) {
        if (!KEYS.get(type).contains(key)) {
          throw UserErrors.unknownConfigKey(
              "label.labelers[" + type + "]." + key, null, "allowed: " + String.join(", ", new TreeSet<>(KEYS.get(type))));
        }
      }
      Labeler l = f.create(e, ctx);
      if (!ids.add(l.id())) {
        throw UserErrors.of("Two labelers have the same id " + l.id() + ".", "Their configs are identical.", "Remove the duplicate entry.");
      }
      out.add(l);
    }
    return out;
  }

  private static int intOr(Config e, String key, int dflt) {
    return e.hasPath(key) ? e.getInt(key) : dflt;
  }

  private static String strOr(Config e, String key, String dflt) {
    return e.hasPath(key) ? e.getString(key) : dflt;
  }

  private static Labeler fineTuned(Config e, RunContext ctx) {
    SlimConfig c = ctx.config();
    if (!e.hasPath("model")) {
      throw UserErrors.of(
          "A fine-tuned labeler has no model.", "Its entry in label.labelers lacks 'model'.",
          "Add model = \"DIR\" (the finetune.output directory or a HuggingFace ONNX export).");
    }
    return new FineTunedLabeler(
        e.getString("model"), intOr(e, "max_length", c.getInt("label.max_length")), intOr(e, "batch_size", c.getInt("label.batch_size")));
  }

  /** A labeled demonstration pool read for a labeler entry, with its label names and version. */
  record PoolData(Dataset<Row> data, List<String> names, String source, String version) {}

  /**
   * Reads the entry's {@code pool} (CSV or table) as (id, text, label), checks every label maps to
   * one of {@code configured} (or, when empty, uses the pool's sorted distinct labels).
   */
  static PoolData readPool(Config e, RunContext ctx, String type, List<String> configured) {
    SlimConfig c = ctx.config();
    if (!e.hasPath("pool")) {
      throw UserErrors.of(
          "A " + type + " labeler has no pool.", "Its entry in label.labelers lacks 'pool'.",
          "Add pool = \"labeled.csv\" (CSV with text,label columns) or a Delta table name.");
    }
    String pool = e.getString("pool");
    // Pool CSVs are read as UTF-8; invalid bytes are logged as a warning by the CSV check.
    Dataset<Row> data =
        LabeledData.read(
            ctx.spark(), ctx.lake(), pool,
            new LabeledData.Columns("pool_id_column (in the " + type + " entry of label.labelers)",
                strOr(e, "pool_id_column", c.getString("label.id_column")), strOr(e, "pool_text_column", "text"), true,
                strOr(e, "pool_label_column", "label"), "label.labelers[].pool", "UTF-8"),
            "label", new ArrayList<>());
    List<String> raw = new ArrayList<>();
    for (Row r : data.select("label").distinct().collectAsList()) {
      raw.add(r.isNullAt(0) ? null : r.getString(0));
    }
    List<String> names = LabeledData.labelNames(configured, raw.stream().filter(x -> x != null).toList());
    List<String> unknown = LabeledData.unknown(raw, names);
    if (!unknown.isEmpty()) {
      throw UserErrors.of(
          "Pool labels " + unknown + " in " + pool + " are not in the labeler's labels " + names + ".",
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

  /** The entry's encoder settings: {@code encoder}, {@code max_length}, {@code batch_size} or the label.* defaults. */
  static EncoderSettings encoderSettings(Config e, SlimConfig c, String maxLengthKey) {
    return new EncoderSettings(
        strOr(e, "encoder", c.getString("label.encoder")), intOr(e, maxLengthKey, c.getInt("label.max_length")),
        intOr(e, "batch_size", c.getInt("label.batch_size")), false);
  }

  private static Labeler knnVote(Config e, RunContext ctx) {
    List<String> configured = e.hasPath("labels") ? e.getStringList("labels") : List.of();
    PoolData p = readPool(e, ctx, "knn-vote", configured);
    return new KnnVoteLabeler(
        ctx.spark(), encoderSettings(e, ctx.config(), "max_length"), intOr(e, "k", 5), p.data(), p.names(), p.source(),
        p.version());
  }
}
