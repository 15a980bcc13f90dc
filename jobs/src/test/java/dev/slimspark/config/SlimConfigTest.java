package dev.slimspark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.errors.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlimConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsCoverEveryKeyAndOverridesLayer() throws IOException {
    Path f = dir.resolve("my.conf");
    Files.writeString(f, "lake = \"/tmp/l\"\ningest { max_line_bytes = 2048 }\n");
    SlimConfig c =
        SlimConfig.load(
            f.toString(), List.of("ingest.max_line_bytes=4096", "filter.language.keep=[en,fr]"));
    assertEquals("/tmp/l", c.getString("lake"));
    assertEquals(4096, c.getBytes("ingest.max_line_bytes"));
    assertEquals(List.of("en", "fr"), c.getStringList("filter.language.keep"));
    assertEquals(200, c.getInt("filter.short_document.min_chars"));
  }

  @Test
  void unknownKeyIsRejectedWithTheNearestValidKey() throws IOException {
    Path f = dir.resolve("typo.conf");
    Files.writeString(f, "ingest { max_line_byte = 10 }\n");
    UserError e = assertThrows(UserError.class, () -> SlimConfig.load(f.toString(), List.of()));
    assertTrue(e.fix().contains("ingest.max_line_bytes"), e.render());
    UserError e2 =
        assertThrows(
            UserError.class, () -> SlimConfig.load(null, List.of("filter.gopher.stopwords.min=3")));
    assertTrue(e2.fix().contains("filter.gopher.stop_words.min"), e2.render());
  }

  @Test
  void wrongTypeAndMissingFileAreUserErrors() {
    UserError e =
        assertThrows(
            UserError.class,
            () -> SlimConfig.load(null, List.of("filter.short_document.min_chars=lots")));
    assertTrue(e.problem().contains("filter.short_document.min_chars"), e.render());
    assertThrows(
        UserError.class, () -> SlimConfig.load(dir.resolve("none.conf").toString(), List.of()));
  }

  @Test
  void sparkBlockIsFreeFormAndHashTracksValues() {
    SlimConfig a = SlimConfig.load(null, List.of("spark.sql.shuffle.partitions=7"));
    assertEquals("7", a.sparkSettings().get("spark.sql.shuffle.partitions"));
    SlimConfig b = SlimConfig.load(null, List.of("spark.sql.shuffle.partitions=7"));
    SlimConfig c = SlimConfig.load(null, List.of("spark.sql.shuffle.partitions=8"));
    assertEquals(a.hash(), b.hash());
    assertNotEquals(a.hash(), c.hash());
  }

  @Test
  void helpListsKeysWithTheirComments() {
    String h = SlimConfig.describeKeys("ingest");
    assertTrue(h.contains("ingest.max_line_bytes = 33554432"), h);
    assertTrue(h.contains("line_too_long"), h);
  }
}
