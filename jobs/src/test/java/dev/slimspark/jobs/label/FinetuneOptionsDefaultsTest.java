package dev.slimspark.jobs.label;

import static dev.slimspark.jobs.label.FinetuneOptions.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slimspark.config.DefaultsFile;
import dev.slimspark.config.SlimConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link FinetuneOptions}' DEFAULT_ constants are the {@code finetune} section of
 * slimspark-defaults.conf.
 */
class FinetuneOptionsDefaultsTest {
  @Test
  void everyKeyOfTheSectionHasItsConstant() {
    Map<String, Object> constants = new java.util.HashMap<>();
    constants.put("input", DEFAULT_INPUT);
    constants.put("id_column", DEFAULT_ID_COLUMN);
    constants.put("text_column", DEFAULT_TEXT_COLUMN);
    constants.put("label_column", DEFAULT_LABEL_COLUMN);
    constants.put("encoding", DEFAULT_ENCODING);
    constants.put("min_rows_per_class", DEFAULT_MIN_ROWS_PER_CLASS);
    constants.put("labels", DEFAULT_LABELS);
    constants.put("encoder", DEFAULT_ENCODER);
    constants.put("pooling", DEFAULT_POOLING);
    constants.put("lexical", DEFAULT_LEXICAL);
    constants.put("lexical_buckets", DEFAULT_LEXICAL_BUCKETS);
    constants.put("max_length", DEFAULT_MAX_LENGTH);
    constants.put("batch_size", DEFAULT_BATCH_SIZE);
    constants.put("output", DEFAULT_OUTPUT);
    constants.put("reg_param", DEFAULT_REG_PARAM);
    constants.put("elastic_net", DEFAULT_ELASTIC_NET);
    constants.put("max_iter", DEFAULT_MAX_ITER);
    constants.put("standardize", DEFAULT_STANDARDIZE);
    constants.put("class_weights", DEFAULT_CLASS_WEIGHTS);
    constants.put("holdout_fraction", DEFAULT_HOLDOUT_FRACTION);
    constants.put("seed", DEFAULT_SEED);
    constants.put("mode", DEFAULT_MODE);
    constants.put("epochs", DEFAULT_EPOCHS);
    constants.put("learning_rate", DEFAULT_LEARNING_RATE);
    constants.put("head_learning_rate", DEFAULT_HEAD_LEARNING_RATE);
    constants.put("warmup_fraction", DEFAULT_WARMUP_FRACTION);
    constants.put("weight_decay", DEFAULT_WEIGHT_DECAY);
    constants.put("train_batch_size", DEFAULT_TRAIN_BATCH_SIZE);
    constants.put("train_layers", DEFAULT_TRAIN_LAYERS);
    constants.put("patience", DEFAULT_PATIENCE);
    constants.put("threads", DEFAULT_THREADS);
    constants.put("max_grad_norm", DEFAULT_MAX_GRAD_NORM);
    constants.put("overlap.eval", DEFAULT_OVERLAP_EVAL);
    constants.put("overlap.threshold", DEFAULT_OVERLAP_THRESHOLD);
    constants.put("overlap.drop", DEFAULT_OVERLAP_DROP.configName());
    DefaultsFile.assertConstantsMatch("finetune", KEYS, constants);
  }

  @Test
  void theOptionsReadFromTheDefaultsFileAreTheDefaults() {
    assertEquals(
        FinetuneOptions.defaults(), FinetuneOptions.from(SlimConfig.load(null, List.of())));
  }
}
