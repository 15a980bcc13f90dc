package dev.slimspark.jobs.label;

import static dev.slimspark.jobs.label.LabelOptions.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slimspark.config.DefaultsFile;
import dev.slimspark.config.SlimConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link LabelOptions}' DEFAULT_ constants are the {@code label} section of
 * slimspark-defaults.conf.
 */
class LabelOptionsDefaultsTest {
  @Test
  void everyKeyOfTheSectionHasItsConstant() {
    Map<String, Object> constants = new HashMap<>();
    constants.put("input", DEFAULT_INPUT);
    constants.put("id_column", DEFAULT_ID_COLUMN);
    constants.put("text_column", DEFAULT_TEXT_COLUMN);
    constants.put("encoding", DEFAULT_ENCODING);
    constants.put("duplicate_ids", DEFAULT_DUPLICATE_IDS);
    constants.put("labelers", DEFAULT_LABELERS);
    constants.put("encoder", DEFAULT_ENCODER);
    constants.put("max_length", DEFAULT_MAX_LENGTH);
    constants.put("batch_size", DEFAULT_BATCH_SIZE);
    constants.put("partitions", DEFAULT_PARTITIONS);
    constants.put("commit_every_rows", DEFAULT_COMMIT_EVERY_ROWS);
    DefaultsFile.assertConstantsMatch("label", KEYS, constants);
  }

  @Test
  void theOptionsReadFromTheDefaultsFileAreTheDefaults() {
    assertEquals(LabelOptions.defaults(), LabelOptions.from(SlimConfig.load(null, List.of())));
  }

  @Test
  void anEntryLeavingKeysOutTakesTheTypeDefaultsAndTheLabelSection() {
    SlimConfig c =
        SlimConfig.load(
            null,
            List.of(
                "label.max_length=128",
                "label.labelers=[{type = \"k-shot\", model = m}, {type = \"knn-vote\", pool = p}, {type = \"fine-tuned\", model = f}]"));
    List<LabelerOptions> entries = LabelOptions.from(c).labelers();
    KShotOptions k = (KShotOptions) entries.get(0);
    assertEquals(KShotOptions.DEFAULT_PROMPT, k.prompt());
    assertEquals(KShotOptions.DEFAULT_K, k.k());
    assertEquals(KShotOptions.DEFAULT_BATCH_SIZE, k.batchSize());
    assertEquals(KShotOptions.DEFAULT_MAX_LENGTH, k.maxLength());
    assertEquals(128, k.encoderMaxLength());
    assertEquals(DEFAULT_BATCH_SIZE, k.encoderBatchSize());
    assertEquals(DEFAULT_ID_COLUMN, k.pool().idColumn());
    LabelerOptions.KnnVote knn = (LabelerOptions.KnnVote) entries.get(1);
    assertEquals(LabelerOptions.KnnVote.DEFAULT_K, knn.k());
    assertEquals(DEFAULT_ENCODER, knn.encoder());
    assertEquals(new LabelerOptions.FineTuned("f", 128, DEFAULT_BATCH_SIZE), entries.get(2));
  }
}
