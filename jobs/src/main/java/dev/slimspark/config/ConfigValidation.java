package dev.slimspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.slimspark.errors.UserErrors;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a user's settings (a config file, or one {@code --set}) against the documented defaults:
 * every key must be one of theirs, else the error suggests the nearest valid key, and its value
 * must have the default's type. Keys under the free-form subtrees are not checked.
 */
final class ConfigValidation {
  /**
   * Subtrees whose keys are free-form (passed through, not validated): Spark settings, and pack.mix
   * whose keys are source names.
   */
  private static final Set<String> FREE_FORM = Set.of("spark", "pack.mix");

  private ConfigValidation() {}

  /**
   * Rejects a key of {@code user} that the defaults lack (naming the nearest valid key) or whose
   * value has the wrong type; {@code origin} (the file, or the --set) goes into the message.
   */
  static void validate(Config user, Config defaults, String origin) {
    for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
      String key = e.getKey();
      String got = e.getValue().render(ConfigRenderOptions.concise());
      if (FREE_FORM.contains(key)) {
        throw UserErrors.badConfigValue(
            key,
            got,
            "an object ("
                + origin
                + "), e.g. "
                + key
                + " { key = value } or --set "
                + key
                + ".KEY=VALUE");
      }
      if (isFreeForm(key)) {
        continue;
      }
      if (!defaults.hasPathOrNull(key)) {
        String leaf = leafAbove(key, defaults);
        if (leaf != null) {
          throw UserErrors.badConfigValue(
              leaf,
              user.getValue(leaf).render(ConfigRenderOptions.concise()),
              article(defaults.getValue(leaf).valueType()) + " (" + origin + "), not an object");
        }
        throw UserErrors.unknownConfigKey(key, nearest(key, defaults), origin);
      }
      ConfigValueType want = defaults.getValue(key).valueType();
      ConfigValueType got0 = e.getValue().valueType();
      if (!compatible(want, got0, e.getValue())) {
        throw UserErrors.badConfigValue(key, got, article(want) + " (" + origin + ")");
      }
    }
  }

  /** The shortest prefix of {@code key} that is a plain value in the defaults, or null. */
  private static String leafAbove(String key, Config defaults) {
    List<String> parts = ConfigUtil.splitPath(key);
    for (int i = 1; i < parts.size(); i++) {
      String prefix = ConfigUtil.joinPath(parts.subList(0, i));
      if (defaults.hasPathOrNull(prefix)
          && defaults.getValue(prefix).valueType() != ConfigValueType.OBJECT) {
        return prefix;
      }
    }
    return null;
  }

  private static String article(ConfigValueType t) {
    return t == ConfigValueType.OBJECT
        ? "an object"
        : t == ConfigValueType.LIST
            ? "a list, e.g. [\"a\", \"b\"]"
            : "a " + t.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static boolean isFreeForm(String key) {
    for (String p : FREE_FORM) {
      if (key.equals(p) || key.startsWith(p + ".")) {
        return true;
      }
    }
    return false;
  }

  private static boolean compatible(ConfigValueType want, ConfigValueType got, ConfigValue v) {
    if (want == got) {
      return true;
    }
    if (want == ConfigValueType.NUMBER && got == ConfigValueType.STRING) {
      try {
        Double.parseDouble(String.valueOf(v.unwrapped()));
        return true;
      } catch (NumberFormatException e) {
        return false;
      }
    }
    if (want == ConfigValueType.BOOLEAN && got == ConfigValueType.STRING) {
      String s = String.valueOf(v.unwrapped());
      return s.equals("true") || s.equals("false") || s.equals("yes") || s.equals("no");
    }
    // A single string where a list is expected is accepted as a one-element list (see
    // getStringList).
    return want == ConfigValueType.LIST && got == ConfigValueType.STRING;
  }

  /** The valid key closest to {@code key} by edit distance, or null when nothing is close. */
  static String nearest(String key, Config defaults) {
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (Map.Entry<String, ConfigValue> e : defaults.entrySet()) {
      int d = editDistance(key, e.getKey());
      if (d < bestD) {
        bestD = d;
        best = e.getKey();
      }
    }
    return bestD <= Math.max(3, key.length() / 3) ? best : null;
  }

  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
