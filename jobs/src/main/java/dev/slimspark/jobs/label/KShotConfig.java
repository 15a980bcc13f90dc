package dev.slimspark.jobs.label;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.typesafe.config.Config;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.udfs.djl.LanguageModel;
import dev.slimspark.udfs.djl.LmLayout;
import dev.slimspark.udfs.djl.ModelDir;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;

/**
 * Driver side of {@code type = "k-shot"}: reads and validates the entry (model files, template,
 * verbalizers, pool, k) as user errors before any task runs, embeds the pool for knn, and derives
 * the labeler id. Keys and defaults are documented in slimspark-defaults.conf ({@code label}).
 */
final class KShotConfig {
  static final Set<String> KEYS =
      Set.of("type", "model", "prompt", "demo_template", "verbalizers", "labels", "k", "selection", "seed", "calibrate",
          "content_free", "max_length", "batch_size", "truncation", "pool", "encoder", "encoder_max_length",
          "pool_id_column", "pool_text_column", "pool_label_column");

  static final String DEFAULT_PROMPT = "{demos}Text: {text}\nLabel:";
  static final String DEFAULT_DEMO = "Text: {text}\nLabel: {label}\n\n";

  private KShotConfig() {}

  static Labeler create(Config e, RunContext ctx) {
    if (!e.hasPath("model")) {
      throw UserErrors.of(
          "A k-shot labeler has no model.", "Its entry in label.labelers lacks 'model'.",
          "Add model = \"DIR\": an `optimum-cli export onnx` directory of a causal LM (TinyLlama) or of Flan-T5.");
    }
    Path dir = Path.of(e.getString("model")).toAbsolutePath().normalize();
    LmLayout layout;
    try {
      layout = LmLayout.of(dir);
    } catch (ModelDir.MissingModelFileException x) {
      throw UserErrors.of(
          "Language model file not found: " + x.missing() + ".", "A k-shot model directory must hold " + x.layout() + ".",
          "Export the model with e.g. `optimum-cli export onnx --model TinyLlama/TinyLlama-1.1B-Chat-v1.0 --task text-generation DIR` "
              + "and point 'model' at DIR.");
    }
    int k = e.hasPath("k") ? e.getInt("k") : 0;
    if (k < 0) {
      throw UserErrors.badConfigValue("label.labelers[k-shot].k", String.valueOf(k), "0 or more");
    }
    String selection = e.hasPath("selection") ? e.getString("selection") : "balanced";
    if (!Demonstrations.SELECTIONS.contains(selection)) {
      throw UserErrors.badConfigValue("label.labelers[k-shot].selection", "\"" + selection + "\"", "one of " + Demonstrations.SELECTIONS);
    }
    String truncation = e.hasPath("truncation") ? e.getString("truncation") : "right";
    if (!truncation.equals("right") && !truncation.equals("left")) {
      throw UserErrors.badConfigValue("label.labelers[k-shot].truncation", "\"" + truncation + "\"", "\"right\" or \"left\"");
    }
    String prompt = e.hasPath("prompt") ? e.getString("prompt") : DEFAULT_PROMPT;
    String demo = e.hasPath("demo_template") ? e.getString("demo_template") : DEFAULT_DEMO;
    if (!prompt.contains("{text}") || (k > 0 && !prompt.contains("{demos}"))) {
      throw UserErrors.badConfigValue(
          "label.labelers[k-shot].prompt", "\"" + prompt + "\"", "a template containing {text}" + (k > 0 ? " and {demos}" : ""));
    }
    long seed = e.hasPath("seed") ? e.getLong("seed") : 42;
    boolean calibrate = e.hasPath("calibrate") && e.getBoolean("calibrate");
    List<String> contentFree = e.hasPath("content_free") ? e.getStringList("content_free") : List.of("N/A", "", "[MASK]");
    if (calibrate && contentFree.isEmpty()) {
      throw UserErrors.badConfigValue("label.labelers[k-shot].content_free", "[]", "at least one content-free text, e.g. [\"N/A\"]");
    }
    int maxLength = e.hasPath("max_length") ? e.getInt("max_length") : 1024;
    int batchSize = e.hasPath("batch_size") ? e.getInt("batch_size") : 4;
    if (batchSize < 1) {
      throw UserErrors.badConfigValue("label.labelers[k-shot].batch_size", String.valueOf(batchSize), "at least 1");
    }
    Map<String, Object> verb = e.hasPath("verbalizers") ? e.getObject("verbalizers").unwrapped() : Map.of();
    List<String> labels = e.hasPath("labels") ? e.getStringList("labels") : new ArrayList<>(new TreeSet<>(verb.keySet()));

    Labelers.PoolData pool = null;
    if (k > 0 || (labels.isEmpty() && e.hasPath("pool"))) {
      pool = Labelers.readPool(e, ctx, "k-shot", labels);
      labels = pool.names();
    }
    if (labels.size() < 2) {
      throw UserErrors.of(
          "A k-shot labeler needs at least two labels, got " + labels + ".", "Labels come from 'labels', else the keys of 'verbalizers', else the pool.",
          "Add e.g. verbalizers = {bearish = \"negative\", bullish = \"positive\", neutral = \"neutral\"}.");
    }
    List<String> verbalizers = new ArrayList<>();
    for (String l : labels) {
      verbalizers.add(verb.containsKey(l) ? String.valueOf(verb.get(l)) : l);
    }
    KShotPrompt kp = new KShotPrompt(prompt, demo, verbalizers, truncation);
    checkTokens(layout, kp, labels, maxLength);

    boolean knn = selection.equals("knn") && k > 0;
    EncoderSettings enc = knn ? Labelers.encoderSettings(e, ctx.config(), "encoder_max_length") : null;
    Demonstrations demos = demonstrations(pool, labels, selection, k, seed, enc);
    KShotLabeler.Settings s =
        new KShotLabeler.Settings(dir.toString(), kp, labels, calibrate, contentFree, maxLength, batchSize, knn);

    List<String> parts = new ArrayList<>();
    try {
      for (Path f : layout.files()) {
        parts.add(f.getFileName() + "=" + Fingerprint.file(f));
      }
    } catch (IOException x) {
      throw new IllegalStateException("cannot list " + dir, x);
    }
    parts.addAll(List.of("prompt=" + prompt, "demo=" + demo, "labels=" + labels, "verbalizers=" + verbalizers, "k=" + k,
        "selection=" + (k > 0 ? selection : "none"), "seed=" + seed, "calibrate=" + calibrate + (calibrate ? contentFree : ""),
        "max_length=" + maxLength, "truncation=" + truncation));
    if (k > 0) {
      parts.add("pool=" + pool.source() + "@" + pool.version());
    }
    if (knn) {
      Path encDir = enc.validate();
      parts.add("encoder=" + Fingerprint.file(ModelDir.onnxFile(encDir)) + "/" + enc.maxLength());
    }
    String fp = Fingerprint.of(parts.toArray(new String[0]));
    LabelsTable.Ident ident =
        new LabelsTable.Ident("k-shot:k" + k + (k > 0 ? ":" + selection : "") + ":" + fp.substring(0, 16), "k-shot",
            "lm-sha256:" + Fingerprint.file(layout.decoder()).substring(0, 16));
    return new KShotLabeler(s, demos, enc, ident);
  }

