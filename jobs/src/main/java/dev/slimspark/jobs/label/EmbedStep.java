package dev.slimspark.jobs.label;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.udfs.djl.Batching;
import dev.slimspark.udfs.djl.Devices;
import dev.slimspark.udfs.djl.Encoded;
import dev.slimspark.udfs.djl.ModelDir;
import dev.slimspark.udfs.djl.SentenceEncoder;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;

/**
 * Adds encoder outputs to every row, one pass per partition: the JVM's cached encoder for the
 * task's device, rows pulled in windows of {@link #WINDOW_BATCHES} batches, texts sorted by length
 * inside a window (then put back in order) so each forward pass pads little. Empty or
 * whitespace-only text is not sent to the model: the row gets {@code error = "empty_text"} and a
 * null vector.
 */
public final class EmbedStep {
  /** Batches per sort window: bigger windows pad less but hold more rows in memory. */
  static final int WINDOW_BATCHES = 8;

  public static final String EMPTY_TEXT = "empty_text";

  /** Columns appended to the input's. */
  public static final StructType ADDED =
      new StructType()
          .add("vector", DataTypes.createArrayType(DataTypes.FloatType, false), true)
          .add("tokens_processed", DataTypes.IntegerType, false)
          .add("truncated", DataTypes.BooleanType, false)
          .add("device_ms", DataTypes.DoubleType, false)
          .add("error", DataTypes.StringType, true);

  private EmbedStep() {}

  /** {@code in} with the {@link #ADDED} columns; {@code textCol} is the text to encode. */
  public static Dataset<Row> apply(Dataset<Row> in, String textCol, EncoderSettings s) {
    return apply(in, textCol, s, false);
  }

  /**
   * As {@link #apply(Dataset, String, EncoderSettings)}; with {@code withIds} one more column,
   * {@code token_ids} (array of long, the ids the model saw; null for empty text).
   */
  public static Dataset<Row> apply(
      Dataset<Row> in, String textCol, EncoderSettings s, boolean withIds) {
    return apply(in, textCol, s, withIds, null);
  }

  /**
   * As {@link #apply(Dataset, String, EncoderSettings, boolean)}; {@code loadMs} (may be null)
   * receives each task's wait for its encoder in ms (see {@link Labeler#label(Dataset, String,
   * CollectionAccumulator)}).
   */
  public static Dataset<Row> apply(
      Dataset<Row> in,
      String textCol,
      EncoderSettings s,
      boolean withIds,
      CollectionAccumulator<Long> loadMs) {
    StructType out = new StructType();
    for (StructField f : in.schema().fields()) {
      out = out.add(f);
    }
    for (StructField f : ADDED.fields()) {
      out = out.add(f);
    }
    if (withIds) {
      out = out.add("token_ids", DataTypes.createArrayType(DataTypes.LongType, false), true);
    }
    int t = in.schema().fieldIndex(textCol);
    int width = in.schema().size();
    int window = s.batchSize() * WINDOW_BATCHES;
    MapPartitionsFunction<Row, Row> fn =
        rows -> {
          SentenceEncoder[] enc = new SentenceEncoder[1]; // Loaded on the first non-empty window.
          return Batching.perWindow(
              rows, window, w -> process(w, enc, s, t, width, withIds, loadMs));
        };
    return in.mapPartitions(fn, Encoders.row(out));
  }

  private static List<Row> process(
      List<Row> w,
      SentenceEncoder[] enc,
      EncoderSettings s,
      int t,
      int width,
      boolean withIds,
      CollectionAccumulator<Long> loadMs) {
    List<String> texts = new ArrayList<>();
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i < w.size(); i++) {
      String x = w.get(i).isNullAt(t) ? null : w.get(i).getString(t);
      if (x != null && !x.isBlank()) {
        texts.add(x);
        at.add(i);
      }
    }
    Encoded[] res = new Encoded[w.size()];
    double msEach = 0;
    if (!texts.isEmpty()) {
      if (enc[0] == null) {
        long l0 = System.nanoTime();
        try {
          enc[0] =
              SentenceEncoder.forCurrentTask(
                  ModelDir.resolve(s.spec()), s.maxLength(), s.logits(), s.pooling());
          if (loadMs != null) {
            loadMs.add((System.nanoTime() - l0) / 1_000_000);
          }
        } catch (ModelDir.MissingModelFileException e) {
          throw EncoderSettings.missing(e);
        } catch (Devices.GpuUnavailableException e) {
          throw UserErrors.gpuUnavailable(e);
        }
      }
      long t0 = System.nanoTime();
      List<Encoded> e = enc[0].encodeAll(texts, s.batchSize());
      // Inference time shared evenly by the window's texts: device-seconds per doc.
      msEach = (System.nanoTime() - t0) / 1e6 / texts.size();
      for (int i = 0; i < at.size(); i++) {
        res[at.get(i)] = e.get(i);
      }
    }
    List<Row> o = new ArrayList<>(w.size());
    for (int i = 0; i < w.size(); i++) {
      Object[] v = new Object[width + ADDED.size() + (withIds ? 1 : 0)];
      Row r = w.get(i);
      for (int k = 0; k < width; k++) {
        v[k] = r.get(k);
      }
      Encoded e = res[i];
      if (e == null) {
        v[width] = null;
        v[width + 1] = 0;
        v[width + 2] = false;
        v[width + 3] = 0.0;
        v[width + 4] = EMPTY_TEXT;
      } else {
        v[width] = e.vector();
        v[width + 1] = e.tokens();
        v[width + 2] = e.truncated();
        v[width + 3] = msEach;
        v[width + 4] = null;
        if (withIds) {
          v[width + 5] = e.ids();
        }
      }
      o.add(RowFactory.create(v));
    }
    return o;
  }

  /**
   * Positions of the {@link #ADDED} columns in an {@link #apply} output, and the labels row of an
   * embedded row that carries an error (labelers emit it unchanged, with no label).
   */
  record Columns(int vector, int tokens, int truncated, int deviceMs, int error)
      implements java.io.Serializable {
    static Columns of(StructType schema) {
      return new Columns(
          schema.fieldIndex("vector"),
          schema.fieldIndex("tokens_processed"),
          schema.fieldIndex("truncated"),
          schema.fieldIndex("device_ms"),
          schema.fieldIndex("error"));
    }

    /** The error row for {@code r} (doc id in column 0), or null when {@code r} has a vector. */
    Row errorRow(LabelsTable.Ident id, Row r, String runId) {
      if (r.isNullAt(error)) {
        return null;
      }
      return id.row(
          r.getString(0),
          null,
          null,
          null,
          r.getInt(tokens),
          r.getBoolean(truncated),
          r.getString(error),
          r.getDouble(deviceMs),
          runId);
    }
  }

  /** A row's vector column as a float array (Spark hands back a Seq or a float[]). */
  static float[] vector(Row r, int i) {
    if (r.isNullAt(i)) {
      return null;
    }
    Object o = r.get(i);
    if (o instanceof float[] f) {
      return f;
    }
    List<Object> l = r.getList(i);
    float[] f = new float[l.size()];
    for (int k = 0; k < f.length; k++) {
      f[k] = ((Number) l.get(k)).floatValue();
    }
    return f;
  }
}
