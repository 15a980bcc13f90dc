package dev.slimspark.jobs.decon;

import static dev.slimspark.jobs.decon.DeconOptions.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.config.DefaultsFile;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserError;
import dev.slimspark.jobs.tokenize.TokenizeOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decontaminate.* constants equal the defaults file; eval set entries are validated. */
class DeconOptionsTest {
  @Test
  void everyKeyOfTheSectionHasItsConstant() {
    Map<String, Object> c = new HashMap<>();
    c.put("eval_sets", DEFAULT_EVAL_SETS);
    c.put("include_evaluate_gold", DEFAULT_INCLUDE_EVALUATE_GOLD);
    c.put("input_table", DEFAULT_INPUT_TABLE);
    c.put("ngram", DEFAULT_NGRAM);
    c.put("min_words", DEFAULT_MIN_WORDS);
    c.put("max_ngram_docs", DEFAULT_MAX_NGRAM_DOCS);
    c.put("policy", DEFAULT_POLICY.configName());
    c.put("cut_window_chars", DEFAULT_CUT_WINDOW_CHARS);
    c.put("max_cuts", DEFAULT_MAX_CUTS);
    c.put("broadcast_max_ngrams", DEFAULT_BROADCAST_MAX_NGRAMS);
    c.put("bloom_fpp", DEFAULT_BLOOM_FPP);
    c.put("hits_broadcast_max_docs", DEFAULT_HITS_BROADCAST_MAX_DOCS);
    DefaultsFile.assertConstantsMatch("decontaminate", c);
    assertEquals(DeconOptions.defaults(), DeconOptions.from(SlimConfig.load(null, List.of())));
  }

  @Test
  void evalSetsAreParsedAndTokenizeFollowsTheStage() {
    SlimConfig none = SlimConfig.load(null, List.of());
    assertFalse(DeconOptions.configured(none));
    assertEquals("docs_dedup", TokenizeOptions.from(none).inputTable());
    SlimConfig c =
        SlimConfig.load(
            null,
            List.of(
                "decontaminate.eval_sets=[{name = fpb, path = \"a.txt\", format = phrasebank,"
                    + " encoding = \"ISO-8859-1\"}, {name = tw, path = \"b.csv\", format = csv}]",
                "decontaminate.policy=drop"));
    assertTrue(DeconOptions.configured(c));
    DeconOptions o = DeconOptions.from(c);
    assertEquals(
        List.of(
            new EvalSetSpec("fpb", "a.txt", "phrasebank", "text", "ISO-8859-1"),
            new EvalSetSpec("tw", "b.csv", "csv", "text", "UTF-8")),
        o.evalSets());
    assertEquals(Policy.DROP, o.policy());
    assertEquals("docs_decon", TokenizeOptions.from(c).inputTable());
  }

  @Test
  void badEntriesAreUserErrors() {
    for (String bad :
        List.of(
            "[{name = a, path = x, format = xml}]",
            "[{name = a, format = csv}]",
            "[{name = a, path = x, format = csv, colum = t}]",
            "[{name = a, path = x, format = csv}, {name = a, path = y, format = csv}]",
            "\"x.csv\"")) {
      SlimConfig c = SlimConfig.load(null, List.of("decontaminate.eval_sets=" + bad));
      UserError e = assertThrows(UserError.class, () -> DeconOptions.from(c), bad);
      assertTrue(e.render().contains("decontaminate.eval_sets"), e.render());
    }
    SlimConfig gold = SlimConfig.load(null, List.of("decontaminate.include_evaluate_gold=true"));
    assertThrows(UserError.class, () -> DeconOptions.from(gold));
  }
}
