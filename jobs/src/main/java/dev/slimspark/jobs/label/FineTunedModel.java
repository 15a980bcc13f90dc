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
 * A fine-tuned classifier directory, in one of two layouts:
 *
 * <ul>
 *   <li><b>slimspark head</b> (written by {@code finetune}): {@code config.json} (HuggingFace-style
 *       {@code id2label}/{@code label2id}, plus pooling, max length, model version), {@code
 *       head.json} (linear head: {@code weights[class][dim]}, {@code bias[class]}, {@code labels})
 *       and {@code encoder/} (a copy of the frozen encoder: model.onnx + tokenizer.json), so the
 *       directory is self-contained. Scores = softmax(W · meanpool_l2(encoder(text)) + b).
 *   <li><b>HuggingFace ONNX sequence classification</b> (e.g. an Optimum export): {@code
 *       model.onnx} with a {@code logits} output, {@code tokenizer.json} and {@code config.json}
 *       with {@code id2label}. Scores = softmax(logits).
 * </ul>
 */
public final class FineTunedModel implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Layout text for errors. */
  public static final String LAYOUT =
      "either DIR/config.json (id2label) + DIR/head.json + DIR/encoder/{model.onnx,tokenizer.json} (slimspark finetune), "
          + "or DIR/config.json (id2label) + DIR/model.onnx (logits output) + DIR/tokenizer.json (HuggingFace ONNX export)";

  private final List<String> labels;
  /** Null for the HuggingFace layout (the graph has the head). */
  private final float[][] weights;
  private final float[] bias;
  private final String encoderSpec;
  private final int maxLength;
  private final String modelVersion;

  public FineTunedModel(
      List<String> labels, float[][] weights, float[] bias, String encoderSpec, int maxLength, String modelVersion) {
    this.labels = List.copyOf(labels);
    this.weights = weights;
    this.bias = bias;
    this.encoderSpec = encoderSpec;
    this.maxLength = maxLength;
    this.modelVersion = modelVersion;
  }

  public List<String> labels() {
    return labels;
  }

  public boolean hasHead() {
    return weights != null;
  }

  public float[][] weights() {
    return weights;
  }

  public float[] bias() {
    return bias;
  }

  /** The encoder directory: DIR/encoder for the head layout, DIR itself for a HF export. */
  public String encoderSpec() {
    return encoderSpec;
  }

  public int maxLength() {
    return maxLength;
  }

  public String modelVersion() {
    return modelVersion;
  }

  /** Class probabilities for a pooled embedding (head layout) or raw logits (HF layout). */
  public double[] scores(float[] x) {
    double[] z = new double[labels.size()];
    if (weights == null) {
      for (int c = 0; c < z.length; c++) {
        z[c] = x[c];
      }
    } else {
      for (int c = 0; c < z.length; c++) {
        double s = bias[c];
        float[] w = weights[c];
        for (int k = 0; k < w.length; k++) {
          s += w[k] * x[k];
        }
        z[c] = s;
      }
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

  /** Writes the head layout to {@code dir}, copying the encoder files from {@code encoderDir}. */
  public static void write(
      Path dir, Path encoderDir, List<String> labels, float[][] w, float[] b, int maxLength, String modelVersion,
      Map<String, Object> trainingInfo) throws IOException {
    Files.createDirectories(dir.resolve("encoder"));
    Files.copy(ModelDir.onnxFile(encoderDir), dir.resolve("encoder/model.onnx"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(ModelDir.tokenizerFile(encoderDir), dir.resolve("encoder/tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
    Map<String, Object> head = new LinkedHashMap<>();
    head.put("labels", labels);
    head.put("weights", w);
    head.put("bias", b);
    JSON.writeValue(dir.resolve("head.json").toFile(), head);
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("architectures", List.of("SlimsparkMeanPoolLinearHead"));
    Map<String, String> id2label = new LinkedHashMap<>();
    Map<String, Integer> label2id = new LinkedHashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      id2label.put(String.valueOf(i), labels.get(i));
      label2id.put(labels.get(i), i);
    }
    cfg.put("id2label", id2label);
    cfg.put("label2id", label2id);
    cfg.put("encoder", "encoder");
    cfg.put("pooling", "mean");
    cfg.put("normalize", true);
    cfg.put("max_length", maxLength);
    cfg.put("hidden_size", w.length == 0 ? 0 : w[0].length);
    cfg.put("model_version", modelVersion);
    cfg.put("training", trainingInfo);
    JSON.writeValue(dir.resolve("config.json").toFile(), cfg);
  }

  /** Loads either layout; a missing file is a user error naming it and the expected layouts. */
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
      Path headFile = dir.resolve("head.json");
      if (Files.isRegularFile(headFile)) {
        Path enc = dir.resolve(cfg.has("encoder") ? cfg.get("encoder").asText() : "encoder");
        for (Path need : List.of(enc.resolve("model.onnx"), enc.resolve("tokenizer.json"))) {
          if (!Files.isRegularFile(need)) {
            throw missing(need);
          }
        }
        JsonNode head = JSON.readTree(headFile.toFile());
        float[][] w = JSON.treeToValue(head.get("weights"), float[][].class);
        float[] b = JSON.treeToValue(head.get("bias"), float[].class);
        if (w == null || b == null || w.length != labels.size() || b.length != labels.size()) {
          throw UserErrors.of(
              headFile + " does not match config.json.",
              "head.json needs weights[" + labels.size() + "][dim] and bias[" + labels.size() + "] (one row per id2label entry).",
              "Re-run `slimspark finetune` to rewrite the model directory.");
        }
        return new FineTunedModel(labels, w, b, enc.toString(), maxLength, version);
      }
      Path onnx = dir.resolve("model.onnx");
      if (!Files.isRegularFile(onnx) && !Files.isRegularFile(dir.resolve("onnx/model.onnx"))) {
        throw missing(onnx);
      }
      if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
        throw missing(dir.resolve("tokenizer.json"));
      }
      return new FineTunedModel(labels, null, null, dir.toString(), maxLength, version);
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
