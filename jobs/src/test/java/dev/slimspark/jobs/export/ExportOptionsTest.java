package dev.slimspark.jobs.export;

import static dev.slimspark.jobs.export.ExportOptions.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.Stages;
import dev.slimspark.config.DefaultsFile;
import dev.slimspark.errors.UserError;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** export.* parsing: the constants are the defaults file's values, bad values name their key. */
class ExportOptionsTest {
  @Test
  void constantsMatchTheDefaultsFile() {
    DefaultsFile.assertConstantsMatch(
        "export",
        Map.of(
            "dir", DEFAULT_DIR,
            "formats", DEFAULT_FORMATS,
            "litgpt_short_files", DEFAULT_LITGPT_SHORT_FILES.configName()));
    assertEquals(ExportOptions.defaults(), ExportOptions.from(Stages.config()));
  }

  @Test
  void badValuesNameTheKey() {
    UserError f =
        assertThrows(
            UserError.class, () -> ExportOptions.from(Stages.config("export.formats=[\"npy\"]")));
    assertTrue(f.problem().contains("export.formats"), f.problem());
    ExportOptions litgptOnly =
        ExportOptions.from(Stages.config("export.formats=litgpt", "pack.pad_id=32000"));
    assertTrue(litgptOnly.litgpt() && !litgptOnly.megatron());
    assertEquals(32000, litgptOnly.padId());
  }
}
