package dev.slimspark.jobs.dedup;

import static dev.slimspark.jobs.dedup.DedupOptions.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slimspark.config.DefaultsFile;
import dev.slimspark.config.SlimConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link DedupOptions#defaults()} (what step-level tests use) must be what the product runs with
 * {@code slimspark-defaults.conf}: once the constants said 0.5/0.5 error weights while the file
 * said 0.2/0.8, so tests exercised another LSH banding than users got.
 */
class DedupOptionsDefaultsTest {
  @Test
  void constantsMatchTheDefaultsFile() {
    DedupOptions fromFile = DedupStage.options(SlimConfig.load(null, List.of()), true);
    DedupOptions constants = DedupOptions.defaults();
    assertEquals(fromFile.threshold(), constants.threshold());
    assertEquals(fromFile.numPerm(), constants.numPerm());
    assertEquals(fromFile.shingleType(), constants.shingleType());
    assertEquals(fromFile.shingleSize(), constants.shingleSize());
    assertEquals(fromFile.normalization(), constants.normalization());
    assertEquals(fromFile.seed(), constants.seed());
    assertEquals(fromFile.verification(), constants.verification());
    assertEquals(fromFile.fpWeight(), constants.fpWeight());
    assertEquals(fromFile.fnWeight(), constants.fnWeight());
    assertEquals(fromFile.lshParams().bands(), constants.lshParams().bands());
    assertEquals(fromFile.lshParams().rows(), constants.lshParams().rows());
    assertEquals(fromFile.maxBucketSize(), constants.maxBucketSize());
    assertEquals(fromFile.subBucketSize(), constants.subBucketSize());
    assertEquals(fromFile.maxCcIterations(), constants.maxCcIterations());
    assertEquals(fromFile.exactVerifyMaxChars(), constants.exactVerifyMaxChars());
    assertEquals(fromFile.sourcePriority(), constants.sourcePriority());
  }

  @Test
  void everyKeyOfTheSectionHasItsConstant() {
    Map<String, Object> c = new HashMap<>();
    c.put("input_table", DEFAULT_INPUT_TABLE);
    c.put("mode", DEFAULT_MODE);
    c.put("checkpoint", DEFAULT_CHECKPOINT);
    c.put("normalization", DEFAULT_NORMALIZATION.name().toLowerCase(Locale.ROOT));
    c.put("source_priority", DEFAULT_SOURCE_PRIORITY);
    c.put("seed", DEFAULT_SEED);
    c.put("near.threshold", DEFAULT_THRESHOLD);
    c.put("near.num_perm", DEFAULT_NUM_PERM);
    c.put("near.shingle", DEFAULT_SHINGLE_TYPE.name().toLowerCase(Locale.ROOT));
    c.put("near.shingle_size", DEFAULT_SHINGLE_SIZE);
    c.put("near.bands", DEFAULT_BANDS);
    c.put("near.rows", DEFAULT_ROWS);
    c.put("near.fp_weight", DEFAULT_FP_WEIGHT);
    c.put("near.fn_weight", DEFAULT_FN_WEIGHT);
    c.put("near.verification", DEFAULT_VERIFICATION.name().toLowerCase(Locale.ROOT));
    c.put("near.max_bucket_size", DEFAULT_MAX_BUCKET_SIZE);
    c.put("near.sub_bucket_size", DEFAULT_SUB_BUCKET_SIZE);
    c.put("near.max_cc_iterations", DEFAULT_MAX_CC_ITERATIONS);
    DefaultsFile.assertConstantsMatch("dedup", c);
  }
}
