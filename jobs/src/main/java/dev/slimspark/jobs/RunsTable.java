package dev.slimspark.jobs;

import dev.slimspark.lake.Table;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code runs} Delta table: one row appended per job run, the same facts as its summary line.
 */
public final class RunsTable {
  public static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("job", DataTypes.StringType, false)
          .add("status", DataTypes.StringType, false)
          .add("started_at", DataTypes.TimestampType, false)
          .add("ended_at", DataTypes.TimestampType, false)
          .add("wall_ms", DataTypes.LongType, false)
          .add("config_hash", DataTypes.StringType, false)
          .add("code_version", DataTypes.StringType, false)
          .add("inputs", DataTypes.createArrayType(DataTypes.StringType, false), false)
          .add("counts_json", DataTypes.StringType, false)
          .add("outputs_json", DataTypes.StringType, false)
          .add("summary_json", DataTypes.StringType, false)
          .add("input_state_json", DataTypes.StringType, false);

  private RunsTable() {}

  /**
   * Appends the summary's row, with the state of its inputs now (what {@link Resume} compares
   * against), after the stage's last commit: a row means the stage's outputs are committed. Returns
   * the runs table's new version.
   */
  public static long record(JobSummary s) {
    RunContext run = s.run();
    s.inputState(Resume.inputState(run, s.inputs()));
    Row row =
        RowFactory.create(
            run.runId(),
            s.job(),
            s.status().json(),
            Timestamp.from(run.started()),
            Timestamp.from(Instant.now()),
            run.elapsedMs(),
            run.configHash(),
            run.codeVersion(),
            scala.collection.JavaConverters.asScalaBuffer(s.inputs()).toSeq(),
            JobSummary.toJson(s.counts()),
            JobSummary.toJson(s.outputs()),
            s.toJson(),
            JobSummary.toJson(s.inputState()));
    Dataset<Row> df = run.spark().createDataFrame(List.of(row), SCHEMA).coalesce(1);
    // Lakes written before input_state_json existed gain the column.
    return run.lake().appendEvolving(df, Table.RUNS, run.commitMetadata(s.job()));
  }
}
