package dev.slimspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import dev.slimspark.errors.UserErrors;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * slimspark's configuration: the defaults in {@code slimspark-defaults.conf} (every key,
 * documented), overlaid by the user's HOCON file, overlaid by {@code --set key=value} pairs.
 * Unknown keys and values of the wrong type are rejected with the nearest valid key suggested.
 */
public final class SlimConfig {
  private final Config config;
  private final Config defaults;

  private final List<String> warnings;

  private SlimConfig(Config config, Config defaults, List<String> warnings) {
    this.config = config;
    this.defaults = defaults;
    this.warnings = List.copyOf(warnings);
  }

  /** True when a config key looks like it holds a credential (see {@link Secrets}). */
  public static boolean looksSecret(String key) {
    return Secrets.isSecret(key);
  }

  /** Warnings about the configuration (a credential in a config file), already logged. */
  public List<String> warnings() {
    return warnings;
  }

  /** The documented defaults alone. */
  public static Config defaults() {
    return ConfigFactory.parseResources(
        SlimConfig.class.getClassLoader(),
        "slimspark-defaults.conf",
        ConfigParseOptions.defaults().setAllowMissing(false));
  }

  /**
   * Loads defaults, then {@code confFile} (may be null), then {@code sets} ("key=value", value in
   * HOCON syntax; a bare string needs no quotes).
   */
  public static SlimConfig load(String confFile, List<String> sets) {
    Config defaults = defaults();
    List<String> warnings = new ArrayList<>();
    Config user = ConfigFactory.empty();
    if (confFile != null) {
      user = parseFile(confFile);
      ConfigValidation.validate(user, defaults, confFile);
      warnings.addAll(Secrets.warnings(user, confFile));
    }
    Config overrides = ConfigFactory.empty();
    for (String s : sets) {
      Config one = parseSet(s);
      ConfigValidation.validate(one, defaults, "--set " + s);
      overrides = one.withFallback(overrides);
    }
    try {
      Config merged = overrides.withFallback(user).withFallback(defaults).resolve();
      return new SlimConfig(merged, defaults, warnings);
    } catch (ConfigException e) {
      throw UserErrors.of(
          "The configuration cannot be resolved.",
          e.getMessage(),
          "Fix the ${...} substitution the cause names (it must name a key that is set), or quote a value that holds '${'.");
    }
  }

  private static Config parseFile(String confFile) {
    File f = new File(confFile);
    if (!f.isFile()) {
      throw UserErrors.missingFile("Config file", confFile);
    }
    try {
      return ConfigFactory.parseFile(f).resolve();
    } catch (ConfigException e) {
      throw UserErrors.of(
          "Config file " + confFile + " cannot be parsed.",
          e.getMessage() + offendingLine(f, e),
          "Fix the HOCON syntax at the line the cause names.");
    }
  }

  /** The text of the line a parse error names, quoted, or "" when unknown. */
  private static String offendingLine(File f, ConfigException e) {
    int line = e.origin() == null ? -1 : e.origin().lineNumber();
    try {
      List<String> lines = java.nio.file.Files.readAllLines(f.toPath(), StandardCharsets.UTF_8);
      return line >= 1 && line <= lines.size()
          ? " (line " + line + ": `" + lines.get(line - 1).strip() + "`)"
          : "";
    } catch (java.io.IOException | java.io.UncheckedIOException ex) {
      return "";
    }
  }

  /**
   * One {@code --set key=value}. A value starting with {, [ or " is HOCON and must parse. Any other
   * value is taken as HOCON when it parses to itself (numbers, booleans, plain words) and as the
   * literal text otherwise: HOCON would cut {@code lake=/data/run#2} at the '#' (a comment) and
   * rejects characters such as ':' or '*' in unquoted strings, which paths and globs hold.
   */
  static Config parseSet(String s) {
    int eq = s.indexOf('=');
    if (eq <= 0) {
      throw UserErrors.badArgument(s, "--set takes key=value, e.g. --set lake=/data/lake");
    }
    String key = s.substring(0, eq).trim();
    String value = s.substring(eq + 1).trim();
    try {
      ConfigUtil.splitPath(key);
    } catch (ConfigException e) {
      throw UserErrors.badArgument(s, "'" + key + "' is not a config key (" + e.getMessage() + ")");
    }
    if (value.startsWith("{") || value.startsWith("[") || value.startsWith("\"")) {
      try {
        return ConfigFactory.parseString(
            key + " = " + value,
            ConfigParseOptions.defaults().setOriginDescription("--set " + key));
      } catch (ConfigException e) {
        throw UserErrors.of(
            "--set " + s + " is not valid HOCON.",
            e.getMessage().replaceFirst("^--set [^:]*: \\d+: ", ""),
            "Write a list as '[\"a\", \"b\"]', an object as '{ k = v }' and a string with special characters in double"
                + " quotes; put the whole --set argument in single quotes so the shell passes it as it is.");
      }
    }
    try {
      Config one = ConfigFactory.parseString(key + " = " + value);
      ConfigValue v = one.getValue(key);
      if (v.valueType() != ConfigValueType.STRING || value.equals(v.unwrapped())) {
        return one;
      }
    } catch (ConfigException e) {
      // Not HOCON on its own: the literal text below.
    }
    return ConfigFactory.empty()
        .withValue(key, ConfigValueFactory.fromAnyRef(value, "--set " + key));
  }

