package dev.slimspark.jobs.label;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The {@code labels} table: one row per (document, labeler). */
public final class LabelsTable {
  public static final StructType SCHEMA =
      new StructType()
          .add("doc_id", DataTypes.StringType, false)
          .add("labeler_id", DataTypes.StringType, false)
          .add("labeler_type", DataTypes.StringType, false)
          .add("label", DataTypes.StringType, true)
          .add(
              "scores",
              DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false),
              true)
          .add("demo_ids", DataTypes.createArrayType(DataTypes.StringType, false), true)
          .add("tokens_processed", DataTypes.IntegerType, false)
          .add("truncated", DataTypes.BooleanType, false)
          .add("model_version", DataTypes.StringType, true)
          .add("error", DataTypes.StringType, true)
          .add("device_ms", DataTypes.DoubleType, false)
          .add("run_id", DataTypes.StringType, false);

  private LabelsTable() {}

  /** Fields a labeler needs to build rows on executors (Labelers themselves may not serialize). */
  public record Ident(String id, String type, String modelVersion) implements java.io.Serializable {
    Row row(
        String docId,
        String label,
        Map<String, Double> scores,
        List<String> demoIds,
        int tokens,
        boolean truncated,
        String error,
        double deviceMs,
        String runId) {
      return RowFactory.create(
          docId,
          id,
          type,
          label,
          scores == null
              ? null
              : scala.collection.JavaConverters.mapAsScalaMap(new LinkedHashMap<>(scores)),
          demoIds == null
              ? null
              : scala.collection.JavaConverters.asScalaBuffer(new ArrayList<>(demoIds)).toSeq(),
          tokens,
          truncated,
          modelVersion,
          error,
          deviceMs,
          runId);
    }
  }
}
