package dev.slimspark.jobs.decon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.filter.FilterOptions;
import dev.slimspark.jobs.label.EvaluateOptions;
import dev.slimspark.lake.Table;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/**
 * The validated {@code decontaminate.*} settings; the only reader of those keys. Each DEFAULT_
 * constant equals slimspark-defaults.conf (checked by DeconOptionsTest), which explains every key.
 *
 * @param evalSets the eval sets to remove from the corpus; none = the stage is skipped
 * @param inputTable the documents to decontaminate (dedup's output by default)
 * @param ngram words per n-gram; longer items match on any shared n-gram
 * @param minWords items shorter than {@code ngram} words but at least this long match as whole
 *     normalized items; shorter ones are ignored and counted
 * @param maxNgramDocs an eval n-gram found in more documents than this is ignored and counted
 * @param policy drop (remove the document) or cut (remove each match plus a window)
 * @param cutWindowChars chars removed on each side of a match under cut
 * @param maxCuts a document cut more often than this is dropped instead
 * @param minRemainingChars a cut document whose remaining text is shorter than this (the filter's
 *     short-document length, SlimPajama form) is dropped
 * @param broadcastMaxNgrams the largest index shipped as an exact hash set; larger ones ship as a
 *     Bloom filter and candidates are confirmed by a join
 * @param bloomFpp false-positive rate of that Bloom filter
 * @param hitsBroadcastMaxDocs contaminated docs up to this many are broadcast against the corpus
 *     (no shuffle of the corpus); more are joined with a shuffle
 */
