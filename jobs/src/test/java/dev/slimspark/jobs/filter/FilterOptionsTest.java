package dev.slimspark.jobs.filter;

import static dev.slimspark.udfs.quality.QualityRules.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.Stages;
import dev.slimspark.config.DefaultsFile;
import dev.slimspark.errors.UserError;
import dev.slimspark.udfs.quality.QualityRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * filter.* parsing: the constants are the defaults file's values, toggles and thresholds reach the
 * rules.
 */
class FilterOptionsTest {
  @Test
  void constantsMatchTheDefaultsFile() {
    boolean on = FilterOptions.DEFAULT_RULE_ENABLED;
    String g = "gopher.";
    DefaultsFile.assertConstantsMatch(
        "filter",
        Map.ofEntries(
            Map.entry("normalize", FilterOptions.DEFAULT_NORMALIZE.configName()),
            Map.entry("short_document.enabled", on),
            Map.entry("short_document.min_chars", DEFAULT_MIN_SLIMPAJAMA_LENGTH),
            Map.entry("language.enabled", on),
            Map.entry("language.keep", new ArrayList<>(DEFAULT_LANGUAGES)),
            Map.entry("language.min_confidence", DEFAULT_MIN_LANGUAGE_CONFIDENCE),
            Map.entry(g + "word_count.enabled", on),
            Map.entry(g + "word_count.min", DEFAULT_MIN_WORDS),
            Map.entry(g + "word_count.max", DEFAULT_MAX_WORDS),
            Map.entry(g + "mean_word_length.enabled", on),
            Map.entry(g + "mean_word_length.min", DEFAULT_MIN_MEAN_WORD_LENGTH),
            Map.entry(g + "mean_word_length.max", DEFAULT_MAX_MEAN_WORD_LENGTH),
            Map.entry(g + "symbol_ratio.enabled", on),
            Map.entry(g + "symbol_ratio.max", DEFAULT_MAX_SYMBOL_TO_WORD_RATIO),
            Map.entry(g + "bullet_lines.enabled", on),
            Map.entry(g + "bullet_lines.max", DEFAULT_MAX_BULLET_LINE_RATIO),
            Map.entry(g + "ellipsis_lines.enabled", on),
            Map.entry(g + "ellipsis_lines.max", DEFAULT_MAX_ELLIPSIS_LINE_RATIO),
            Map.entry(g + "alpha_words.enabled", on),
            Map.entry(g + "alpha_words.min", DEFAULT_MIN_ALPHA_WORD_RATIO),
            Map.entry(g + "stop_words.enabled", on),
            Map.entry(g + "stop_words.min", DEFAULT_MIN_STOP_WORDS)));
    FilterOptions fromFile = FilterOptions.from(Stages.config());
    assertEquals(FilterOptions.defaults().normalize(), fromFile.normalize());
    // QualityRules has no equals; its toString lists every rule and threshold.
    assertEquals(FilterOptions.defaults().rules().toString(), fromFile.rules().toString());
  }

  @Test
  void togglesAndThresholdsReachTheRules() {
    FilterOptions o =
        FilterOptions.from(
            Stages.config(
                "filter.gopher.stop_words.enabled=false",
                "filter.short_document.min_chars=5",
                "filter.normalize=none"));
    assertFalse(o.rules().isEnabled(QualityRules.Rule.STOP_WORDS));
    assertTrue(o.rules().isEnabled(QualityRules.Rule.WORD_COUNT));
    assertEquals(5, o.rules().minSlimPajamaLength());
    assertFalse(o.nfc());
    UserError e =
        assertThrows(
            UserError.class,
            () ->
                FilterOptions.from(
                    Stages.config(
                        "filter.gopher.word_count.min=10", "filter.gopher.word_count.max=5")));
    assertTrue(e.problem().contains("filter"), e.problem());
    assertEquals(List.of("en"), List.copyOf(FilterOptions.defaults().rules().languages()));
  }
}
