package dev.slimspark.jobs.label;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.slimspark.errors.UserErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@value #FILE}: what {@code finetune} records about a model directory it wrote, so that loading
 * can tell it from a directory whose files were swapped or mixed: {@code format} ({@value
 * #FORMAT}), {@code format_version} ({@value #VERSION}), {@code labels} (id order), {@code
 * base_model} (the frozen encoder's spec), {@code model_version}, and {@code files}: the SHA-256
 * and size of model.onnx, tokenizer.json, config.json and head.json. Written last, so a directory
 * with a manifest is complete. Directories from slimspark versions before the manifest (config.json
 * with the finetune architecture, no manifest) still load, with a warning and without the
 * fingerprint check; HuggingFace exports have no manifest and get the graph check only.
 */
final class ModelManifest {
  private static final Logger LOG = LoggerFactory.getLogger(ModelManifest.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  static final String FILE = "slimspark-model.json";
  static final String FORMAT = "slimspark-finetuned-classifier";

  /** Bumped when the directory layout changes incompatibly; loading refuses newer versions. */
  static final int VERSION = 1;

  static final List<String> FILES =
      List.of("model.onnx", "tokenizer.json", "config.json", "head.json");

  private ModelManifest() {}

  /** Writes the manifest of the files now in {@code dir}. */
  static void write(Path dir, List<String> labels, String baseModel, String modelVersion)
      throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("format_version", VERSION);
    m.put("labels", labels);
    m.put("base_model", baseModel);
    m.put("model_version", modelVersion);
    Map<String, Object> files = new LinkedHashMap<>();
    for (String f : FILES) {
      Path p = dir.resolve(f);
      files.put(f, Map.of("sha256", Fingerprint.file(p), "bytes", Files.size(p)));
    }
    m.put("files", files);
    JSON.writeValue(dir.resolve(FILE).toFile(), m);
  }

  /**
   * Checks {@code dir} against its manifest: known format and version, the same labels as
   * config.json, and every listed file present with its recorded SHA-256. Without a manifest: a
   * warning when {@code finetuneWrote} (an earlier slimspark), else nothing (a HuggingFace export).
   */
  static void verify(Path dir, List<String> labels, boolean finetuneWrote) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      if (finetuneWrote) {
        LOG.warn(
            "{} has no {}: written by a slimspark before model manifests; its files cannot be checked against"
                + " fingerprints. Re-run finetune to write one.",
            dir,
            FILE);
      }
      return;
    }
    JsonNode m = JSON.readTree(file.toFile());
    String rerun =
        "Re-run `slimspark finetune` to write the model directory again, or restore its original files.";
    if (!FORMAT.equals(m.path("format").asText())) {
      throw UserErrors.of(
          file + " is not a slimspark model manifest (format '" + m.path("format").asText() + "').",
          "Its 'format' must be " + FORMAT + ".",
          rerun);
    }
    int v = m.path("format_version").asInt(-1);
    if (v < 1 || v > VERSION) {
      throw UserErrors.of(
          dir
              + " has model format version "
              + v
              + "; this slimspark reads versions 1.."
              + VERSION
              + ".",
          "The directory was written by another (newer) slimspark.",
          "Label with that slimspark version, or " + rerun);
    }
    List<String> recorded = new ArrayList<>();
    m.path("labels").forEach(n -> recorded.add(n.asText()));
    if (!recorded.equals(labels)) {
      throw UserErrors.of(
          dir
              + "/config.json's labels "
              + labels
              + " differ from those finetune recorded "
              + recorded
              + ".",
          "config.json was edited or replaced after finetune wrote the directory.",
          rerun);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = m.path("files").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Path p = dir.resolve(e.getKey());
      String want = e.getValue().path("sha256").asText();
      if (!Files.isRegularFile(p)) {
        throw UserErrors.of(
            "Model file " + p + " is missing.", FILE + " lists it as part of the model.", rerun);
      }
      if (!Fingerprint.file(p).equals(want)) {
        throw UserErrors.of(
            p
                + " is not the file finetune wrote: its SHA-256 differs from the one in "
                + FILE
                + ".",
            "The file was modified or replaced (e.g. by another model's file) after finetune wrote the directory.",
            rerun);
      }
    }
  }
}