  /** Verbalizers must tokenize to something, and the bare template must fit max_length. */
  private static void checkTokens(LmLayout layout, KShotPrompt kp, List<String> labels, int maxLength) {
    try (HuggingFaceTokenizer tok = LanguageModel.tokenizer(layout.tokenizer())) {
      int longest = 0;
      for (int c = 0; c < labels.size(); c++) {
        int n = tok.encode(kp.verbalizers().get(c), false, false).getIds().length;
        if (n == 0) {
          throw UserErrors.of(
              "The verbalizer of label '" + labels.get(c) + "' (\"" + kp.verbalizers().get(c) + "\") tokenizes to nothing.",
              "Rank classification scores the verbalizer's tokens; an empty one cannot be scored.",
              "Set a non-empty word for it in the k-shot entry's verbalizers.");
        }
        longest = Math.max(longest, n);
      }
      int bare = tok.encode(KShotPrompt.render(kp.template(), "demos", "", "text", ""), true, false).getIds().length;
      int room = layout.encoderDecoder() ? maxLength : maxLength - longest;
      if (bare > room) {
        throw UserErrors.of(
            "The k-shot prompt template alone takes " + bare + " tokens, more than max_length " + maxLength
                + (layout.encoderDecoder() ? "" : " minus the longest verbalizer (" + longest + ")") + ".",
            "No document text would fit.", "Shorten 'prompt' or raise 'max_length' (up to the model's context size).");
      }
    } catch (IOException x) {
      throw UserErrors.of("Cannot read " + layout.tokenizer() + ".", x.getMessage(), "Use the tokenizer.json of the export.");
    }
  }

  /** The pool as shipped to executors: usable rows only (text and label present), embedded for knn. */
  private static Demonstrations demonstrations(
      Labelers.PoolData pool, List<String> labels, String selection, int k, long seed, EncoderSettings enc) {
    if (pool == null) {
      return new Demonstrations(selection, 0, seed, new String[0], new String[0], new int[0], labels, null);
    }
    var data = pool.data().filter("text is not null and trim(text) != '' and label is not null");
    List<Row> rows;
    int vi = -1;
    if (enc != null) {
      var emb = EmbedStep.apply(data.select("id", "text", "label"), "text", enc);
      rows = emb.filter(emb.col("error").isNull()).select("id", "text", "label", "vector").orderBy("id").collectAsList();
      vi = 3;
    } else {
      rows = data.select("id", "text", "label").orderBy("id").collectAsList();
    }
    String[] ids = new String[rows.size()];
    String[] texts = new String[rows.size()];
    int[] ls = new int[rows.size()];
    float[][] vectors = enc == null ? null : new float[rows.size()][];
    for (int i = 0; i < ids.length; i++) {
      Row r = rows.get(i);
      ids[i] = r.getString(0);
      texts[i] = r.getString(1);
      ls[i] = labels.indexOf(LabeledData.canonical(r.getString(2), labels));
      if (vectors != null) {
        vectors[i] = EmbedStep.vector(r, vi);
      }
    }
    return new Demonstrations(selection, k, seed, ids, texts, ls, labels, vectors);
  }
}
