package dev.slimspark.jobs.ingest;

import static dev.slimspark.jobs.ingest.IngestOptions.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.Stages;
import dev.slimspark.config.DefaultsFile;
import dev.slimspark.errors.UserError;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ingest.* parsing: the constants are the defaults file's values, bad values name their key. */
class IngestOptionsTest {
  @Test
  void constantsMatchTheDefaultsFile() {
    DefaultsFile.assertConstantsMatch(
        "ingest",
        Map.ofEntries(
            Map.entry("input", DEFAULT_INPUT),
            Map.entry("id_base", DEFAULT_ID_BASE),
            Map.entry("format", DEFAULT_FORMAT.configName()),
            Map.entry("max_line_bytes", DEFAULT_MAX_LINE_BYTES),
            Map.entry("quarantine_prefix_bytes", DEFAULT_QUARANTINE_PREFIX_BYTES),
            Map.entry("invalid_utf8", DEFAULT_INVALID_UTF8.configName()),
            Map.entry("fail_on_quarantine", DEFAULT_FAIL_ON_QUARANTINE),
            Map.entry("files_per_task", DEFAULT_FILES_PER_TASK),
            Map.entry("source.meta_field", DEFAULT_SOURCE_META_FIELD),
            Map.entry("source.path_regex", DEFAULT_SOURCE_PATH_REGEX),
            Map.entry("source.default", DEFAULT_SOURCE_DEFAULT),
            Map.entry("parquet.text_column", DEFAULT_PARQUET_TEXT_COLUMN)));
    assertEquals(IngestOptions.defaults(), IngestOptions.from(Stages.config()));
  }

  @Test
  void badValuesNameTheKey() {
    UserError big =
        assertThrows(
            UserError.class, () -> IngestOptions.from(Stages.config("ingest.max_line_bytes=10")));
    assertTrue(big.problem().contains("ingest.max_line_bytes"), big.problem());
    UserError regex =
        assertThrows(
            UserError.class,
            () -> IngestOptions.from(Stages.config("ingest.source.path_regex=\"(\"")));
    assertTrue(regex.problem().contains("ingest.source.path_regex"), regex.problem());
  }
}
