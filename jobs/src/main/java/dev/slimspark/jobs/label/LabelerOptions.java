package dev.slimspark.jobs.label;

import com.typesafe.config.Config;
import dev.slimspark.errors.UserErrors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One entry of {@code label.labelers}, parsed and checked: the only reader of an entry's keys. An
 * entry is an object with a {@code type} and that type's keys; an unknown type or key is a user
 * error listing the allowed ones. Keys an entry leaves out take the type's DEFAULT_ constant or the
 * {@code label.*} value named in {@link EntryDefaults}. A new kind of labeler adds a record here
 * (or beside it, like {@link KShotOptions}), its keys to {@link #KEYS} and a case to {@link
 * Labelers}.
 */
public sealed interface LabelerOptions
    permits LabelerOptions.FineTuned, LabelerOptions.KnnVote, KShotOptions {
  /** Allowed keys per type, in the order the types are listed in messages. */
  Map<String, Set<String>> KEYS = keys();

  /** The entry's {@code type}. */
  String type();

  /**
   * The {@code label.*} values an entry falls back to.
   *
   * @param idColumn {@code label.id_column}: the pool's id column unless {@code pool_id_column}
   * @param encoder {@code label.encoder}: knn embeddings unless {@code encoder}
   * @param maxLength {@code label.max_length}: encoder tokens per text unless the entry says
   * @param batchSize {@code label.batch_size}: encoder texts per pass unless the entry says
   */
  record EntryDefaults(String idColumn, String encoder, int maxLength, int batchSize) {}

  /**
   * A labeled pool of examples (knn-vote's neighbours, k-shot's demonstrations).
   *
   * @param source CSV path or lake table name; null when the entry has none (an error where one is
   *     needed)
   * @param idColumn {@code pool_id_column}, default {@code label.id_column}
   * @param textColumn {@code pool_text_column}, default "text"
   * @param labelColumn {@code pool_label_column}, default "label"
   */
  record Pool(String source, String idColumn, String textColumn, String labelColumn) {
    public static final String DEFAULT_TEXT_COLUMN = "text";
    public static final String DEFAULT_LABEL_COLUMN = "label";

    static Pool of(Config e, EntryDefaults d) {
      return new Pool(
          e.hasPath("pool") ? e.getString("pool") : null,
          OptionChecks.entryString(e, "pool_id_column", d.idColumn()),
          OptionChecks.entryString(e, "pool_text_column", DEFAULT_TEXT_COLUMN),
          OptionChecks.entryString(e, "pool_label_column", DEFAULT_LABEL_COLUMN));
    }
  }

  /**
   * {@code type = "fine-tuned"}: a finetune output or HuggingFace ONNX classifier.
   *
   * @param model the model directory (required)
   * @param maxLength tokens per text, default {@code label.max_length} (the model's config may say
   *     less)
   * @param batchSize texts per forward pass, default {@code label.batch_size}
   */
  record FineTuned(String model, int maxLength, int batchSize) implements LabelerOptions {
    @Override
    public String type() {
      return "fine-tuned";
    }

    static FineTuned of(Config e, EntryDefaults d) {
      if (!e.hasPath("model")) {
        throw UserErrors.of(
            "A fine-tuned labeler has no model.",
            "Its entry in label.labelers lacks 'model'.",
            "Add model = \"DIR\" (the finetune.output directory or a HuggingFace ONNX export).");
      }
      return new FineTuned(
          e.getString("model"),
          OptionChecks.entryInt(e, "max_length", d.maxLength()),
          OptionChecks.entryInt(e, "batch_size", d.batchSize()));
    }
  }

  /**
   * {@code type = "knn-vote"}: the majority label of the k most similar pool texts (never the
   * query).
   *
   * @param pool the labeled pool (required)
   * @param k neighbours that vote, default {@link #DEFAULT_K}; more smooths, fewer follows near
   *     duplicates
   * @param labels label names in id order; empty = the pool's sorted labels
   * @param encoder sentence encoder, default {@code label.encoder}
   * @param maxLength encoder tokens per text, default {@code label.max_length}
   * @param batchSize encoder texts per pass, default {@code label.batch_size}
   */
  record KnnVote(
      Pool pool, int k, List<String> labels, String encoder, int maxLength, int batchSize)
      implements LabelerOptions {
    public static final int DEFAULT_K = 5;

    public KnnVote {
      labels = List.copyOf(labels);
    }

    @Override
    public String type() {
      return "knn-vote";
    }

    static KnnVote of(Config e, EntryDefaults d) {
      return new KnnVote(
          Pool.of(e, d),
          OptionChecks.entryInt(e, "k", DEFAULT_K),
          e.hasPath("labels") ? e.getStringList("labels") : List.of(),
          OptionChecks.entryString(e, "encoder", d.encoder()),
          OptionChecks.entryInt(e, "max_length", d.maxLength()),
          OptionChecks.entryInt(e, "batch_size", d.batchSize()));
    }

    /** How the tasks run the encoder. */
    EncoderSettings encoderSettings() {
      return new EncoderSettings(encoder, maxLength, batchSize, false);
    }
  }

  /** Parses one entry: its type, its keys, then the type's own checks. */
  static LabelerOptions parse(Config e, EntryDefaults d) {
    String type = e.hasPath("type") ? e.getString("type") : "";
    Set<String> allowed = KEYS.get(type);
    if (allowed == null) {
      throw UserErrors.badConfigValue(
          "label.labelers[].type",
          "\"" + type + "\"",
          "one of " + String.join(", ", KEYS.keySet()));
    }
    for (String key : e.root().keySet()) {
      if (!allowed.contains(key)) {
        throw UserErrors.unknownConfigKey(
            "label.labelers[" + type + "]." + key,
            null,
            "allowed: " + String.join(", ", new TreeSet<>(allowed)));
      }
    }
    return switch (type) {
      case "fine-tuned" -> FineTuned.of(e, d);
      case "knn-vote" -> KnnVote.of(e, d);
      default -> KShotOptions.of(e, d);
    };
  }

  private static Map<String, Set<String>> keys() {
    Map<String, Set<String>> m = new LinkedHashMap<>();
    m.put("fine-tuned", Set.of("type", "model", "batch_size", "max_length"));
    m.put(
        "knn-vote",
        Set.of(
            "type",
            "k",
            "pool",
            "encoder",
            "labels",
            "pool_id_column",
            "pool_text_column",
            "pool_label_column",
            "max_length",
            "batch_size"));
    m.put("k-shot", KShotOptions.KEYS);
    return java.util.Collections.unmodifiableMap(m);
  }
}
