package dev.slimspark.jobs.label;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.udfs.djl.ModelDir;
import java.util.List;
import java.util.Set;

/**
 * Typed, immutable options of finetune: the only reader of the {@code finetune.*} keys (see
 * slimspark-defaults.conf for each key's full story). Every value is checked here, as a user error
 * naming its key, before any data is read; the checks that need files (encoder, output directory)
 * are the stage's. Each DEFAULT_ constant is the defaults file's value
 * (FinetuneOptionsDefaultsTest).
 *
 * @param input labeled training data: CSV path or lake table name; "" is refused when read
 * @param idColumn id column; CSVs without it get path+index ids
 * @param textColumn text column
 * @param labelColumn label column: names, or integer ids into {@code labels}
 * @param encoding charset of a CSV input; invalid bytes become summary warnings
 * @param minRowsPerClass classes with fewer usable rows get a warning (their recall is mostly luck)
 * @param labels label names in id order; empty = the sorted distinct label values
 * @param encoder frozen encoder: a local directory or a {@code builtin:} name
 * @param pooling "cls", "mean" or "auto" (cls for the builtin BGE, else mean): a wrong one hurts
 *     accuracy without any error
 * @param lexical token n-gram tf-idf features beside the embedding
 * @param lexicalBuckets hash buckets of token bigrams; the head grows by this many weights per
 *     class
 * @param maxLength tokens per text, [CLS]/[SEP] included; longer texts are truncated and counted
 * @param batchSize texts per forward pass (memory grows with it)
 * @param output model directory; replaced whole when finetune wrote it, else refused unless empty
 * @param regParam L2 strength of the logistic regression (see the defaults file for how it was
 *     chosen)
 * @param elasticNet L1 share of the penalty
 * @param maxIter L-BFGS iteration cap; a head cut off there is reported as not converged
 * @param standardize standardize features (blows up rare n-gram features; off by default)
 * @param classWeights "balanced" (n / (classes * n_c)) or "none"
 * @param holdoutFraction share of rows held out by a seeded id hash and scored; 0 = train on all
 * @param seed seed of the holdout hash (and, in encoder mode, of the shuffling)
 * @param mode "head" (logistic regression on the frozen encoder) or "encoder" (the encoder's
 *     weights are trained too; see {@link FinetuneEncoderAction})
 * @param training the encoder mode's hyper-parameters
 */
