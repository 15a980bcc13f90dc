package dev.slimspark.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slimspark.config.DefaultsFile;
import dev.slimspark.config.SlimConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link LakeOptions#DEFAULT_ROOT} is the {@code lake} key of slimspark-defaults.conf. */
class LakeOptionsDefaultsTest {
  @Test
  void theDefaultRootIsTheDefaultsFiles() {
    DefaultsFile.assertValueMatches(LakeOptions.KEY, LakeOptions.DEFAULT_ROOT);
    assertEquals(
        new LakeOptions(LakeOptions.DEFAULT_ROOT),
        LakeOptions.from(SlimConfig.load(null, List.of())));
  }
}
