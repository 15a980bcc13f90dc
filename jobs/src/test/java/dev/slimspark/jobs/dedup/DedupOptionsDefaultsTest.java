package dev.slimspark.jobs.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slimspark.config.SlimConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link DedupOptions#defaults()} (what step-level tests use) must be what the product runs with
 * {@code slimspark-defaults.conf}: once the constants said 0.5/0.5 error weights while the file said
 * 0.2/0.8, so tests exercised another LSH banding than users got.
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
}
