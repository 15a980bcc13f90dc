package dev.slimspark.jobs.label;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.udfs.djl.ModelDir;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fine-tuned classifier directory in the HuggingFace ONNX sequence-classification layout: {@code
 * model.onnx} (inputs input_ids, attention_mask[, token_type_ids]; output {@code logits}), {@code
 * tokenizer.json} and {@code config.json} with {@code id2label}. Scores = softmax(logits). The same
 * loader serves FinBERT-style exports (e.g. from Optimum) and the directories {@code finetune}
 * writes, whose model.onnx is the frozen encoder with the trained head appended to its graph ({@link
 * LinearHead}, {@code dev.slimspark.udfs.onnx.ClassifierGraph}); those also hold {@code head.json}
 * (the head's weights, for inspection and as the Java reference), which labeling does not need.
 */
public final class FineTunedModel implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Layout text for errors. */
  public static final String LAYOUT =
      "DIR/config.json (id2label) + DIR/model.onnx (logits output) + DIR/tokenizer.json "
          + "(HuggingFace ONNX sequence-classification export, or the output of `slimspark finetune`)";

  private final List<String> labels;
  private final String dir;
  private final int maxLength;
  private final String modelVersion;

  public FineTunedModel(List<String> labels, String dir, int maxLength, String modelVersion) {
    this.labels = List.copyOf(labels);
    this.dir = dir;
    this.maxLength = maxLength;
    this.modelVersion = modelVersion;
  }

  public List<String> labels() {
    return labels;
  }

  /** The model directory (model.onnx + tokenizer.json). */
  public String encoderSpec() {
    return dir;
  }

  public int maxLength() {
    return maxLength;
  }

  public String modelVersion() {
    return modelVersion;
  }

  /** Class probabilities from the model's logits. */
  public double[] scores(float[] logits) {
    double[] z = new double[labels.size()];
    for (int c = 0; c < z.length; c++) {
      z[c] = logits[c];
    }
    return softmax(z);
  }

  static double[] softmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] p = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      p[i] = Math.exp(z[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < z.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  /**
   * Writes the HuggingFace layout to {@code dir}: model.onnx (the encoder of {@code encoderDir} with
   * {@code head} appended), its tokenizer.json, config.json and head.json.
   */
  public static void write(
      Path dir, Path encoderDir, LinearHead head, int maxLength, String modelVersion, Map<String, Object> trainingInfo)
      throws IOException {
    Files.createDirectories(dir);
    byte[] onnx = head.toOnnx(Files.readAllBytes(ModelDir.onnxFile(encoderDir)));
    Path tmp = Files.createTempFile(dir, "model.onnx", ".part");
    Files.write(tmp, onnx);
    Files.move(tmp, dir.resolve("model.onnx"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.copy(ModelDir.tokenizerFile(encoderDir), dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
    new ObjectMapper().writeValue(dir.resolve("head.json").toFile(), head.toJson());
    List<String> labels = head.labels();
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("architectures", List.of("SlimsparkFrozenEncoderLinearHead"));
    Map<String, String> id2label = new LinkedHashMap<>();
    Map<String, Integer> label2id = new LinkedHashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      id2label.put(String.valueOf(i), labels.get(i));
      label2id.put(labels.get(i), i);
    }
    cfg.put("id2label", id2label);
    cfg.put("label2id", label2id);
    cfg.put("problem_type", "single_label_classification");
    cfg.put("pooling", head.pooling());
    cfg.put("normalize", true);
    cfg.put("token_ngrams", head.ngrams() == null ? null
        : Map.of("vocab", head.ngrams().vocab(), "bigram_buckets", head.ngrams().buckets()));
    cfg.put("max_length", maxLength);
    cfg.put("hidden_size", head.hidden());
    cfg.put("model_version", modelVersion);
    cfg.put("training", trainingInfo);
    JSON.writeValue(dir.resolve("config.json").toFile(), cfg);
  }

  /** Loads a model directory; a missing file is a user error naming it and the expected layouts. */
  public static FineTunedModel load(String dirSpec, int defaultMaxLength) {
    Path dir = Path.of(dirSpec).toAbsolutePath();
    Path cfgFile = dir.resolve("config.json");
    if (!Files.isRegularFile(cfgFile)) {
      throw missing(cfgFile);
    }
    try {
      JsonNode cfg = JSON.readTree(cfgFile.toFile());
      JsonNode id2label = cfg.get("id2label");
      if (id2label == null || !id2label.isObject() || id2label.size() == 0) {
        throw UserErrors.of(
            cfgFile + " has no id2label.", "Labels are read from config.json's id2label {\"0\": \"name\", ...}.",
            "Add id2label to config.json (" + LAYOUT + ").");
      }
      List<String> labels = new ArrayList<>();
      for (int i = 0; i < id2label.size(); i++) {
        JsonNode n = id2label.get(String.valueOf(i));
        if (n == null) {
          throw UserErrors.of(cfgFile + ": id2label lacks id " + i + ".", "Ids must be 0..n-1.", "Fix config.json.");
        }
        labels.add(n.asText());
      }
      int maxLength = cfg.has("max_length") ? cfg.get("max_length").asInt() : defaultMaxLength;
      String version = cfg.has("model_version") ? cfg.get("model_version").asText() : null;
      Path onnx = dir.resolve("model.onnx");
      if (!Files.isRegularFile(onnx) && !Files.isRegularFile(dir.resolve("onnx/model.onnx"))) {
        throw missing(onnx);
      }
      if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
        throw missing(dir.resolve("tokenizer.json"));
      }
      return new FineTunedModel(labels, dir.toString(), maxLength, version);
    } catch (IOException e) {
      throw UserErrors.of("Cannot read the model directory " + dir + ".", e.getMessage(), "Check the files (" + LAYOUT + ").");
    }
  }

  static dev.slimspark.errors.UserError missing(Path file) {
    return UserErrors.of(
        "Model file not found: " + file + ".",
        "A fine-tuned model directory must hold " + LAYOUT + ".",
        "Run `slimspark finetune` to write one, or point the labeler's model key at the right directory.");
  }
}
