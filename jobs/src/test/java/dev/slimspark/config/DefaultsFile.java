package dev.slimspark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks a stage's DEFAULT_ constants against {@code slimspark-defaults.conf}: tests build on the
 * constants, users run with the file, and the two once drifted apart (dedup's error weights). Every
 * key under the stage's prefix must be listed, so a key added to the file without a constant fails.
 */
public final class DefaultsFile {
  private DefaultsFile() {}

  /**
   * Every leaf key under {@code prefix} (an empty object such as {@code pack.mix {}} counts as a
   * leaf) with its unwrapped value, keys without the prefix.
   */
  public static Map<String, Object> leaves(String prefix) {
    Map<String, Object> out = new TreeMap<>();
    collect(SlimConfig.defaults().getObject(prefix), "", out);
    return out;
  }

  private static void collect(ConfigObject o, String path, Map<String, Object> out) {
    for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
      String key = path + e.getKey();
      ConfigValue v = e.getValue();
      if (v.valueType() == ConfigValueType.OBJECT && !((ConfigObject) v).isEmpty()) {
        collect((ConfigObject) v, key + ".", out);
      } else {
        out.put(key, v.unwrapped());
      }
    }
  }

  /**
   * {@code constants} (key under {@code prefix} -> the DEFAULT_ constant, in the file's spelling:
   * enums as their config string) covers exactly the file's keys, with equal values.
   */
  public static void assertConstantsMatch(String prefix, Map<String, ?> constants) {
    Map<String, Object> file = leaves(prefix);
    assertEquals(
        new TreeSet<>(file.keySet()),
        new TreeSet<>(constants.keySet()),
        "keys under " + prefix + ". in slimspark-defaults.conf vs the options' constants");
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, Object> e : file.entrySet()) {
      Object constant = constants.get(e.getKey());
      if (!same(e.getValue(), constant)) {
        wrong.add(prefix + "." + e.getKey() + ": file " + e.getValue() + ", constant " + constant);
      }
    }
    if (!wrong.isEmpty()) {
      fail("defaults differ: " + wrong);
    }
  }

  /**
   * As {@link #assertConstantsMatch(String, Map)}, and {@code keys} (the keys the options class
   * reads, its KEYS) are exactly the constants' keys: a key the class reads without a constant, or
   * a constant for a key it does not read, fails.
   */
  public static void assertConstantsMatch(
      String prefix, Set<String> keys, Map<String, ?> constants) {
    assertEquals(
        new TreeSet<>(keys),
        new TreeSet<>(constants.keySet()),
        prefix + ": the keys the options read vs their constants");
    assertConstantsMatch(prefix, constants);
  }

  /** A single top-level value of the file (such as {@code lake = "lake"}) equals its constant. */
  public static void assertValueMatches(String key, Object constant) {
    Object file = SlimConfig.defaults().getValue(key).unwrapped();
    if (!same(file, constant)) {
      fail("defaults differ: " + key + ": file " + file + ", constant " + constant);
    }
  }

  private static boolean same(Object file, Object constant) {
    if (file instanceof Number a && constant instanceof Number b) {
      return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString())) == 0;
    }
    return java.util.Objects.equals(file, constant);
  }
}
