package dev.slimspark.jobs.label;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;

/**
 * One way of labeling documents, configured as an entry of {@code label.labelers}. Implementations
 * are built on the driver by a {@link Labelers} factory (which validates config and model files as
 * user errors) and label a Dataset of {@code (id, text)} into rows of {@link LabelsTable#SCHEMA}.
 * New kinds (e.g. a k-shot language-model labeler) register a factory in {@link Labelers}.
 */
public interface Labeler {
  /** Type, id and model version written to every row (see {@link LabelsTable.Ident}). */
  LabelsTable.Ident ident();

  /** The config {@code type}, e.g. "fine-tuned". */
  default String type() {
    return ident().type();
  }

  /**
   * Fingerprint of everything that changes this labeler's output (model bytes, k, pool, seed...):
   * rows already in {@code labels} with this id are skipped on re-runs.
   */
  default String id() {
    return ident().id();
  }

  /** Human-readable model version written to every row. */
  default String modelVersion() {
    return ident().modelVersion();
  }

  /**
   * Labels {@code docs} (columns id, text) and returns one row per input row in {@link
   * LabelsTable#SCHEMA}. Empty text gives a row with {@code error} set, never an exception.
   */
  Dataset<Row> label(Dataset<Row> docs, String runId);

  /**
   * As {@link #label(Dataset, String)}; {@code loadMs} (may be null) receives, per task, the
   * milliseconds it waited for its model (a load, or ~0 when the JVM had it cached), so that the
   * stage can report model loading apart from throughput. Kinds that do not measure it ignore it.
   */
  default Dataset<Row> label(Dataset<Row> docs, String runId, CollectionAccumulator<Long> loadMs) {
    return label(docs, runId);
  }
}
