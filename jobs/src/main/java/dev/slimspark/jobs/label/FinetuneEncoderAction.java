package dev.slimspark.jobs.label;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.udfs.bert.BertEncoder;
import dev.slimspark.udfs.bert.BertWeights;
import dev.slimspark.udfs.bert.Torch;
import dev.slimspark.udfs.djl.ModelDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Finetune's encoder mode ({@code finetune.mode = "encoder"}): the training rows (text not blank)
 * are read with Spark, split by the same seeded id hash as the head mode, brought to the driver (at
 * most {@link #MAX_ROWS}: training runs in the driver JVM, for labeled sets of thousands to tens of
 * thousands of texts), tokenized, and the encoder is trained with its head by {@link
 * EncoderTrainer}. The trained weights are written back into the encoder's own float ONNX graph, so
 * the model directory is the same layout as the head mode's and {@code label} runs it unchanged.
 */
final class FinetuneEncoderAction {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(FinetuneEncoderAction.class);

  /** Training rows the driver accepts (about 1 KB each with their tokens). */
  static final long MAX_ROWS = 200_000;

  /** What training produced, with the counts of the summary. */
  record Outcome(
      LinearHead head,
      byte[] onnx,
      Path tokenizer,
      String baseModel,
      List<String> labels,
      Map<String, Long> perClass,
      long usable,
      long trained,
      long heldOut,
      Metrics holdout,
      long tokens,
      long truncated,
      EncoderTrainer.Result result,
      Map<String, String> heldPredictions) {}

  private FinetuneEncoderAction() {}

  static Outcome train(Dataset<Row> data, FinetuneOptions o, String input, List<String> warnings) {
    List<String> labels = FinetuneAction.labelNames(data, o, input, warnings);
    double frac = o.holdoutFraction();
    Dataset<Row> rows =
        data.filter(col("text").rlike("\\S"))
            .withColumn("held", frac > 0 ? HeadFeatures.holdout(frac, o.seed()) : lit(false))
            .select("id", "text", "label", "held");
    long n = rows.count();
    LOG.info("finetune encoder: {} rows with text", n);
    if (n > MAX_ROWS) {
      throw UserErrors.of(
          input
              + " has "
              + n
              + " rows with text; finetune.mode = \"encoder\" trains on the driver.",
          "The encoder mode holds every training text in the driver JVM (at most "
              + MAX_ROWS
              + " rows).",
          "Sample the training data down, or use finetune.mode = \"head\" (trains on the cluster).");
    }
    String base = ModelDir.floatTwin(o.encoder());
    Path dir = ModelDir.resolve(base);
    byte[] model = readModel(dir);
    BertWeights weights = BertWeights.read(model);
    List<EncoderTrainer.Example> train = new ArrayList<>();
    List<EncoderTrainer.Example> held = new ArrayList<>();
    long[] stats = tokenize(rows.collectAsList(), dir, o.maxLength(), labels, train, held);
    LOG.info(
        "finetune encoder: {} training and {} held-out texts tokenized, {} tokens, {} truncated",
        train.size(),
        held.size(),
        stats[0],
        stats[1]);
    long[] perClass = new long[labels.size()];
    train.forEach(x -> perClass[x.label()]++);
    float[] cw = classWeights(perClass, o.balancedClassWeights());
    Torch.configure(o.training().threads());
    try (BertEncoder bert = newEncoder(weights, base)) {
      EncoderTrainer trainer =
          new EncoderTrainer(bert, o.training(), o.resolvedPooling(), labels.size(), cw);
      EncoderTrainer.Result r = trainer.fit(train, held, labels, o.seed());
      int[] pred = trainer.predict(held);
      long[][] cm = new long[labels.size()][labels.size()];
      Map<String, String> predictions = new LinkedHashMap<>();
      for (int i = 0; i < pred.length; i++) {
        cm[held.get(i).label()][pred[i]]++;
        predictions.put(held.get(i).id(), labels.get(pred[i]));
      }
      LinearHead head =
          new LinearHead(
              labels, o.resolvedPooling(), r.headWeights(), r.headBias(), null, null, null);
      Map<String, Long> pc = new LinkedHashMap<>();
      for (int i = 0; i < labels.size(); i++) {
        pc.put(labels.get(i), perClass[i]);
      }
      return new Outcome(
          head,
          weights.replaced(model, r.encoder()),
          ModelDir.tokenizerFile(dir),
          base,
          labels,
          pc,
          n,
          train.size(),
          held.size(),
          held.isEmpty() ? null : new Metrics(labels, cm),
          stats[0],
          stats[1],
          r,
          predictions);
    }
  }

  private static byte[] readModel(Path dir) {
    try {
      return Files.readAllBytes(ModelDir.onnxFile(dir));
    } catch (IOException e) {
      throw UserErrors.of(
          "Cannot read the encoder in " + dir + ".",
          e.getMessage(),
          "Check finetune.encoder and the file's permissions.");
    }
  }

  private static BertEncoder newEncoder(BertWeights weights, String base) {
    try {
      return new BertEncoder(weights, Device.cpu());
    } catch (IllegalArgumentException e) {
      throw UserErrors.of(
          "finetune.encoder " + base + " cannot be trained: " + e.getMessage() + ".",
          "finetune.mode = \"encoder\" needs a float32 BERT-family ONNX export (weights as"
              + " initializers); int8-quantized graphs have no float weights to train.",
          "Use finetune.encoder = \""
              + ModelDir.BUILTIN_BGE_SMALL
              + "\" (trained from its float32 twin) or a float32 export, or finetune.mode ="
              + " \"head\".");
    }
  }

  /** Tokenizes every row into train or held; returns {tokens, truncated texts}. */
  private static long[] tokenize(
      List<Row> rows,
      Path dir,
      int maxLength,
      List<String> labels,
      List<EncoderTrainer.Example> train,
      List<EncoderTrainer.Example> held) {
    long tokens = 0;
    long truncated = 0;
    try (HuggingFaceTokenizer tok =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(ModelDir.tokenizerFile(dir))
            .optTruncation(true)
            .optPadding(false)
            .optMaxLength(maxLength)
            .build()) {
      // Sorted by id: the order rows arrive in depends on partitioning, training must not.
      List<Row> sorted = new ArrayList<>(rows);
      sorted.sort(java.util.Comparator.comparing(r -> r.getString(0)));
      for (Row r : sorted) {
        Encoding e = tok.encode(r.getString(1));
        int label = labels.indexOf(LabeledData.canonical(r.getString(2), labels));
        EncoderTrainer.Example x = new EncoderTrainer.Example(r.getString(0), e.getIds(), label);
        (r.getBoolean(3) ? held : train).add(x);
        tokens += e.getIds().length;
        truncated += e.exceedMaxLength() ? 1 : 0;
      }
    } catch (IOException e) {
      throw UserErrors.of(
          "Cannot read the encoder's tokenizer.json in " + dir + ".",
          e.getMessage(),
          "Point finetune.encoder at a directory with a HuggingFace tokenizer.json.");
    }
    return new long[] {tokens, truncated};
  }

  /** "balanced": class k weighs n / (classes present * n_k); else 1. */
  static float[] classWeights(long[] perClass, boolean balanced) {
    long n = java.util.Arrays.stream(perClass).sum();
    long present = java.util.Arrays.stream(perClass).filter(x -> x > 0).count();
    float[] w = new float[perClass.length];
    for (int k = 0; k < w.length; k++) {
      w[k] = balanced && perClass[k] > 0 ? (float) n / (present * perClass[k]) : 1f;
    }
    return w;
  }
}
