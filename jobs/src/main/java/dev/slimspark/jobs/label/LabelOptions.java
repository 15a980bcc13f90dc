package dev.slimspark.jobs.label;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.lake.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Typed, immutable options of label: the only reader of the {@code label.*} keys, the labeler
 * entries included ({@link LabelerOptions}). Every value is checked here as a user error naming its
 * key; the model and pool files are checked when the labelers are built. Each DEFAULT_ constant is
 * the defaults file's value (LabelOptionsDefaultsTest).
 *
 * @param input documents to label: lake table name or CSV path
 * @param idColumn id column (also the pools' default); CSVs without it get path+index ids
 * @param textColumn text column
 * @param encoding charset of a CSV input
 * @param duplicateIds rows sharing an id: "error" (exit 2) or "first" (the others dropped and
 *     counted)
 * @param labelers the labelers, in config order; none is valid config but nothing to run
 * @param encoder default encoder of knn-vote labelers and k-shot knn selection
 * @param maxLength default encoder tokens per text of the labelers
 * @param batchSize default encoder texts per forward pass of the labelers
 * @param partitions repartition the input to this many first; 0 = keep its partitioning
 * @param commitEveryRows rows per commit to labels (about): a killed run loses at most the commits
 *     in flight, and each commit re-reads the cached input, so too small a value costs input scans
 */
public record LabelOptions(
    String input,
    String idColumn,
    String textColumn,
    String encoding,
    String duplicateIds,
    List<LabelerOptions> labelers,
    String encoder,
    int maxLength,
    int batchSize,
    int partitions,
    long commitEveryRows) {

  /** The filter stage's output (a table name; a CSV path works too). */
  public static final String DEFAULT_INPUT = Table.DOCS_FILTERED.id();

  public static final String DEFAULT_ID_COLUMN = "doc_id";
  public static final String DEFAULT_TEXT_COLUMN = "text";
  public static final String DEFAULT_ENCODING = "UTF-8";

  /** Refuse: one document with several labels would be counted more than once by evaluate. */
  public static final String DEFAULT_DUPLICATE_IDS = "error";

  public static final List<LabelerOptions> DEFAULT_LABELERS = List.of();
  public static final String DEFAULT_ENCODER = "builtin:all-minilm-l6-v2-q";
  public static final int DEFAULT_MAX_LENGTH = 256;
  public static final int DEFAULT_BATCH_SIZE = 32;
  public static final int DEFAULT_PARTITIONS = 0;
  public static final long DEFAULT_COMMIT_EVERY_ROWS = 100000;

  /**
   * The keys under {@code label} this class reads: every key of that section in the defaults file.
   */
  public static final Set<String> KEYS =
      Set.of(
          "input",
          "id_column",
          "text_column",
          "encoding",
          "duplicate_ids",
          "labelers",
          "encoder",
          "max_length",
          "batch_size",
          "partitions",
          "commit_every_rows");

  private static final String P = "label.";

  public LabelOptions {
    labelers = List.copyOf(labelers);
    OptionChecks.oneOf(P + "duplicate_ids", duplicateIds, "error", "first");
    OptionChecks.atLeast(P + "commit_every_rows", commitEveryRows, 1, "at least 1");
  }

  /** The options of the defaults file. */
  public static LabelOptions defaults() {
    return new LabelOptions(
        DEFAULT_INPUT,
        DEFAULT_ID_COLUMN,
        DEFAULT_TEXT_COLUMN,
        DEFAULT_ENCODING,
        DEFAULT_DUPLICATE_IDS,
        DEFAULT_LABELERS,
        DEFAULT_ENCODER,
        DEFAULT_MAX_LENGTH,
        DEFAULT_BATCH_SIZE,
        DEFAULT_PARTITIONS,
        DEFAULT_COMMIT_EVERY_ROWS);
  }

  /** Reads and checks the {@code label.*} keys, each labeler entry included. */
  public static LabelOptions from(SlimConfig c) {
    String idColumn = c.getString(P + "id_column");
    String encoder = c.getString(P + "encoder");
    int maxLength = c.getInt(P + "max_length");
    int batchSize = c.getInt(P + "batch_size");
    LabelerOptions.EntryDefaults d =
        new LabelerOptions.EntryDefaults(idColumn, encoder, maxLength, batchSize);
    List<LabelerOptions> labelers = new ArrayList<>();
    for (Config e : labelerEntries(c)) {
      labelers.add(LabelerOptions.parse(e, d));
    }
    return new LabelOptions(
        c.getString(P + "input"),
        idColumn,
        c.getString(P + "text_column"),
        c.getString(P + "encoding"),
        c.getString(P + "duplicate_ids"),
        labelers,
        encoder,
        maxLength,
        batchSize,
        c.getInt(P + "partitions"),
        c.getInt(P + "commit_every_rows"));
  }

  private static List<? extends Config> labelerEntries(SlimConfig c) {
    try {
      return c.raw().getConfigList(P + "labelers");
    } catch (ConfigException.WrongType e) {
      throw UserErrors.badConfigValue(
          P + "labelers",
          c.raw().getValue(P + "labelers").render(ConfigRenderOptions.concise()),
          "a list of objects, e.g. [{type = \"fine-tuned\", model = \"models/sentiment\"}]");
    }
  }

  /** The labelers to run; none is a user error (the default config has none). */
  public List<LabelerOptions> labelersToRun() {
    if (labelers.isEmpty()) {
      throw UserErrors.of(
          "No labelers are configured.",
          "'label.labelers' is empty.",
          "Add e.g. label.labelers = [{type = \"fine-tuned\", model = \"models/sentiment\"}, {type = \"knn-vote\", k = 5, pool = \"train.csv\"}].");
    }
    return labelers;
  }

  /** The columns to read the documents by, with the keys that messages name. */
  LabeledData.Columns columns() {
    return new LabeledData.Columns(
        P + "id_column", idColumn, textColumn, true, null, P + "encoding", encoding);
  }
}
