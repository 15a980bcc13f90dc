package dev.slimspark.jobs.label;

import static dev.slimspark.jobs.label.EvaluateOptions.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slimspark.config.DefaultsFile;
import dev.slimspark.config.SlimConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link EvaluateOptions}' DEFAULT_ constants are the {@code evaluate} section of
 * slimspark-defaults.conf.
 */
class EvaluateOptionsDefaultsTest {
  @Test
  void everyKeyOfTheSectionHasItsConstant() {
    Map<String, Object> constants = new HashMap<>();
    constants.put("gold", DEFAULT_GOLD);
    constants.put("gold_id_column", DEFAULT_GOLD_ID_COLUMN);
    constants.put("gold_text_column", DEFAULT_GOLD_TEXT_COLUMN);
    constants.put("gold_label_column", DEFAULT_GOLD_LABEL_COLUMN);
    constants.put("gold_encoding", DEFAULT_GOLD_ENCODING);
    constants.put("min_matched_share", DEFAULT_MIN_MATCHED_SHARE);
    constants.put("labels", DEFAULT_LABELS);
    constants.put("labelers", DEFAULT_LABELERS);
    constants.put("overlap.train", DEFAULT_OVERLAP_TRAIN);
    constants.put("overlap.threshold", DEFAULT_OVERLAP_THRESHOLD);
    DefaultsFile.assertConstantsMatch("evaluate", KEYS, constants);
  }

  @Test
  void theOptionsReadFromTheDefaultsFileAreTheDefaults() {
    assertEquals(
        EvaluateOptions.defaults(), EvaluateOptions.from(SlimConfig.load(null, List.of())));
  }
}
