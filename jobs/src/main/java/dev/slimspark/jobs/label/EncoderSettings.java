package dev.slimspark.jobs.label;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.udfs.djl.ModelDir;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * How tasks run an encoder: model spec (local directory or {@code builtin:} name), max tokens per
 * text, texts per forward pass, whether the graph outputs classifier logits instead of hidden
 * states, and how hidden states are pooled into an embedding ("mean" or "cls"). Serializable:
 * shipped to executors, which resolve the spec locally (a local directory must exist at the same
 * path on every executor, e.g. on a shared filesystem).
 */
public record EncoderSettings(
    String spec, int maxLength, int batchSize, boolean logits, String pooling)
    implements Serializable {
  /** Mean pooling. */
  public EncoderSettings(String spec, int maxLength, int batchSize, boolean logits) {
    this(spec, maxLength, batchSize, logits, "mean");
  }

  public EncoderSettings {
    if (!pooling.equals("mean") && !pooling.equals("cls")) {
      throw UserErrors.badConfigValue("pooling", pooling, "mean or cls");
    }
    if (maxLength < 2) {
      throw UserErrors.badConfigValue(
          "max_length", String.valueOf(maxLength), "at least 2 (CLS and SEP)");
    }
    if (batchSize < 1) {
      throw UserErrors.badConfigValue("batch_size", String.valueOf(batchSize), "at least 1");
    }
  }

  /** Resolves and checks the model files on the driver, as a user error naming the missing file. */
  public Path validate() {
    try {
      Path dir = ModelDir.resolve(spec);
      ModelDir.validate(dir);
      return dir;
    } catch (ModelDir.MissingModelFileException e) {
      throw missing(e);
    }
  }

  static dev.slimspark.errors.UserError missing(ModelDir.MissingModelFileException e) {
    return UserErrors.of(
        "Model file not found: " + e.missing() + ".",
        "A model directory must hold " + e.layout() + ".",
        "Point the model/encoder key at a directory with that layout (e.g. the output of `slimspark finetune`), or use "
            + ModelDir.BUILTIN_MINILM
            + ".");
  }
}
