package dev.slimspark.jobs.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.Stages;
import dev.slimspark.errors.UserError;
import org.junit.jupiter.api.Test;

/** pack.* parsing: defaults, free-form mix keys normalized, bad values rejected with the key named. */
class PackConfigTest {
  @Test
  void defaultsAreTinyLlamas() {
    PackConfig c = PackConfig.from(Stages.config());
    assertEquals(2048, c.seqLen);
    assertEquals(2049, c.rowTokens());
    assertEquals(PackConfig.Mode.CONCAT, c.mode);
    assertTrue(c.mix.isEmpty());
    assertEquals(65504, c.rowsPerShard(2)); // 65504 * 2049 * 2 bytes <= 256 MiB
  }

  @Test
  void mixTakesAnySourceNameAndNormalizes() {
    PackConfig c = PackConfig.from(Stages.config("pack.mix.RedPajamaC4=69", "pack.mix.Starcoder=31"));
    assertEquals(0.69, c.mix.get("RedPajamaC4"), 1e-12);
    assertEquals(0.31, c.mix.get("Starcoder"), 1e-12);
  }

  @Test
  void badValuesNameTheKey() {
    UserError mode = assertThrows(UserError.class, () -> PackConfig.from(Stages.config("pack.mode=greedy")));
    assertTrue(mode.problem().contains("pack.mode"), mode.problem());
    UserError w = assertThrows(UserError.class, () -> PackConfig.from(Stages.config("pack.mix.A=-1")));
    assertTrue(w.problem().contains("pack.mix.A"), w.problem());
    UserError typo = assertThrows(UserError.class, () -> Stages.config("pack.seq_lenn=1024"));
    assertTrue(typo.fix().contains("pack.seq_len"), typo.fix());
  }
}
