package dev.slimspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import dev.slimspark.config.SlimConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link DemoOptions}' DEFAULT_ constants are the {@code demo} section of slimspark-defaults.conf. */
class DemoOptionsDefaultsTest {
  @Test
  void everyKeyOfTheSectionHasItsConstant() {
    Config file = SlimConfig.defaults().getConfig("demo");
    assertEquals(DemoOptions.KEYS, file.root().keySet());
    assertEquals(new DemoOptions(DemoOptions.DEFAULT_DOCS, DemoOptions.DEFAULT_SHARDS, DemoOptions.DEFAULT_SEED),
        DemoOptions.from(SlimConfig.load(null, List.of())));
  }
}
