package dev.slimspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slimspark.config.DefaultsFile;
import dev.slimspark.config.SlimConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link DemoOptions}' DEFAULT_ constants are the {@code demo} section of slimspark-defaults.conf.
 */
class DemoOptionsDefaultsTest {
  @Test
  void everyKeyOfTheSectionHasItsConstant() {
    DefaultsFile.assertConstantsMatch(
        "demo",
        DemoOptions.KEYS,
        Map.of(
            "docs",
            DemoOptions.DEFAULT_DOCS,
            "shards",
            DemoOptions.DEFAULT_SHARDS,
            "seed",
            DemoOptions.DEFAULT_SEED));
    assertEquals(
        new DemoOptions(
            DemoOptions.DEFAULT_DOCS, DemoOptions.DEFAULT_SHARDS, DemoOptions.DEFAULT_SEED),
        DemoOptions.from(SlimConfig.load(null, List.of())));
  }
}