public record FinetuneOptions(
    String input,
    String idColumn,
    String textColumn,
    String labelColumn,
    String encoding,
    int minRowsPerClass,
    List<String> labels,
    String encoder,
    String pooling,
    boolean lexical,
    int lexicalBuckets,
    int maxLength,
    int batchSize,
    String output,
    double regParam,
    double elasticNet,
    int maxIter,
    boolean standardize,
    String classWeights,
    double holdoutFraction,
    long seed,
    String mode,
    EncoderTraining training) {

  public static final String DEFAULT_INPUT = "";
  public static final String DEFAULT_ID_COLUMN = "doc_id";
  public static final String DEFAULT_TEXT_COLUMN = "text";
  public static final String DEFAULT_LABEL_COLUMN = "label";
  public static final String DEFAULT_ENCODING = "UTF-8";
  public static final int DEFAULT_MIN_ROWS_PER_CLASS = 5;
  public static final List<String> DEFAULT_LABELS = List.of();

  /**
   * BGE-small-en-v1.5, int8, shipped in the jar: no download, but embeddings vary ~1e-2 by batch.
   */
  public static final String DEFAULT_ENCODER = ModelDir.BUILTIN_BGE_SMALL;

  public static final String DEFAULT_POOLING = "auto";
  public static final boolean DEFAULT_LEXICAL = true;
  public static final int DEFAULT_LEXICAL_BUCKETS = 65536;
  public static final int DEFAULT_MAX_LENGTH = 256;
  public static final int DEFAULT_BATCH_SIZE = 32;
  public static final String DEFAULT_OUTPUT = "models/finetuned";

  /** Chosen on a validation slice of the tweets' train split; with far fewer rows try 1e-4. */
  public static final double DEFAULT_REG_PARAM = 0.00001;

  public static final double DEFAULT_ELASTIC_NET = 0.0;

  /**
   * A cap, not a count: the tweets' head converges after ~180 iterations (at 100 it was cut off).
   */
  public static final int DEFAULT_MAX_ITER = 1000;

  public static final boolean DEFAULT_STANDARDIZE = false;
  public static final String DEFAULT_CLASS_WEIGHTS = "balanced";
  public static final double DEFAULT_HOLDOUT_FRACTION = 0.0;
  public static final long DEFAULT_SEED = 42;
  public static final String DEFAULT_MODE = "head";
  public static final int DEFAULT_EPOCHS = 3;

  /**
   * Within BERT fine-tuning's usual 2e-5..5e-5; higher rates forget more of the pretrained encoder.
   */
  public static final double DEFAULT_LEARNING_RATE = 3e-5;

  /** The head starts from the linear probe, so it needs only a modestly larger rate. */
  public static final double DEFAULT_HEAD_LEARNING_RATE = 1e-3;

  public static final double DEFAULT_WARMUP_FRACTION = 0.1;
  public static final double DEFAULT_WEIGHT_DECAY = 0.01;
  public static final int DEFAULT_TRAIN_BATCH_SIZE = 16;
  public static final int DEFAULT_TRAIN_LAYERS = -1;
  public static final int DEFAULT_PATIENCE = 1;
  public static final int DEFAULT_THREADS = 0;

  /** The usual BERT fine-tuning clip; what kept the 3-epoch tweet runs finite. */
  public static final double DEFAULT_MAX_GRAD_NORM = 1.0;

  /**
   * The keys under {@code finetune} this class reads: every key of that section in the defaults
   * file.
   */
  public static final Set<String> KEYS =
      Set.of(
          "input",
          "id_column",
          "text_column",
          "label_column",
          "encoding",
          "min_rows_per_class",
          "labels",
          "encoder",
          "pooling",
          "lexical",
          "lexical_buckets",
          "max_length",
          "batch_size",
          "output",
          "reg_param",
          "elastic_net",
          "max_iter",
          "standardize",
          "class_weights",
          "holdout_fraction",
          "seed",
          "mode",
          "epochs",
          "learning_rate",
          "head_learning_rate",
          "warmup_fraction",
          "weight_decay",
          "train_batch_size",
          "train_layers",
          "patience",
          "threads",
          "max_grad_norm",
          "overlap.eval",
          "overlap.threshold",
          "overlap.drop");

  private static final String P = "finetune.";

  public FinetuneOptions {
    labels = List.copyOf(labels);
    OptionChecks.oneOf(P + "pooling", pooling, "auto", "mean", "cls");
    // max_length and batch_size, checked as the encoder will take them (fields are not set yet
    // here)
    new EncoderSettings(encoder, maxLength, batchSize, false, resolve(pooling, encoder));
    if (lexical && lexicalBuckets < 1) {
      throw UserErrors.badConfigValue(
          P + "lexical_buckets", String.valueOf(lexicalBuckets), "at least 1");
    }
    if (output.isBlank()) {
      throw UserErrors.badConfigValue(P + "output", "\"\"", "a directory path for the model");
    }
    if (holdoutFraction < 0 || holdoutFraction >= 1) {
      throw UserErrors.badConfigValue(
          P + "holdout_fraction", String.valueOf(holdoutFraction), "in [0, 1)");
    }
    OptionChecks.oneOf(P + "class_weights", classWeights, "balanced", "none");
    OptionChecks.oneOf(P + "mode", mode, "head", "encoder");
  }

  /** The options of the defaults file. */
  public static FinetuneOptions defaults() {
    return new FinetuneOptions(
        DEFAULT_INPUT,
        DEFAULT_ID_COLUMN,
        DEFAULT_TEXT_COLUMN,
        DEFAULT_LABEL_COLUMN,
        DEFAULT_ENCODING,
        DEFAULT_MIN_ROWS_PER_CLASS,
        DEFAULT_LABELS,
        DEFAULT_ENCODER,
        DEFAULT_POOLING,
        DEFAULT_LEXICAL,
        DEFAULT_LEXICAL_BUCKETS,
        DEFAULT_MAX_LENGTH,
        DEFAULT_BATCH_SIZE,
        DEFAULT_OUTPUT,
        DEFAULT_REG_PARAM,
        DEFAULT_ELASTIC_NET,
        DEFAULT_MAX_ITER,
        DEFAULT_STANDARDIZE,
        DEFAULT_CLASS_WEIGHTS,
        DEFAULT_HOLDOUT_FRACTION,
        DEFAULT_SEED,
        DEFAULT_MODE,
        new EncoderTraining(
            DEFAULT_EPOCHS,
            DEFAULT_LEARNING_RATE,
            DEFAULT_HEAD_LEARNING_RATE,
            DEFAULT_WARMUP_FRACTION,
            DEFAULT_WEIGHT_DECAY,
            DEFAULT_TRAIN_BATCH_SIZE,
            DEFAULT_TRAIN_LAYERS,
            DEFAULT_PATIENCE,
            DEFAULT_THREADS,
            DEFAULT_MAX_GRAD_NORM));
  }

  /** Reads and checks the {@code finetune.*} keys. */
  public static FinetuneOptions from(SlimConfig c) {
    return new FinetuneOptions(
        c.getString(P + "input"),
        c.getString(P + "id_column"),
        c.getString(P + "text_column"),
        c.getString(P + "label_column"),
        c.getString(P + "encoding"),
        c.getInt(P + "min_rows_per_class"),
        c.getStringList(P + "labels"),
        c.getString(P + "encoder"),
        c.getString(P + "pooling"),
        c.getBoolean(P + "lexical"),
        c.getInt(P + "lexical_buckets"),
        c.getInt(P + "max_length"),
        c.getInt(P + "batch_size"),
        c.getString(P + "output"),
        c.getDouble(P + "reg_param"),
        c.getDouble(P + "elastic_net"),
        c.getInt(P + "max_iter"),
        c.getBoolean(P + "standardize"),
        c.getString(P + "class_weights"),
        c.getDouble(P + "holdout_fraction"),
        c.getInt(P + "seed"),
        c.getString(P + "mode"),
        new EncoderTraining(
            c.getInt(P + "epochs"),
            c.getDouble(P + "learning_rate"),
            c.getDouble(P + "head_learning_rate"),
            c.getDouble(P + "warmup_fraction"),
            c.getDouble(P + "weight_decay"),
            c.getInt(P + "train_batch_size"),
            c.getInt(P + "train_layers"),
            c.getInt(P + "patience"),
            c.getInt(P + "threads"),
            c.getDouble(P + "max_grad_norm")));
  }

  /** "cls" or "mean": {@code pooling} with "auto" resolved for the encoder. */
  public String resolvedPooling() {
    return resolve(pooling, encoder);
  }

  private static String resolve(String pooling, String encoder) {
    return pooling.equals("auto") ? ModelDir.defaultPooling(encoder) : pooling;
  }

  /** How the tasks run the encoder (hidden states, not logits). */
  public EncoderSettings encoderSettings() {
    return new EncoderSettings(encoder, maxLength, batchSize, false, resolvedPooling());
  }

  /** Whether the encoder's weights are trained ({@code mode = "encoder"}). */
  public boolean trainsEncoder() {
    return mode.equals("encoder");
  }

  /** Whether classes are weighted n / (classes * n_c). */
  public boolean balancedClassWeights() {
    return classWeights.equals("balanced");
  }

  /** No leakage check unless configured. */
  public static final String DEFAULT_OVERLAP_EVAL = "";

  public static final double DEFAULT_OVERLAP_THRESHOLD = Overlap.DEFAULT_THRESHOLD;
  public static final Overlap.Drop DEFAULT_OVERLAP_DROP = Overlap.DEFAULT_DROP;

  /**
   * The {@code finetune.overlap.*} keys: the train/eval leakage check (eval data, threshold, which
   * overlapping training rows to drop). Apart from {@link #from} because only the stage uses them.
   */
  public static Overlap overlap(SlimConfig c) {
    String drop = c.getEnum(P + "overlap.drop", "none", "exact", "near");
    double t = c.getDouble(P + "overlap.threshold");
    if (!(t > 0 && t <= 1)) {
      throw UserErrors.badConfigValue(P + "overlap.threshold", String.valueOf(t), "in (0, 1]");
    }
    return new Overlap(
        c.getString(P + "overlap.eval"),
        t,
        Overlap.Drop.valueOf(drop.toUpperCase(java.util.Locale.ROOT)));
  }

  /** The columns to read the leakage check's eval data by: the training data's id and text. */
  LabeledData.Columns overlapEvalColumns() {
    return new LabeledData.Columns(
        P + "id_column", idColumn, textColumn, true, null, P + "encoding", encoding);
  }

  /** The columns to read the training data by, with the keys that messages name. */
  LabeledData.Columns columns() {
    return new LabeledData.Columns(
        P + "id_column", idColumn, textColumn, true, labelColumn, P + "encoding", encoding);
  }
}
