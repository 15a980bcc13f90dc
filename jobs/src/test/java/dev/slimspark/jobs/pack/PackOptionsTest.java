package dev.slimspark.jobs.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.Stages;
import dev.slimspark.config.DefaultsFile;
import dev.slimspark.errors.UserError;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * pack.* parsing: defaults, free-form mix keys normalized, bad values rejected with the key named.
 */
class PackOptionsTest {
  @Test
  void constantsMatchTheDefaultsFile() {
    DefaultsFile.assertConstantsMatch(
        "pack",
        Map.of(
            "seq_len", PackOptions.DEFAULT_SEQ_LEN,
            "mode", PackOptions.DEFAULT_MODE.configName(),
            "pad_id", PackOptions.DEFAULT_PAD_ID,
            "seed", PackOptions.DEFAULT_SEED,
            "validation_fraction", PackOptions.DEFAULT_VALIDATION_FRACTION,
            "mix", PackOptions.DEFAULT_MIX,
            "target_file_bytes", PackOptions.DEFAULT_TARGET_FILE_BYTES,
            "mode_write", PackOptions.DEFAULT_APPEND ? "append" : "overwrite",
            "partition_tokens", PackOptions.DEFAULT_PARTITION_TOKENS,
            "window_tokens", PackOptions.DEFAULT_WINDOW_TOKENS));
    assertEquals(PackOptions.defaults(), PackOptions.from(Stages.config()));
  }

  @Test
  void defaultsAreTinyLlamas() {
    PackOptions c = PackOptions.from(Stages.config());
    assertEquals(2048, c.seqLen());
    assertEquals(2049, c.rowTokens());
    assertEquals(PackOptions.Mode.CONCAT, c.mode());
    assertTrue(c.mix().isEmpty());
    assertEquals(65504, c.rowsPerShard(2)); // 65504 * 2049 * 2 bytes <= 256 MiB
  }

  @Test
  void mixTakesAnySourceNameAndNormalizes() {
    PackOptions c =
        PackOptions.from(Stages.config("pack.mix.RedPajamaC4=69", "pack.mix.Starcoder=31"));
    assertEquals(0.69, c.mix().get("RedPajamaC4"), 1e-12);
    assertEquals(0.31, c.mix().get("Starcoder"), 1e-12);
  }

  @Test
  void badValuesNameTheKey() {
    UserError mode =
        assertThrows(UserError.class, () -> PackOptions.from(Stages.config("pack.mode=greedy")));
    assertTrue(mode.problem().contains("pack.mode"), mode.problem());
    UserError w =
        assertThrows(UserError.class, () -> PackOptions.from(Stages.config("pack.mix.A=-1")));
    assertTrue(w.problem().contains("pack.mix.A"), w.problem());
    UserError typo = assertThrows(UserError.class, () -> Stages.config("pack.seq_lenn=1024"));
    assertTrue(typo.fix().contains("pack.seq_len"), typo.fix());
  }
}
