package dev.slimspark.jobs.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import dev.slimspark.config.SlimConfig;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks one section of slimspark-defaults.conf against an options class: the section's keys are
 * exactly the keys the class reads, and each key's value in the file is the class's DEFAULT_
 * constant. A key added to the file but not to the class (or the other way) fails here, not in a
 * user's run.
 */
final class SectionDefaults {
  private SectionDefaults() {}

  /**
   * @param section the section, e.g. "finetune"
   * @param keys the keys the options class reads (its KEYS)
   * @param constants each key's DEFAULT_ constant
   */
  static void assertMatches(String section, Set<String> keys, Map<String, Object> constants) {
    Config file = SlimConfig.defaults().getConfig(section);
    Set<String> inFile = new TreeSet<>(file.root().keySet());
    if (!inFile.equals(new TreeSet<>(keys))) {
      TreeSet<String> unknown = new TreeSet<>(inFile);
      unknown.removeAll(keys);
      TreeSet<String> unlisted = new TreeSet<>(keys);
      unlisted.removeAll(inFile);
      fail(section + ": keys in the defaults file the options do not read: " + unknown
          + "; keys the options read that the file lacks: " + unlisted);
    }
    assertEquals(new TreeSet<>(keys), new TreeSet<>(constants.keySet()), section + ": a DEFAULT_ constant per key");
    for (Map.Entry<String, Object> e : constants.entrySet()) {
      Object want = file.getValue(e.getKey()).unwrapped();
      Object have = e.getValue();
      if (want instanceof Number w && have instanceof Number h) {
        assertEquals(w.doubleValue(), h.doubleValue(), section + "." + e.getKey());
      } else {
        assertEquals(want, have, section + "." + e.getKey());
      }
    }
  }
}
