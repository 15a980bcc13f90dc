package dev.slimspark.jobs.label;

import com.typesafe.config.Config;
import dev.slimspark.errors.UserErrors;
import java.util.List;

/** Value checks the labeling options share, each failing as a user error that names the key. */
final class OptionChecks {
  private OptionChecks() {}

  /**
   * {@code value} when it is one of {@code allowed}; else the error a bad enum key gets everywhere.
   */
  static String oneOf(String key, String value, String... allowed) {
    if (List.of(allowed).contains(value)) {
      return value;
    }
    throw UserErrors.badConfigValue(
        key, "\"" + value + "\"", "one of " + String.join(", ", allowed));
  }

  /** Fails when {@code value} is below {@code min}. */
  static void atLeast(String key, long value, long min, String expected) {
    if (value < min) {
      throw UserErrors.badConfigValue(key, String.valueOf(value), expected);
    }
  }

  /** A labeler entry's integer {@code key}, else {@code dflt}. */
  static int entryInt(Config entry, String key, int dflt) {
    return entry.hasPath(key) ? entry.getInt(key) : dflt;
  }

  /** A labeler entry's string {@code key}, else {@code dflt}. */
  static String entryString(Config entry, String key, String dflt) {
    return entry.hasPath(key) ? entry.getString(key) : dflt;
  }
}
