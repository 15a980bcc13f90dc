package dev.slimspark.jobs.label;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.udfs.djl.ModelDir;
import dev.slimspark.udfs.onnx.OnnxModelInfo;
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
 * writes, whose model.onnx is the frozen encoder with the trained head appended to its graph
 * ({@link LinearHead}, {@code dev.slimspark.udfs.onnx.ClassifierGraph}); those also hold {@code
 * head.json} (the head's weights, for inspection and as the Java reference), which labeling does
 * not need, and the manifest {@link ModelManifest}. Loading checks the directory before any task
 * runs: the manifest's fingerprints when there is one, and always that the graph outputs {@code
 * logits} of shape [batch, number of labels] ({@link #checkLogits}); reading the graph's outputs
 * costs one read of model.onnx on the driver (its size in heap, briefly).
 */
public final class FineTunedModel implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Layout text for errors. */
  public static final String LAYOUT =
      "DIR/config.json (id2label) + DIR/model.onnx (logits output) + DIR/tokenizer.json "
          + "(HuggingFace ONNX sequence-classification export, or the output of `slimspark finetune`)";

  /** config.json's architectures entry in the directories finetune writes (every version). */
  static final String ARCHITECTURE = "SlimsparkFrozenEncoderLinearHead";

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
   * Writes the HuggingFace layout to {@code dir}: model.onnx (the encoder of {@code encoderDir}
   * with {@code head} appended), its tokenizer.json, config.json, head.json and last the manifest
   * ({@link ModelManifest}: format version, labels, base model, SHA-256 of each file). Files get
   * the process's default permissions (umask), so other users may read a shared model.
   */
  public static void write(
      Path dir,
      Path encoderDir,
      LinearHead head,
      int maxLength,
      String modelVersion,
      Map<String, Object> trainingInfo)
      throws IOException {
    write(
        dir,
        Files.readAllBytes(ModelDir.onnxFile(encoderDir)),
        ModelDir.tokenizerFile(encoderDir),
        head,
        maxLength,
        modelVersion,
        trainingInfo);
  }

  /** As above, with the encoder graph's bytes (a trained encoder) and its tokenizer.json. */
  static void write(
      Path dir,
      byte[] encoderOnnx,
      Path tokenizer,
      LinearHead head,
      int maxLength,
      String modelVersion,
      Map<String, Object> trainingInfo)
      throws IOException {
    Files.createDirectories(dir);
    byte[] onnx = head.toOnnx(encoderOnnx);
    // Not Files.createTempFile: it creates the file with mode 0600.
    Path tmp = dir.resolve("model.onnx." + java.util.UUID.randomUUID() + ".part");
    Files.write(tmp, onnx);
    Files.move(
        tmp,
        dir.resolve("model.onnx"),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    Files.copy(tokenizer, dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
    new ObjectMapper().writeValue(dir.resolve("head.json").toFile(), head.toJson());
    JSON.writeValue(
        dir.resolve("config.json").toFile(), config(head, maxLength, modelVersion, trainingInfo));
    Object base = trainingInfo.get("encoder");
    ModelManifest.write(
        dir, head.labels(), base == null ? null : String.valueOf(base), modelVersion);
  }

  /**
   * As {@link #write}, but into a fresh sibling directory that then replaces {@code dir} whole: a
   * re-run never leaves old files beside new ones, and a failed write leaves {@code dir} as it was.
   * {@code dir} must be absent, empty or a model directory ({@link #checkOutput}).
   */
  public static void writeReplacing(
      Path dir,
      Path encoderDir,
      LinearHead head,
      int maxLength,
      String modelVersion,
      Map<String, Object> trainingInfo)
      throws IOException {
    writeReplacing(
        dir,
        Files.readAllBytes(ModelDir.onnxFile(encoderDir)),
        ModelDir.tokenizerFile(encoderDir),
        head,
        maxLength,
        modelVersion,
        trainingInfo);
  }

  /** As above, with the encoder graph's bytes and its tokenizer.json. */
  static void writeReplacing(
      Path dir,
      byte[] encoderOnnx,
      Path tokenizer,
      LinearHead head,
      int maxLength,
      String modelVersion,
      Map<String, Object> trainingInfo)
      throws IOException {
    Path parent = dir.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    String tag = java.util.UUID.randomUUID().toString();
    Path part = parent.resolve("." + dir.getFileName() + ".part-" + tag);
    try {
      write(part, encoderOnnx, tokenizer, head, maxLength, modelVersion, trainingInfo);
      if (Files.exists(dir)) {
        Path old = parent.resolve("." + dir.getFileName() + ".old-" + tag);
        Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(part, dir, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
      } else {
        Files.move(part, dir, StandardCopyOption.ATOMIC_MOVE);
      }
    } finally {
      deleteTree(part);
    }
  }

  /**
   * Refuses {@code finetune.output} values that would mix a new model with unrelated files: an
   * existing path must be an empty directory or one that finetune wrote (a manifest, or an earlier
   * version's config.json); anything else is a user error listing what is there.
   */
  public static void checkOutput(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    if (!Files.isDirectory(dir)) {
      throw UserErrors.of(
          "finetune.output " + dir + " is a file, not a directory.",
          "finetune writes a model directory there.",
          "Point finetune.output at a new or empty directory.");
    }
    List<String> names = new ArrayList<>();
    try (java.util.stream.Stream<Path> s = Files.list(dir)) {
      s.map(p -> p.getFileName().toString()).sorted().forEach(names::add);
    } catch (IOException e) {
      throw UserErrors.of(
          "Cannot read finetune.output " + dir + ".",
          e.getMessage(),
          "Check the path and its permissions.");
    }
    if (names.isEmpty()
        || names.contains(ModelManifest.FILE)
        || writtenByFinetune(dir.resolve("config.json"))) {
      return;
    }
    throw UserErrors.of(
        "finetune.output " + dir + " is not empty and is not a model directory finetune wrote.",
        "It holds "
            + String.join(", ", names.subList(0, Math.min(10, names.size())))
            + (names.size() > 10 ? ", ..." : "")
            + "; writing the model there would mix its files with these (finetune replaces only its own directories).",
        "Point finetune.output at a new or empty directory, or move the files away.");
  }

  /** True when {@code cfg} is a config.json that finetune wrote (any version). */
  static boolean writtenByFinetune(Path cfg) {
    try {
      JsonNode n = Files.isRegularFile(cfg) ? JSON.readTree(cfg.toFile()) : null;
      return n != null && n.path("architectures").toString().contains(ARCHITECTURE);
    } catch (IOException e) {
      return false;
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (java.util.stream.Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }

  private static Map<String, Object> config(
      LinearHead head, int maxLength, String modelVersion, Map<String, Object> trainingInfo) {
    List<String> labels = head.labels();
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("architectures", List.of(ARCHITECTURE));
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
    cfg.put(
        "token_ngrams",
        head.ngrams() == null
            ? null
            : Map.of("vocab", head.ngrams().vocab(), "bigram_buckets", head.ngrams().buckets()));
    cfg.put("max_length", maxLength);
    cfg.put("hidden_size", head.hidden());
    cfg.put("model_version", modelVersion);
    cfg.put("training", trainingInfo);
    return cfg;
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
            cfgFile + " has no id2label.",
            "Labels are read from config.json's id2label {\"0\": \"name\", ...}.",
            "Add id2label to config.json (" + LAYOUT + ").");
      }
      List<String> labels = new ArrayList<>();
      for (int i = 0; i < id2label.size(); i++) {
        JsonNode n = id2label.get(String.valueOf(i));
        if (n == null) {
          throw UserErrors.of(
              cfgFile + ": id2label lacks id " + i + ".",
              "Ids must be 0..n-1.",
              "Fix config.json.");
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
      ModelManifest.verify(dir, labels, writtenByFinetune(cfgFile));
      checkLogits(ModelDir.onnxFile(dir), labels);
      return new FineTunedModel(labels, dir.toString(), maxLength, version);
    } catch (IOException e) {
      throw UserErrors.of(
          "Cannot read the model directory " + dir + ".",
          e.getMessage(),
          "Check the files (" + LAYOUT + ").");
    }
  }

  /**
   * The graph must output {@code logits} of shape [batch, number of labels]: a plain encoder (whose
   * hidden states would be read as scores) or a classifier with another label count is refused. A
   * dimension the graph leaves symbolic cannot be checked here.
   */
  static void checkLogits(Path onnx, List<String> labels) throws IOException {
    OnnxModelInfo info;
    try {
      info = OnnxModelInfo.read(onnx);
    } catch (IllegalArgumentException e) {
      throw UserErrors.of(
          onnx + " is not a readable ONNX model.",
          e.getMessage(),
          "Re-run `slimspark finetune`, or export the classifier again (" + LAYOUT + ").");
    }
    List<Long> shape = info.outputShape("logits");
    String fix =
        "Point the labeler's model at a sequence-classification model directory ("
            + LAYOUT
            + "); never combine model.onnx and config.json from different models.";
    if (shape == null) {
      throw UserErrors.of(
          onnx
              + " has no 'logits' output: it is not a classifier (outputs: "
              + info.outputs()
              + ").",
          "A fine-tuned model's graph must end in a classification head with output 'logits' [batch, "
              + labels.size()
              + "] for config.json's "
              + labels.size()
              + " labels; a plain encoder outputs hidden states.",
          fix);
    }
    boolean rankOk = shape.isEmpty() || shape.size() == 2;
    long classes = shape.isEmpty() ? OnnxModelInfo.UNKNOWN_DIM : shape.get(shape.size() - 1);
    if (!rankOk || (classes != OnnxModelInfo.UNKNOWN_DIM && classes != labels.size())) {
      throw UserErrors.of(
          onnx
              + "'s 'logits' output has shape "
              + shape
              + ", but config.json names "
              + labels.size()
              + " labels "
              + labels
              + ".",
          "The graph and config.json belong to different models (or the export is not a sequence classifier).",
          fix);
    }
  }

  static dev.slimspark.errors.UserError missing(Path file) {
    return UserErrors.of(
        "Model file not found: " + file + ".",
        "A fine-tuned model directory must hold " + LAYOUT + ".",
        "Run `slimspark finetune` to write one, or point the labeler's model key at the right directory.");
  }
}
