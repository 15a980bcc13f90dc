package dev.slimspark.jobs.label;

import com.typesafe.config.Config;
import dev.slimspark.errors.UserErrors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@code type = "k-shot"} entry of {@code label.labelers}: a language model labels by rank
 * classification (each label's verbalizer is scored after the prompt, the best wins). Only the
 * values are checked here; {@link KShotLabelerBuilder} checks the model files and the tokens.
 *
 * @param model directory of an `optimum-cli export onnx` causal LM or Flan-T5 (required)
 * @param prompt template with {demos} (when k > 0) and {text}
 * @param demoTemplate one demonstration, with {text} and {label}
 * @param verbalizers label -> text scored after the prompt; a label without one is scored as
 *     itself. Tokenizer-specific: SentencePiece wants no leading space, GPT-2 BPE " negative"
 * @param labels label names in id order; null (unset) = the verbalizer keys sorted, else the pool's
 *     labels
 * @param k demonstrations per prompt; 0 = zero-shot (no pool needed)
 * @param selection random, balanced or knn (by sentence embedding); never the query itself
 * @param seed demonstrations are a function of (seed, doc id)
 * @param calibrate divide out the label bias measured on {@code contentFree} texts (Zhao et al.
 *     2021)
 * @param contentFree the texts calibration measures the bias on
 * @param maxLength prompt + verbalizer tokens; longer prompts drop demonstrations, then cut the
 *     text
 * @param batchSize prompts per forward pass; logits memory grows with prompts x labels x length x
 *     vocab
 * @param truncation "right" keeps the text's start, "left" its end
 * @param pool labeled demonstrations (needed when k > 0)
 * @param encoder knn's sentence encoder, default {@code label.encoder}
 * @param encoderMaxLength knn's encoder tokens per text, default {@code label.max_length}
 * @param encoderBatchSize knn's encoder texts per pass: the entry's batch_size, else {@code
 *     label.batch_size}
 */
public record KShotOptions(
    String model,
    String prompt,
    String demoTemplate,
    Map<String, String> verbalizers,
    List<String> labels,
    int k,
    String selection,
    long seed,
    boolean calibrate,
    List<String> contentFree,
    int maxLength,
    int batchSize,
    String truncation,
    LabelerOptions.Pool pool,
    String encoder,
    int encoderMaxLength,
    int encoderBatchSize)
    implements LabelerOptions {

  static final Set<String> KEYS =
      Set.of(
          "type",
          "model",
          "prompt",
          "demo_template",
          "verbalizers",
          "labels",
          "k",
          "selection",
          "seed",
          "calibrate",
          "content_free",
          "max_length",
          "batch_size",
          "truncation",
          "pool",
          "encoder",
          "encoder_max_length",
          "pool_id_column",
          "pool_text_column",
          "pool_label_column");

  public static final String DEFAULT_PROMPT = "{demos}Text: {text}\nLabel:";
  public static final String DEFAULT_DEMO_TEMPLATE = "Text: {text}\nLabel: {label}\n\n";
  public static final int DEFAULT_K = 0;
  public static final String DEFAULT_SELECTION = "balanced";
  public static final long DEFAULT_SEED = 42;
  public static final boolean DEFAULT_CALIBRATE = false;
  public static final List<String> DEFAULT_CONTENT_FREE = List.of("N/A", "", "[MASK]");
  public static final int DEFAULT_MAX_LENGTH = 1024;

  /** Small: with multi-token verbalizers the logits of every prompt and label are held at once. */
  public static final int DEFAULT_BATCH_SIZE = 4;

  public static final String DEFAULT_TRUNCATION = "right";

  private static final String E = "label.labelers[k-shot].";

  public KShotOptions {
    verbalizers = Collections.unmodifiableMap(new LinkedHashMap<>(verbalizers));
    labels = labels == null ? null : List.copyOf(labels);
    contentFree = List.copyOf(contentFree);
    OptionChecks.atLeast(E + "k", k, 0, "0 or more");
    if (!Demonstrations.SELECTIONS.contains(selection)) {
      throw UserErrors.badConfigValue(
          E + "selection", "\"" + selection + "\"", "one of " + Demonstrations.SELECTIONS);
    }
    if (!truncation.equals("right") && !truncation.equals("left")) {
      throw UserErrors.badConfigValue(
          E + "truncation", "\"" + truncation + "\"", "\"right\" or \"left\"");
    }
    if (!prompt.contains("{text}") || (k > 0 && !prompt.contains("{demos}"))) {
      throw UserErrors.badConfigValue(
          E + "prompt",
          "\"" + prompt + "\"",
          "a template containing {text}" + (k > 0 ? " and {demos}" : ""));
    }
    if (calibrate && contentFree.isEmpty()) {
      throw UserErrors.badConfigValue(
          E + "content_free", "[]", "at least one content-free text, e.g. [\"N/A\"]");
    }
    OptionChecks.atLeast(E + "batch_size", batchSize, 1, "at least 1");
  }

  @Override
  public String type() {
    return "k-shot";
  }

  static KShotOptions of(Config e, LabelerOptions.EntryDefaults d) {
    if (!e.hasPath("model")) {
      throw UserErrors.of(
          "A k-shot labeler has no model.",
          "Its entry in label.labelers lacks 'model'.",
          "Add model = \"DIR\": an `optimum-cli export onnx` directory of a causal LM (TinyLlama) or of Flan-T5.");
    }
    Map<String, String> verbalizers = new LinkedHashMap<>();
    if (e.hasPath("verbalizers")) {
      e.getObject("verbalizers")
          .unwrapped()
          .forEach((label, text) -> verbalizers.put(label, String.valueOf(text)));
    }
    return new KShotOptions(
        e.getString("model"),
        OptionChecks.entryString(e, "prompt", DEFAULT_PROMPT),
        OptionChecks.entryString(e, "demo_template", DEFAULT_DEMO_TEMPLATE),
        verbalizers,
        e.hasPath("labels") ? e.getStringList("labels") : null,
        OptionChecks.entryInt(e, "k", DEFAULT_K),
        OptionChecks.entryString(e, "selection", DEFAULT_SELECTION),
        e.hasPath("seed") ? e.getLong("seed") : DEFAULT_SEED,
        e.hasPath("calibrate") ? e.getBoolean("calibrate") : DEFAULT_CALIBRATE,
        e.hasPath("content_free") ? e.getStringList("content_free") : DEFAULT_CONTENT_FREE,
        OptionChecks.entryInt(e, "max_length", DEFAULT_MAX_LENGTH),
        OptionChecks.entryInt(e, "batch_size", DEFAULT_BATCH_SIZE),
        OptionChecks.entryString(e, "truncation", DEFAULT_TRUNCATION),
        LabelerOptions.Pool.of(e, d),
        OptionChecks.entryString(e, "encoder", d.encoder()),
        OptionChecks.entryInt(e, "encoder_max_length", d.maxLength()),
        OptionChecks.entryInt(e, "batch_size", d.batchSize()));
  }

  /** The configured labels, else the verbalizer keys sorted (empty: the pool's labels decide). */
  List<String> labelsOrVerbalizerKeys() {
    return labels != null ? labels : new ArrayList<>(new TreeSet<>(verbalizers.keySet()));
  }

  /** Whether demonstrations are chosen by sentence embedding (the encoder is used). */
  boolean knn() {
    return selection.equals("knn") && k > 0;
  }

  /** knn's encoder settings. */
  EncoderSettings encoderSettings() {
    return new EncoderSettings(encoder, encoderMaxLength, encoderBatchSize, false);
  }
}
