package dev.slimspark.jobs.label;

import java.io.Serializable;
import java.util.Locale;

/**
 * Settings of the train/eval leakage check that finetune ({@code finetune.overlap.*}) and evaluate
 * ({@code evaluate.overlap.*}) run with {@link TrainEvalOverlap}; their options classes read the
 * keys.
 *
 * @param other the other side: for finetune the evaluation data, for evaluate the training data
 *     (CSV path or table); "" = no check
 * @param threshold Jaccard similarity of the character 5-gram shingle sets of the normalized texts
 *     at or above which two texts are near duplicates. Risk: below ~0.6 short texts that only share
 *     boilerplate ("$AAPL shares rise") match
 * @param drop finetune only: which overlapping training rows are removed before training
 */
public record Overlap(String other, double threshold, Drop drop) implements Serializable {
  /** SlimPajama-like near-duplicate level, as dedup.near.threshold. */
  public static final double DEFAULT_THRESHOLD = 0.8;

  public static final Drop DEFAULT_DROP = Drop.NONE;

  /** Which overlapping training rows finetune removes. */
  public enum Drop {
    /** Report only. */
    NONE,
    /** Rows whose normalized text equals an eval item's. */
    EXACT,
    /** Rows at or above the threshold against an eval item (exact ones included). */
    NEAR;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Overlap {
    if (!(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException("a number in (0, 1]");
    }
  }

  public boolean enabled() {
    return !other.isBlank();
  }

  static Overlap off() {
    return new Overlap("", DEFAULT_THRESHOLD, DEFAULT_DROP);
  }
}
