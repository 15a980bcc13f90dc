package dev.slimspark.jobs.label;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.udfs.djl.LanguageModel;
import dev.slimspark.udfs.djl.LmLayout;
import dev.slimspark.udfs.djl.ModelDir;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Driver side of {@code type = "k-shot"}: from checked {@link KShotOptions}, checks the model files
 * and the tokens as user errors before any task runs, reads (and for knn embeds) the pool, and
 * derives the labeler id.
 */
final class KShotLabelerBuilder {
  private KShotLabelerBuilder() {}

  static Labeler build(KShotOptions o, RunContext ctx) {
    Path dir = Path.of(o.model()).toAbsolutePath().normalize();
    LmLayout layout;
    try {
      layout = LmLayout.of(dir);
    } catch (ModelDir.MissingModelFileException x) {
      throw UserErrors.of(
          "Language model file not found: " + x.missing() + ".",
          "A k-shot model directory must hold " + x.layout() + ".",
          "Export the model with e.g. `optimum-cli export onnx --model TinyLlama/TinyLlama-1.1B-Chat-v1.0 --task text-generation DIR` "
              + "and point 'model' at DIR.");
    }
    int k = o.k();
    List<String> labels = o.labelsOrVerbalizerKeys();
    Labelers.PoolData pool = null;
    if (k > 0 || (labels.isEmpty() && o.pool().source() != null)) {
      pool = Labelers.readPool(o.pool(), ctx, "k-shot", labels);
      labels = pool.names();
    }
    if (labels.size() < 2) {
      throw UserErrors.of(
          "A k-shot labeler needs at least two labels, got " + labels + ".",
          "Labels come from 'labels', else the keys of 'verbalizers', else the pool.",
          "Add e.g. verbalizers = {bearish = \"negative\", bullish = \"positive\", neutral = \"neutral\"}.");
    }
    List<String> verbalizers = new ArrayList<>();
    for (String l : labels) {
      verbalizers.add(o.verbalizers().getOrDefault(l, l));
    }
    KShotPrompt kp = new KShotPrompt(o.prompt(), o.demoTemplate(), verbalizers, o.truncation());
    checkTokens(layout, kp, labels, o.maxLength());

    EncoderSettings enc = o.knn() ? o.encoderSettings() : null;
    Demonstrations demos = demonstrations(pool, labels, o.selection(), k, o.seed(), enc);
    KShotLabeler.Settings s =
        new KShotLabeler.Settings(
            dir.toString(),
            kp,
            labels,
            o.calibrate(),
            o.contentFree(),
            o.maxLength(),
            o.batchSize(),
            o.knn());
    return new KShotLabeler(s, demos, enc, ident(o, layout, labels, verbalizers, pool, enc));
  }

  /** The labeler id: a fingerprint of the model files and every setting that changes a label. */
  private static LabelsTable.Ident ident(
      KShotOptions o,
      LmLayout layout,
      List<String> labels,
      List<String> verbalizers,
      Labelers.PoolData pool,
      EncoderSettings enc) {
    int k = o.k();
    List<String> parts = new ArrayList<>();
    try {
      for (Path f : layout.files()) {
        parts.add(f.getFileName() + "=" + Fingerprint.file(f));
      }
    } catch (IOException x) {
      throw new IllegalStateException("cannot list " + layout.dir(), x);
    }
    parts.addAll(
        List.of(
            "prompt=" + o.prompt(),
            "demo=" + o.demoTemplate(),
            "labels=" + labels,
            "verbalizers=" + verbalizers,
            "k=" + k,
            "selection=" + (k > 0 ? o.selection() : "none"),
            "seed=" + o.seed(),
            "calibrate=" + o.calibrate() + (o.calibrate() ? o.contentFree() : ""),
            "max_length=" + o.maxLength(),
            "truncation=" + o.truncation()));
    if (k > 0) {
      parts.add("pool=" + pool.source() + "@" + pool.version());
    }
    if (enc != null) {
      Path encDir = enc.validate();
      parts.add("encoder=" + Fingerprint.file(ModelDir.onnxFile(encDir)) + "/" + enc.maxLength());
    }
    String fp = Fingerprint.of(parts.toArray(new String[0]));
    return new LabelsTable.Ident(
        "k-shot:k" + k + (k > 0 ? ":" + o.selection() : "") + ":" + fp.substring(0, 16),
        "k-shot",
        "lm-sha256:" + Fingerprint.file(layout.decoder()).substring(0, 16));
  }

  /** Verbalizers must tokenize to something, and the bare template must fit max_length. */
  private static void checkTokens(
      LmLayout layout, KShotPrompt kp, List<String> labels, int maxLength) {
    try (HuggingFaceTokenizer tok = LanguageModel.tokenizer(layout.tokenizer())) {
      int longest = 0;
      for (int c = 0; c < labels.size(); c++) {
        int n = tok.encode(kp.verbalizers().get(c), false, false).getIds().length;
        if (n == 0) {
          throw UserErrors.of(
              "The verbalizer of label '"
                  + labels.get(c)
                  + "' (\""
                  + kp.verbalizers().get(c)
                  + "\") tokenizes to nothing.",
              "Rank classification scores the verbalizer's tokens; an empty one cannot be scored.",
              "Set a non-empty word for it in the k-shot entry's verbalizers.");
        }
        longest = Math.max(longest, n);
      }
      int bare =
          tok.encode(KShotPrompt.render(kp.template(), "demos", "", "text", ""), true, false)
              .getIds()
              .length;
      int room = layout.encoderDecoder() ? maxLength : maxLength - longest;
      if (bare > room) {
        throw UserErrors.of(
            "The k-shot prompt template alone takes "
                + bare
                + " tokens, more than max_length "
                + maxLength
                + (layout.encoderDecoder() ? "" : " minus the longest verbalizer (" + longest + ")")
                + ".",
            "No document text would fit.",
            "Shorten 'prompt' or raise 'max_length' (up to the model's context size).");
      }
    } catch (IOException x) {
      throw UserErrors.of(
          "Cannot read " + layout.tokenizer() + ".",
          x.getMessage(),
          "Use the tokenizer.json of the export.");
    }
  }

  /**
   * The pool as shipped to executors: usable rows only (text and label present), embedded for knn.
   */
  private static Demonstrations demonstrations(
      Labelers.PoolData pool,
      List<String> labels,
      String selection,
      int k,
      long seed,
      EncoderSettings enc) {
    if (pool == null) {
      return new Demonstrations(
          selection, 0, seed, new String[0], new String[0], new int[0], labels, null);
    }
    var data = pool.data().filter("text is not null and trim(text) != '' and label is not null");
    List<Row> rows;
    int vi = -1;
    if (enc != null) {
      var emb = EmbedStep.apply(data.select("id", "text", "label"), "text", enc);
      rows =
          emb.filter(emb.col("error").isNull())
              .select("id", "text", "label", "vector")
              .orderBy("id")
              .collectAsList();
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
