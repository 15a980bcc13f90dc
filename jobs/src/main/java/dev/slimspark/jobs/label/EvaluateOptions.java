package dev.slimspark.jobs.label;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import java.util.List;
import java.util.Set;

/**
 * Typed, immutable options of evaluate: the only reader of the {@code evaluate.*} keys. Every value
 * is checked here as a user error naming its key. Each DEFAULT_ constant is the defaults file's
 * value (EvaluateOptionsDefaultsTest).
 *
 * @param gold gold labels: CSV path or lake table name, joined to labels on doc id; "" is refused
 *     when read
 * @param goldIdColumn gold id column: ids that match no label row fail the match check
 * @param goldTextColumn gold text column (optional in the gold file)
 * @param goldLabelColumn gold label column: names, or integer ids into {@code labels}
 * @param goldEncoding charset of a CSV gold file
 * @param minMatchedShare share of gold ids that must have labels, else the check fails (exit 3) and
 *     nothing is written: a low share means the wrong file or id column
 * @param labels class names in id order; empty = the labels predicted
 * @param labelers labeler ids to evaluate; empty = every labeler in the labels table
 */
public record EvaluateOptions(
    String gold,
    String goldIdColumn,
    String goldTextColumn,
    String goldLabelColumn,
    String goldEncoding,
    double minMatchedShare,
    List<String> labels,
    List<String> labelers) {

  public static final String DEFAULT_GOLD = "";
  public static final String DEFAULT_GOLD_ID_COLUMN = "doc_id";
  public static final String DEFAULT_GOLD_TEXT_COLUMN = "text";
  public static final String DEFAULT_GOLD_LABEL_COLUMN = "label";
  public static final String DEFAULT_GOLD_ENCODING = "UTF-8";
  public static final double DEFAULT_MIN_MATCHED_SHARE = 0.5;
  public static final List<String> DEFAULT_LABELS = List.of();
  public static final List<String> DEFAULT_LABELERS = List.of();

  /**
   * The keys under {@code evaluate} this class reads: every key of that section in the defaults
   * file.
   */
  public static final Set<String> KEYS =
      Set.of(
          "gold",
          "gold_id_column",
          "gold_text_column",
          "gold_label_column",
          "gold_encoding",
          "min_matched_share",
          "labels",
          "labelers",
          "overlap.train",
          "overlap.threshold");

  private static final String P = "evaluate.";

  public EvaluateOptions {
    labels = List.copyOf(labels);
    labelers = List.copyOf(labelers);
    if (minMatchedShare < 0 || minMatchedShare > 1) {
      throw UserErrors.badConfigValue(
          P + "min_matched_share", String.valueOf(minMatchedShare), "in [0, 1]");
    }
  }

  /** The options of the defaults file. */
  public static EvaluateOptions defaults() {
    return new EvaluateOptions(
        DEFAULT_GOLD,
        DEFAULT_GOLD_ID_COLUMN,
        DEFAULT_GOLD_TEXT_COLUMN,
        DEFAULT_GOLD_LABEL_COLUMN,
        DEFAULT_GOLD_ENCODING,
        DEFAULT_MIN_MATCHED_SHARE,
        DEFAULT_LABELS,
        DEFAULT_LABELERS);
  }

  /** Reads and checks the {@code evaluate.*} keys. */
  public static EvaluateOptions from(SlimConfig c) {
    return new EvaluateOptions(
        c.getString(P + "gold"),
        c.getString(P + "gold_id_column"),
        c.getString(P + "gold_text_column"),
        c.getString(P + "gold_label_column"),
        c.getString(P + "gold_encoding"),
        c.getDouble(P + "min_matched_share"),
        c.getStringList(P + "labels"),
        c.getStringList(P + "labelers"));
  }

  /** No leakage check unless configured. */
  public static final String DEFAULT_OVERLAP_TRAIN = "";

  public static final double DEFAULT_OVERLAP_THRESHOLD = Overlap.DEFAULT_THRESHOLD;

  /**
   * The {@code evaluate.overlap.*} keys: the training data to check the gold against, and the
   * threshold. Apart from {@link #from} because only the stage uses them.
   */
  public static Overlap overlap(SlimConfig c) {
    double t = c.getDouble(P + "overlap.threshold");
    if (!(t > 0 && t <= 1)) {
      throw UserErrors.badConfigValue(P + "overlap.threshold", String.valueOf(t), "in (0, 1]");
    }
    return new Overlap(c.getString(P + "overlap.train"), t, Overlap.Drop.NONE);
  }

  /** The columns to read the training data by for the leakage check (the gold's id and text). */
  LabeledData.Columns overlapTrainColumns() {
    return new LabeledData.Columns(
        P + "gold_id_column",
        goldIdColumn,
        goldTextColumn,
        true,
        null,
        P + "gold_encoding",
        goldEncoding);
  }

  /** The columns to read the gold labels by (text optional), with the keys that messages name. */
  LabeledData.Columns goldColumns() {
    return new LabeledData.Columns(
        P + "gold_id_column",
        goldIdColumn,
        goldTextColumn,
        false,
        goldLabelColumn,
        P + "gold_encoding",
        goldEncoding);
  }
}
