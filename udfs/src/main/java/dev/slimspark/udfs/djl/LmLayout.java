package dev.slimspark.udfs.djl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Files of a language-model directory as HuggingFace optimum exports them ({@code optimum-cli
 * export onnx}): decoder-only = {@code model.onnx} (or {@code decoder_model.onnx}, or {@code
 * decoder_model_merged.onnx}); encoder-decoder (T5 family) = {@code encoder_model.onnx} + {@code
 * decoder_model.onnx} (or the merged decoder). Both need {@code tokenizer.json} and {@code
 * config.json}. The kind is decided by the presence of {@code encoder_model.onnx}.
 */
public record LmLayout(
    Path dir, boolean encoderDecoder, Path encoder, Path decoder, Path tokenizer, JsonNode config) {
  /** Expected layout, for error messages. */
  public static final String LAYOUT =
      "decoder-only: DIR/model.onnx (or decoder_model.onnx), DIR/tokenizer.json, DIR/config.json; "
          + "encoder-decoder (Flan-T5): DIR/encoder_model.onnx + DIR/decoder_model.onnx, DIR/tokenizer.json, "
          + "DIR/config.json (what `optimum-cli export onnx` writes)";

  /**
   * Reads the layout of {@code dir}; a missing file is a {@link ModelDir.MissingModelFileException}
   * naming it.
   */
  public static LmLayout of(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ModelDir.MissingModelFileException(dir.toAbsolutePath().toString(), LAYOUT);
    }
    Path tok = require(dir.resolve("tokenizer.json"));
    Path cfg = require(dir.resolve("config.json"));
    JsonNode config;
    try {
      config = new ObjectMapper().readTree(cfg.toFile());
    } catch (IOException e) {
      throw new ModelDir.MissingModelFileException(
          cfg + " (not valid JSON: " + e.getMessage() + ")", LAYOUT);
    }
    Path enc = dir.resolve("encoder_model.onnx");
    if (Files.isRegularFile(enc)) {
      return new LmLayout(
          dir,
          true,
          enc,
          first(dir, "decoder_model.onnx", "decoder_model_merged.onnx"),
          tok,
          config);
    }
    return new LmLayout(
        dir,
        false,
        null,
        first(dir, "model.onnx", "decoder_model.onnx", "decoder_model_merged.onnx"),
        tok,
        config);
  }

  /**
   * Every file whose bytes change the model's output (for fingerprints); external weights included.
   */
  public List<Path> files() throws IOException {
    List<Path> out = new ArrayList<>();
    if (encoder != null) {
      out.add(encoder);
    }
    out.add(decoder);
    out.add(tokenizer);
    out.add(dir.resolve("config.json"));
    try (var s = Files.list(dir)) {
      // Graphs over 2 GB keep weights in side files (model.onnx_data, model.onnx.data).
      s.filter(p -> p.getFileName().toString().matches(".*\\.onnx[._]data"))
          .sorted()
          .forEach(out::add);
    }
    return out;
  }

  private static Path require(Path p) {
    if (!Files.isRegularFile(p)) {
      throw new ModelDir.MissingModelFileException(p.toString(), LAYOUT);
    }
    return p;
  }

  private static Path first(Path dir, String... names) {
    for (String n : names) {
      if (Files.isRegularFile(dir.resolve(n))) {
        return dir.resolve(n);
      }
    }
    throw new ModelDir.MissingModelFileException(dir.resolve(names[0]).toString(), LAYOUT);
  }

  /** An integer from config.json, or {@code dflt}. */
  int configInt(String key, int dflt) {
    JsonNode n = config.get(key);
    return n != null && n.canConvertToInt() ? n.asInt() : dflt;
  }
}
