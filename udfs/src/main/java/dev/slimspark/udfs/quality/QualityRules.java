package dev.slimspark.udfs.quality;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Document-level keep/drop rules over {@link QualitySignals} and a language-id result.
 *
 * <p>Defaults are SlimPajama's short-document rule, an English-only language rule, and the Gopher
 * rules with DataTrove's {@code GopherQualityFilter} defaults. Every bound is inclusive on the keep
 * side: a value exactly at a threshold passes (e.g. symbol ratio 0.1 passes, 0.1000001 fails; 50
 * words pass, 49 fail). Rules are checked in the fixed order of {@link Rule} and {@link #failures}
 * lists every failed rule in that order, so the first element is the drop reason to report.
 *
 * <p>Immutable and {@link Serializable}: build once on the driver and capture it in the UDF
 * closure. Risk: the Gopher thresholds were tuned on English web text; for languages without spaces
 * (zh, ja, th) the word-based rules drop almost everything, so disable them (or route such text
 * elsewhere) when the language rule keeps those languages.
 */
public final class QualityRules implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Rules in evaluation order; {@link #code()} is the string reported by {@link #failures}. */
  public enum Rule {
    /** {@code slimPajamaLength < minSlimPajamaLength}. */
    SHORT_DOCUMENT("short_document"),
    /** language not in the keep set, or its confidence below the minimum. */
    LANGUAGE("language"),
    /** words outside [minWords, maxWords]. */
    WORD_COUNT("word_count"),
    /** mean word length outside [minMeanWordLength, maxMeanWordLength]. */
    MEAN_WORD_LENGTH("mean_word_length"),
    /** symbol-to-word ratio above maxSymbolToWordRatio. */
    SYMBOL_RATIO("symbol_ratio"),
    /** bullet line ratio above maxBulletLineRatio. */
    BULLET_LINES("bullet_lines"),
    /** ellipsis line ratio above maxEllipsisLineRatio. */
    ELLIPSIS_LINES("ellipsis_lines"),
    /** alphabetic word ratio below minAlphaWordRatio. */
    ALPHA_WORDS("alpha_words"),
    /** stop word count below minStopWords. */
    STOP_WORDS("stop_words");

    private final String code;

    Rule(String code) {
      this.code = code;
    }

    /**
     * @return the rule code, e.g. {@code "short_document"}
     */
    public String code() {
      return code;
    }
  }

  /** SlimPajama: documents whose normalized form has fewer than 200 code points are dropped. */
  public static final int DEFAULT_MIN_SLIMPAJAMA_LENGTH = 200;

  /** Languages kept by default (ISO 639-1 codes as returned by {@link LanguageIdentifier}). */
  public static final Set<String> DEFAULT_LANGUAGES = Set.of("en");

  /** Minimum language-id confidence (top probability) to keep. */
  public static final double DEFAULT_MIN_LANGUAGE_CONFIDENCE = 0.65;

  /** Gopher: minimum word count. */
  public static final int DEFAULT_MIN_WORDS = 50;

  /** Gopher: maximum word count. */
  public static final int DEFAULT_MAX_WORDS = 100_000;

  /** Gopher: minimum mean word length (code points). */
  public static final double DEFAULT_MIN_MEAN_WORD_LENGTH = 3.0;

  /** Gopher: maximum mean word length (code points). */
  public static final double DEFAULT_MAX_MEAN_WORD_LENGTH = 10.0;

  /** Gopher: maximum ('#' + ellipsis) to word ratio. */
  public static final double DEFAULT_MAX_SYMBOL_TO_WORD_RATIO = 0.1;

  /** Gopher: maximum share of lines starting with a bullet. */
  public static final double DEFAULT_MAX_BULLET_LINE_RATIO = 0.9;

  /** Gopher: maximum share of lines ending with an ellipsis. */
  public static final double DEFAULT_MAX_ELLIPSIS_LINE_RATIO = 0.3;

  /** Gopher: minimum share of words with at least one letter. */
  public static final double DEFAULT_MIN_ALPHA_WORD_RATIO = 0.8;

  /** Gopher: minimum number of stop word occurrences. */
  public static final int DEFAULT_MIN_STOP_WORDS = 2;

  private static final QualityRules DEFAULTS = builder().build();

  private final EnumSet<Rule> enabled;
  private final int minSlimPajamaLength;
  private final Set<String> languages;
  private final double minLanguageConfidence;
  private final int minWords;
  private final int maxWords;
  private final double minMeanWordLength;
  private final double maxMeanWordLength;
  private final double maxSymbolToWordRatio;
  private final double maxBulletLineRatio;
  private final double maxEllipsisLineRatio;
  private final double minAlphaWordRatio;
  private final int minStopWords;

  private QualityRules(Builder b) {
    this.enabled = EnumSet.copyOf(b.enabled);
    this.minSlimPajamaLength = b.minSlimPajamaLength;
    this.languages = Set.copyOf(b.languages);
    this.minLanguageConfidence = b.minLanguageConfidence;
    this.minWords = b.minWords;
    this.maxWords = b.maxWords;
    this.minMeanWordLength = b.minMeanWordLength;
    this.maxMeanWordLength = b.maxMeanWordLength;
    this.maxSymbolToWordRatio = b.maxSymbolToWordRatio;
    this.maxBulletLineRatio = b.maxBulletLineRatio;
    this.maxEllipsisLineRatio = b.maxEllipsisLineRatio;
    this.minAlphaWordRatio = b.minAlphaWordRatio;
    this.minStopWords = b.minStopWords;
  }

  /**
   * @return the rules with all defaults, all rules enabled (shared instance)
   */
  public static QualityRules defaults() {
    return DEFAULTS;
  }

  /**
   * @return a builder starting from the defaults with all rules enabled
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Evaluates all enabled rules.
   *
   * @param s the document's signals
   * @param lang the language code from {@link LanguageIdentifier} ({@code null} is treated as
   *     {@code "und"}, which fails the language rule unless "und" is in the keep set)
   * @param langConfidence the language-id confidence in [0, 1]
   * @return the codes of the failed rules in {@link Rule} order; empty (immutable) when the
   *     document is kept
   */
  public List<String> failures(QualitySignals s, String lang, double langConfidence) {
    Objects.requireNonNull(s, "signals");
    List<String> out = null;
    for (Rule r : enabled) { // EnumSet iterates in declaration order, which is the reporting order
      if (fails(r, s, lang, langConfidence)) {
        if (out == null) {
          out = new ArrayList<>(2);
        }
        out.add(r.code());
      }
    }
    return out == null ? List.of() : Collections.unmodifiableList(out);
  }

  /**
   * @return the first failed rule's code (the drop reason), or {@code null} when the document is
   *     kept; cheaper than {@link #failures} since it stops at the first failure
   */
  public String firstFailure(QualitySignals s, String lang, double langConfidence) {
    Objects.requireNonNull(s, "signals");
    for (Rule r : enabled) {
      if (fails(r, s, lang, langConfidence)) {
        return r.code();
      }
    }
    return null;
  }

  private boolean fails(Rule r, QualitySignals s, String lang, double conf) {
    switch (r) {
      case SHORT_DOCUMENT:
        return s.slimPajamaLength() < minSlimPajamaLength;
      case LANGUAGE:
        return !languages.contains(lang == null ? LanguageIdentifier.UNDETERMINED : lang)
            || conf < minLanguageConfidence;
      case WORD_COUNT:
        return s.words() < minWords || s.words() > maxWords;
      case MEAN_WORD_LENGTH:
        return s.meanWordLength() < minMeanWordLength || s.meanWordLength() > maxMeanWordLength;
      case SYMBOL_RATIO:
        return s.symbolToWordRatio() > maxSymbolToWordRatio;
      case BULLET_LINES:
        return s.bulletLineRatio() > maxBulletLineRatio;
      case ELLIPSIS_LINES:
        return s.ellipsisLineRatio() > maxEllipsisLineRatio;
      case ALPHA_WORDS:
        return s.alphaWordRatio() < minAlphaWordRatio;
      case STOP_WORDS:
        return s.stopWordCount() < minStopWords;
      default:
        throw new IllegalStateException("unhandled rule " + r);
    }
  }

  /**
   * @return whether the rule is checked
   */
  public boolean isEnabled(Rule r) {
    return enabled.contains(r);
  }

  public int minSlimPajamaLength() {
    return minSlimPajamaLength;
  }

  public Set<String> languages() {
    return languages;
  }

  public double minLanguageConfidence() {
    return minLanguageConfidence;
  }

  public int minWords() {
    return minWords;
  }

  public int maxWords() {
    return maxWords;
  }

  public double minMeanWordLength() {
    return minMeanWordLength;
  }

  public double maxMeanWordLength() {
    return maxMeanWordLength;
  }

  public double maxSymbolToWordRatio() {
    return maxSymbolToWordRatio;
  }

  public double maxBulletLineRatio() {
    return maxBulletLineRatio;
  }

  public double maxEllipsisLineRatio() {
    return maxEllipsisLineRatio;
  }

  public double minAlphaWordRatio() {
    return minAlphaWordRatio;
  }

  public int minStopWords() {
    return minStopWords;
  }

  @Override
  public String toString() {
    return "QualityRules{enabled="
        + enabled
        + ", minSlimPajamaLength="
        + minSlimPajamaLength
        + ", languages="
        + languages
        + ", minLanguageConfidence="
        + minLanguageConfidence
        + ", words=["
        + minWords
        + ", "
        + maxWords
        + "]"
        + ", meanWordLength=["
        + minMeanWordLength
        + ", "
        + maxMeanWordLength
        + "]"
        + ", maxSymbolToWordRatio="
        + maxSymbolToWordRatio
        + ", maxBulletLineRatio="
        + maxBulletLineRatio
        + ", maxEllipsisLineRatio="
        + maxEllipsisLineRatio
        + ", minAlphaWordRatio="
        + minAlphaWordRatio
        + ", minStopWords="
        + minStopWords
        + "}";
  }

  /**
   * Builder starting from the defaults with every rule enabled. Setting a threshold does not enable
   * a disabled rule; {@link #disable(Rule)} / {@link #enable(Rule)} do that.
   */
  public static final class Builder {
    private final EnumSet<Rule> enabled = EnumSet.allOf(Rule.class);
    private int minSlimPajamaLength = DEFAULT_MIN_SLIMPAJAMA_LENGTH;
    private Set<String> languages = DEFAULT_LANGUAGES;
    private double minLanguageConfidence = DEFAULT_MIN_LANGUAGE_CONFIDENCE;
    private int minWords = DEFAULT_MIN_WORDS;
    private int maxWords = DEFAULT_MAX_WORDS;
    private double minMeanWordLength = DEFAULT_MIN_MEAN_WORD_LENGTH;
    private double maxMeanWordLength = DEFAULT_MAX_MEAN_WORD_LENGTH;
    private double maxSymbolToWordRatio = DEFAULT_MAX_SYMBOL_TO_WORD_RATIO;
    private double maxBulletLineRatio = DEFAULT_MAX_BULLET_LINE_RATIO;
    private double maxEllipsisLineRatio = DEFAULT_MAX_ELLIPSIS_LINE_RATIO;
    private double minAlphaWordRatio = DEFAULT_MIN_ALPHA_WORD_RATIO;
    private int minStopWords = DEFAULT_MIN_STOP_WORDS;

    private Builder() {}

    /** Stops checking a rule. */
    public Builder disable(Rule r) {
      enabled.remove(Objects.requireNonNull(r));
      return this;
    }

    /** Checks a rule again after {@link #disable}. */
    public Builder enable(Rule r) {
      enabled.add(Objects.requireNonNull(r));
      return this;
    }

    /** Drop when the SlimPajama form has fewer code points than this (default 200). */
    public Builder minSlimPajamaLength(int v) {
      this.minSlimPajamaLength = v;
      return this;
    }

    /**
     * Languages to keep and the minimum confidence (default {"en"}, 0.65). Codes are lowercased; an
     * empty set is rejected (disable {@link Rule#LANGUAGE} instead).
     */
    public Builder languages(Set<String> codes, double minConfidence) {
      if (codes.isEmpty()) {
        throw new IllegalArgumentException("empty language set; disable Rule.LANGUAGE instead");
      }
      Set<String> lower = new java.util.HashSet<>();
      for (String c : codes) {
        lower.add(c.toLowerCase(Locale.ROOT));
      }
      this.languages = lower;
      this.minLanguageConfidence = checkUnit(minConfidence, "minConfidence");
      return this;
    }

    /** Keep documents with words in [min, max] (default [50, 100000]). */
    public Builder wordCount(int min, int max) {
      checkRange(min, max);
      this.minWords = min;
      this.maxWords = max;
      return this;
    }

    /** Keep documents with mean word length in [min, max] (default [3, 10]). */
    public Builder meanWordLength(double min, double max) {
      checkRange(min, max);
      this.minMeanWordLength = min;
      this.maxMeanWordLength = max;
      return this;
    }

    /** Drop above this ('#' + ellipsis) / words ratio (default 0.1). */
    public Builder maxSymbolToWordRatio(double v) {
      this.maxSymbolToWordRatio = v;
      return this;
    }

    /** Drop above this bullet line share (default 0.9). */
    public Builder maxBulletLineRatio(double v) {
      this.maxBulletLineRatio = checkUnit(v, "maxBulletLineRatio");
      return this;
    }

    /** Drop above this ellipsis line share (default 0.3). */
    public Builder maxEllipsisLineRatio(double v) {
      this.maxEllipsisLineRatio = checkUnit(v, "maxEllipsisLineRatio");
      return this;
    }

    /** Drop below this alphabetic word share (default 0.8). */
    public Builder minAlphaWordRatio(double v) {
      this.minAlphaWordRatio = checkUnit(v, "minAlphaWordRatio");
      return this;
    }

    /** Drop below this number of stop word occurrences (default 2). */
    public Builder minStopWords(int v) {
      this.minStopWords = v;
      return this;
    }

    public QualityRules build() {
      return new QualityRules(this);
    }

    private static double checkUnit(double v, String name) {
      if (!(v >= 0.0 && v <= 1.0)) {
        throw new IllegalArgumentException(name + " must be in [0, 1]: " + v);
      }
      return v;
    }

    private static void checkRange(double min, double max) {
      if (!(min <= max)) {
        throw new IllegalArgumentException("min > max: " + min + " > " + max);
      }
    }
  }
}
