package dev.slimspark.jobs.stats;

import static dev.slimspark.jobs.stats.StatsOptions.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.Stages;
import dev.slimspark.config.DefaultsFile;
import dev.slimspark.errors.UserError;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** stats.* parsing: the constants are the defaults file's values, bad values name their key. */
class StatsOptionsTest {
  @Test
  void constantsMatchTheDefaultsFile() {
    DefaultsFile.assertConstantsMatch(
        "stats",
        Map.of(
            "percentile_accuracy", DEFAULT_PERCENTILE_ACCURACY,
            "top_clusters", DEFAULT_TOP_CLUSTERS,
            "example_prefix_chars", DEFAULT_EXAMPLE_PREFIX_CHARS,
            "parallel_writes", DEFAULT_PARALLEL_WRITES,
            "linguistic.sample_docs_per_source", DEFAULT_LINGUISTIC_SAMPLE_DOCS_PER_SOURCE,
            "linguistic.seed", DEFAULT_LINGUISTIC_SEED,
            "linguistic.max_chars", DEFAULT_LINGUISTIC_MAX_CHARS));
    assertEquals(StatsOptions.defaults(), StatsOptions.from(Stages.config()));
  }

  @Test
  void badValuesNameTheKey() {
    for (String set :
        new String[] {
          "stats.percentile_accuracy=10",
          "stats.linguistic.sample_docs_per_source=-2",
          "stats.linguistic.max_chars=0"
        }) {
      UserError e = assertThrows(UserError.class, () -> StatsOptions.from(Stages.config(set)));
      assertTrue(e.problem().contains(set.substring(0, set.indexOf('='))), e.problem());
    }
  }
}