  public Config raw() {
    return config;
  }

  public String getString(String key) {
    return config.getString(key);
  }

  public int getInt(String key) {
    try {
      return config.getInt(key);
    } catch (ConfigException.WrongType e) {
      throw UserErrors.badConfigValue(key, config.getValue(key).render(), "an integer");
    }
  }

  public long getBytes(String key) {
    try {
      return config.getBytes(key);
    } catch (ConfigException.BadValue | ConfigException.WrongType e) {
      throw UserErrors.badConfigValue(
          key, config.getValue(key).render(), "a size in bytes (e.g. 33554432 or 32M)");
    }
  }

  public double getDouble(String key) {
    try {
      return config.getDouble(key);
    } catch (ConfigException.WrongType e) {
      throw UserErrors.badConfigValue(key, config.getValue(key).render(), "a number");
    }
  }

  public boolean getBoolean(String key) {
    try {
      return config.getBoolean(key);
    } catch (ConfigException.WrongType e) {
      throw UserErrors.badConfigValue(key, config.getValue(key).render(), "true or false");
    }
  }

  /** A string list; a single string is taken as a one-element list. */
  public List<String> getStringList(String key) {
    if (config.getValue(key).valueType() == ConfigValueType.STRING) {
      return List.of(config.getString(key));
    }
    return new ArrayList<>(config.getStringList(key));
  }

  /** One of {@code allowed}, else a user error listing them. */
  public String getEnum(String key, String... allowed) {
    String v = config.getString(key);
    for (String a : allowed) {
      if (a.equals(v)) {
        return v;
      }
    }
    throw UserErrors.badConfigValue(key, "\"" + v + "\"", "one of " + String.join(", ", allowed));
  }

  /** Free-form spark.* settings from the config's spark block. */
  public Map<String, String> sparkSettings() {
    Map<String, String> out = new TreeMap<>();
    if (config.hasPath("spark")) {
      for (Map.Entry<String, ConfigValue> e : config.getConfig("spark").entrySet()) {
        out.put("spark." + e.getKey(), String.valueOf(e.getValue().unwrapped()));
      }
    }
    return out;
  }

  /**
   * The effective values of one section (key without the section -> concise HOCON), sorted, for
   * provenance records such as an exported dataset's card. Not a way to read settings: each
   * section's options class stays the only reader that acts on them. Secret-looking keys are
   * masked.
   */
  public Map<String, String> describeSection(String section) {
    Map<String, String> out = new TreeMap<>();
    if (config.hasPath(section)) {
      for (Map.Entry<String, ConfigValue> e : config.getConfig(section).entrySet()) {
        String v = e.getValue().render(ConfigRenderOptions.concise());
        out.put(e.getKey(), looksSecret(e.getKey()) ? "***" : v);
      }
    }
    return out;
  }

  /**
   * SHA-256 (first 16 hex chars) of the effective config, keys sorted: identifies a run's settings.
   */
  public String hash() {
    Map<String, String> sorted = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : config.entrySet()) {
      sorted.put(e.getKey(), e.getValue().render(ConfigRenderOptions.concise()));
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, String> e : sorted.entrySet()) {
        sha.update((e.getKey() + "=" + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      StringBuilder sb = new StringBuilder();
      for (byte b : sha.digest()) {
        sb.append(String.format("%02x", b));
      }
      return sb.substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Help text for every default key under the given prefixes: key, default value, and the comment
   * above it in the defaults file.
   */
  public static String describeKeys(String... prefixes) {
    Config d = defaults();
    StringBuilder sb = new StringBuilder();
    Map<String, ConfigValue> sorted = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : d.entrySet()) {
      sorted.put(e.getKey(), e.getValue());
    }
    for (Map.Entry<String, ConfigValue> e : sorted.entrySet()) {
      boolean match = prefixes.length == 0;
      for (String p : prefixes) {
        match |= e.getKey().equals(p) || e.getKey().startsWith(p + ".");
      }
      if (!match) {
        continue;
      }
      sb.append("  ")
          .append(e.getKey())
          .append(" = ")
          .append(e.getValue().render(ConfigRenderOptions.concise()))
          .append('\n');
      List<String> comments = e.getValue().origin().comments();
      for (String c : comments) {
        sb.append("      ").append(c.trim()).append('\n');
      }
    }
    return sb.toString();
  }
}
