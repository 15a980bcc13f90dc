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
            "dir",
            DEFAULT_DIR,
            "formats",
            DEFAULT_FORMATS,
            "litgpt_short_files",
            DEFAULT_LITGPT_SHORT_FILES.configName(),
            "corpus_table",
            Corpus.DEFAULT_TABLE,
            "chunk_bytes",
            Corpus.DEFAULT_CHUNK_BYTES,
            "zstd_level",
            Corpus.DEFAULT_ZSTD_LEVEL));
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
    ExportOptions text =
        ExportOptions.from(
            Stages.config(
                "export.formats=[\"jsonl.zst\", \"parquet\"]", "pack.validation_fraction=0.05"));
    assertTrue(text.jsonlZst() && text.parquet() && !text.tokenFormats());
    assertEquals(0.05, text.corpus().validationFraction());
    for (String bad :
        new String[] {
          "export.zstd_level=22", "export.chunk_bytes=10", "export.corpus_table=\"\""
        }) {
      UserError e = assertThrows(UserError.class, () -> ExportOptions.from(Stages.config(bad)));
      assertTrue(e.problem().contains(bad.substring(0, bad.indexOf('='))), e.problem());
    }
  }
}