public record DeconOptions(
    List<EvalSetSpec> evalSets,
    String inputTable,
    int ngram,
    int minWords,
    int maxNgramDocs,
    Policy policy,
    int cutWindowChars,
    int maxCuts,
    int minRemainingChars,
    long broadcastMaxNgrams,
    double bloomFpp,
    long hitsBroadcastMaxDocs)
    implements Serializable {

  /** What happens to a contaminated document. */
  public enum Policy {
    DROP,
    CUT;

    String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final String P = "decontaminate.";

  /** No eval sets: the stage is skipped until some are configured. */
  public static final List<EvalSetSpec> DEFAULT_EVAL_SETS = List.of();

  /**
   * Off: the labeling gold set is often the very test set a model is scored on, but reading it from
   * {@code evaluate.gold} is a choice the user makes.
   */
  public static final boolean DEFAULT_INCLUDE_EVALUATE_GOLD = false;

  public static final String DEFAULT_INPUT_TABLE = Table.DOCS_DEDUP.id();

  /** 13 words: the rule of GPT-3, PaLM and NeMo Curator. Smaller n flags common phrases. */
  public static final int DEFAULT_NGRAM = 13;

  /**
   * Items of 8 to 12 words (tweets, headlines) match whole. Risk: lowering it flags documents that
   * merely share a short stock phrase with an item.
   */
  public static final int DEFAULT_MIN_WORDS = 8;

  /**
   * NeMo Curator's default. Risk: an eval sentence syndicated across many pages becomes "frequent"
   * and stays in the corpus; raise it for heavily duplicated corpora.
   */
  public static final int DEFAULT_MAX_NGRAM_DOCS = 10;

  /** GPT-3's policy: cut the match and a window, drop documents cut too often. */
  public static final Policy DEFAULT_POLICY = Policy.CUT;

  public static final int DEFAULT_CUT_WINDOW_CHARS = 200;
  public static final int DEFAULT_MAX_CUTS = 10;

  /** 20 M n-grams: 320 MiB of exact set per executor; larger indexes ship as a Bloom filter. */
  public static final long DEFAULT_BROADCAST_MAX_NGRAMS = 20_000_000L;

  public static final double DEFAULT_BLOOM_FPP = 0.01;
  public static final long DEFAULT_HITS_BROADCAST_MAX_DOCS = 1_000_000L;

  public DeconOptions {
    evalSets = List.copyOf(evalSets);
    check(ngram >= 1 && ngram <= 64, "ngram", ngram, "an integer in [1, 64]");
    check(minWords >= 1 && minWords <= ngram, "min_words", minWords, "in [1, ngram]");
    check(maxNgramDocs >= 1, "max_ngram_docs", maxNgramDocs, "a positive integer");
    check(cutWindowChars >= 0, "cut_window_chars", cutWindowChars, "0 or more");
    check(maxCuts >= 0, "max_cuts", maxCuts, "0 or more");
    check(broadcastMaxNgrams >= 0, "broadcast_max_ngrams", broadcastMaxNgrams, "0 or more");
    check(bloomFpp > 0 && bloomFpp < 0.5, "bloom_fpp", bloomFpp, "in (0, 0.5)");
    check(hitsBroadcastMaxDocs >= 0, "hits_broadcast_max_docs", hitsBroadcastMaxDocs, ">= 0");
    HashSet<String> names = new HashSet<>();
    for (EvalSetSpec s : evalSets) {
      if (!names.add(s.name())) {
        throw UserErrors.badConfigValue(
            P + "eval_sets",
            "two sets named \"" + s.name() + "\"",
            "a list of uniquely named sets");
      }
    }
  }

  private static void check(boolean ok, String key, Object got, String expected) {
    if (!ok) {
      throw UserErrors.badConfigValue(P + key, String.valueOf(got), expected);
    }
  }

  /** The defaults file's options (no eval sets) with the filter's default minimum length. */
  public static DeconOptions defaults() {
    return new DeconOptions(
        DEFAULT_EVAL_SETS,
        DEFAULT_INPUT_TABLE,
        DEFAULT_NGRAM,
        DEFAULT_MIN_WORDS,
        DEFAULT_MAX_NGRAM_DOCS,
        DEFAULT_POLICY,
        DEFAULT_CUT_WINDOW_CHARS,
        DEFAULT_MAX_CUTS,
        FilterOptions.defaults().rules().minSlimPajamaLength(),
        DEFAULT_BROADCAST_MAX_NGRAMS,
        DEFAULT_BLOOM_FPP,
        DEFAULT_HITS_BROADCAST_MAX_DOCS);
  }

  /** The same options with other eval sets (tests and benchmarks). */
  public DeconOptions withEvalSets(List<EvalSetSpec> sets) {
    return new DeconOptions(
        sets,
        inputTable,
        ngram,
        minWords,
        maxNgramDocs,
        policy,
        cutWindowChars,
        maxCuts,
        minRemainingChars,
        broadcastMaxNgrams,
        bloomFpp,
        hitsBroadcastMaxDocs);
  }

  /** Reads and checks the decontaminate.* keys (and the two keys of other stages it uses). */
  public static DeconOptions from(SlimConfig c) {
    Policy policy = Policy.valueOf(c.getEnum(P + "policy", "drop", "cut").toUpperCase(Locale.ROOT));
    return new DeconOptions(
        evalSets(c),
        c.getString(P + "input_table"),
        c.getInt(P + "ngram"),
        c.getInt(P + "min_words"),
        c.getInt(P + "max_ngram_docs"),
        policy,
        c.getInt(P + "cut_window_chars"),
        c.getInt(P + "max_cuts"),
        FilterOptions.from(c).rules().minSlimPajamaLength(),
        c.raw().getLong(P + "broadcast_max_ngrams"),
        c.getDouble(P + "bloom_fpp"),
        c.raw().getLong(P + "hits_broadcast_max_docs"));
  }

  /**
   * Whether any eval set is configured (without reading the files): tokenize reads the stage's
   * output instead of docs_dedup when it is.
   */
  public static boolean configured(SlimConfig c) {
    return !entries(c).isEmpty() || c.getBoolean(P + "include_evaluate_gold");
  }

  /**
   * The cleaned-docs table a later stage reads when its config names {@code table}: docs_decon in
   * place of docs_dedup when eval sets are configured, else {@code table} itself (tokenize and the
   * text export both follow this rule).
   */
  public static String docsTable(String table, SlimConfig c) {
    return table.equals(Table.DOCS_DEDUP.id()) && configured(c) ? Table.DOCS_DECON.id() : table;
  }

  private static List<EvalSetSpec> evalSets(SlimConfig c) {
    List<EvalSetSpec> sets = new ArrayList<>();
    List<? extends Config> entries = entries(c);
    for (int i = 0; i < entries.size(); i++) {
      sets.add(EvalSetSpec.from(entries.get(i), P + "eval_sets[" + i + "]"));
    }
    if (c.getBoolean(P + "include_evaluate_gold")) {
      EvaluateOptions e = EvaluateOptions.from(c);
      if (e.gold().isBlank()) {
        throw UserErrors.of(
            "decontaminate.include_evaluate_gold is true but there is no gold set.",
            "'evaluate.gold' is empty.",
            "Set evaluate.gold to the gold CSV or table, or set decontaminate.include_evaluate_gold = false.");
      }
      boolean csv = e.gold().toLowerCase(Locale.ROOT).endsWith(".csv") || e.gold().contains("/");
      sets.add(
          new EvalSetSpec(
              "evaluate_gold",
              e.gold(),
              csv ? "csv" : "table",
              e.goldTextColumn(),
              e.goldEncoding()));
    }
    return sets;
  }

  private static List<? extends Config> entries(SlimConfig c) {
    try {
      return c.raw().getConfigList(P + "eval_sets");
    } catch (ConfigException.WrongType e) {
      throw UserErrors.badConfigValue(
          P + "eval_sets",
          c.raw().getValue(P + "eval_sets").render(),
          "a list of objects, e.g. [{name = \"fpb\", path = \"Sentences_AllAgree.txt\", format = \"phrasebank\"}]");
    }
  }
}
