package dev.slimspark.jobs.pack;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.Stage;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import io.delta.tables.DeltaTable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * pack: docs_tokens → packed_rows in one Delta commit. Thin: {@link PackOptions} reads the config,
 * {@link PackAction} packs (see there for the steps and why the output is deterministic), this
 * class writes packed_rows and maps the {@link PackResult} into the summary ({@link PackSummary}).
 *
 * <p>Risks: packed rows are persisted on local disk between packing and writing, about the size of
 * the output (executors need that much scratch disk); changing pack.partition_tokens or
 * pack.window_tokens changes rows.
 */
public final class PackStage implements Stage {
  /** packed_rows is read too when appending (shard ids continue after the existing ones). */
  public static final List<Table> INPUTS = List.of(Table.DOCS_TOKENS);

  public static final List<Table> OUTPUTS = List.of(Table.PACKED_ROWS);

  @Override
  public String name() {
    return "pack";
  }

  @Override
  public String description() {
    return "mix, split and pack token sequences into rows of seq_len+1 (concat or best-fit) -> packed_rows";
  }

  @Override
  public String[] configPrefixes() {
    return new String[] {"lake", "pack"};
  }

  /**
   * docs_tokens written before tokens became one binary value per document (array&lt;int&gt;, no
   * dtype column) cannot be packed; say so instead of failing in Spark's analyzer.
   */
  static void requireBinaryTokens(Dataset<Row> tokens, String path) {
    StructType schema = tokens.schema();
    boolean binary =
        Arrays.asList(schema.fieldNames()).contains("dtype")
            && schema.apply("tokens").dataType().equals(DataTypes.BinaryType);
    if (!binary) {
      throw UserErrors.of(
          "docs_tokens at "
              + path
              + " stores tokens as "
              + schema.apply("tokens").dataType().simpleString()
              + " without a dtype column.",
          "It was written by an older slimspark; tokens are now one little-endian binary value per"
              + " document (uint16 or int32, named by the dtype column).",
          "Remove "
              + path
              + " and run `bin/slimspark run --conf FILE` again: tokenize rewrites it,"
              + " and pack and export are redone because their input changed.");
    }
  }

  /**
   * Shard files a write task keeps open at once (each buffers up to one 32 MiB row group). A task
   * whose rows span more shards (a small pack.target_file_bytes) sorts the rest, as Spark does.
   */
  static final int OPEN_SHARD_WRITERS = 2;

  @Override
  public JobSummary run(RunContext ctx) {
    PackOptions c = PackOptions.from(ctx.config());
    Lake lake = ctx.lake();
    JobSummary summary = new JobSummary(name(), ctx);
    summary.input(lake.path(Table.DOCS_TOKENS));

    Dataset<Row> tokens = lake.read(Table.DOCS_TOKENS);
    requireBinaryTokens(tokens, lake.path(Table.DOCS_TOKENS));
    Dataset<Row> existing =
        c.append() && lake.exists(Table.PACKED_ROWS) ? lake.read(Table.PACKED_ROWS) : null;
    PackResult r = PackAction.run(tokens, existing, c);
    try {
      SaveMode mode = c.append() ? SaveMode.Append : SaveMode.Overwrite;
      // The rows arrive sorted by (split, shard_id), so a task spans a shard or two: open writers
      // instead of Spark's sort of every row (tokens included) by the partition columns first.
      long v =
          lake.writeFewPartitionValues(
              r.table(), Table.PACKED_ROWS, mode, ctx.commitMetadata(name()), OPEN_SHARD_WRITERS);
      summary.output(Table.PACKED_ROWS.id(), lake.path(Table.PACKED_ROWS), v);
      PackSummary.fill(summary, c, r, committedRows(ctx, lake));
    } finally {
      r.release();
    }
    return summary;
  }

  /** Rows our commit added, from its Delta operation metrics (reconciliation without a scan). */
  private static long committedRows(RunContext ctx, Lake lake) {
    Row h =
        DeltaTable.forPath(ctx.spark(), lake.path(Table.PACKED_ROWS))
            .history(1)
            .select("operationMetrics")
            .head();
    scala.collection.Map<String, String> m = h.getMap(0);
    return m.contains("numOutputRows") ? Long.parseLong(m.apply("numOutputRows")) : -1;
  }
}
