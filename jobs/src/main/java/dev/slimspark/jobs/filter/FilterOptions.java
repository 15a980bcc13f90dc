package dev.slimspark.jobs.filter;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.udfs.quality.QualityRules;
import java.util.HashSet;
import java.util.Locale;

/**
 * The validated {@code filter.*} settings; the only reader of those keys. The rule thresholds'
 * defaults are {@link QualityRules}' DEFAULT_ constants (Gopher's and SlimPajama's published
 * values), every rule is on by default, and FilterOptionsTest checks both against
 * slimspark-defaults.conf, which explains every key.
 *
 * @param normalize Unicode normalization of the text before every signal. Risk: "none" changes
 *     signals and dedup hashes of texts that differ only in composition
 * @param rules which rules run, with their thresholds (kept docs fail none of them)
 */
public record FilterOptions(Normalize normalize, QualityRules rules)
    implements java.io.Serializable {
  /** SlimPajama normalizes to NFC. */
  public static final Normalize DEFAULT_NORMALIZE = Normalize.NFC;

  /** Every rule is enabled by default. */
  public static final boolean DEFAULT_RULE_ENABLED = true;

  /** Unicode normalization applied before the signals. */
  public enum Normalize {
    NFC,
    NONE;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static FilterOptions defaults() {
    return new FilterOptions(DEFAULT_NORMALIZE, QualityRules.defaults());
  }

  /** The filter.* keys of {@code c}; inconsistent thresholds are one user error naming them. */
  public static FilterOptions from(SlimConfig c) {
    Normalize normalize =
        Normalize.valueOf(c.getEnum("filter.normalize", "nfc", "none").toUpperCase(Locale.ROOT));
    return new FilterOptions(normalize, rules(c));
  }

  /** Whether texts are NFC-normalized first. */
  public boolean nfc() {
    return normalize == Normalize.NFC;
  }

  private static QualityRules rules(SlimConfig c) {
    // The builder checks each setter's range as well as build(): one catch turns either into a user
    // error.
    try {
      return rulesBuilder(c).build();
    } catch (IllegalArgumentException e) {
      throw UserErrors.of(
          "The filter thresholds are inconsistent.",
          e.getMessage(),
          "Fix the filter.* keys in your config.");
    }
  }

  private static QualityRules.Builder rulesBuilder(SlimConfig c) {
    QualityRules.Builder b = QualityRules.builder();
    toggle(b, c, "filter.short_document.enabled", QualityRules.Rule.SHORT_DOCUMENT);
    b.minSlimPajamaLength(c.getInt("filter.short_document.min_chars"));
    toggle(b, c, "filter.language.enabled", QualityRules.Rule.LANGUAGE);
    b.languages(
        new HashSet<>(c.getStringList("filter.language.keep")),
        c.getDouble("filter.language.min_confidence"));
    String g = "filter.gopher.";
    toggle(b, c, g + "word_count.enabled", QualityRules.Rule.WORD_COUNT);
    b.wordCount(c.getInt(g + "word_count.min"), c.getInt(g + "word_count.max"));
    toggle(b, c, g + "mean_word_length.enabled", QualityRules.Rule.MEAN_WORD_LENGTH);
    b.meanWordLength(
        c.getDouble(g + "mean_word_length.min"), c.getDouble(g + "mean_word_length.max"));
    toggle(b, c, g + "symbol_ratio.enabled", QualityRules.Rule.SYMBOL_RATIO);
    b.maxSymbolToWordRatio(c.getDouble(g + "symbol_ratio.max"));
    toggle(b, c, g + "bullet_lines.enabled", QualityRules.Rule.BULLET_LINES);
    b.maxBulletLineRatio(c.getDouble(g + "bullet_lines.max"));
    toggle(b, c, g + "ellipsis_lines.enabled", QualityRules.Rule.ELLIPSIS_LINES);
    b.maxEllipsisLineRatio(c.getDouble(g + "ellipsis_lines.max"));
    toggle(b, c, g + "alpha_words.enabled", QualityRules.Rule.ALPHA_WORDS);
    b.minAlphaWordRatio(c.getDouble(g + "alpha_words.min"));
    toggle(b, c, g + "stop_words.enabled", QualityRules.Rule.STOP_WORDS);
    b.minStopWords(c.getInt(g + "stop_words.min"));
    return b;
  }

  private static void toggle(
      QualityRules.Builder b, SlimConfig c, String key, QualityRules.Rule r) {
    if (c.getBoolean(key)) {
      b.enable(r);
    } else {
      b.disable(r);
    }
  }
}
