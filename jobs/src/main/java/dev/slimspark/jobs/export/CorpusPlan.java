package dev.slimspark.jobs.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.slimspark.jobs.pack.PackedRowsTable;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Which task writes which document. Per split, tasks = ceil(text bytes / chunk_bytes); a document
 * goes to task offset(split) + hash(doc_id) mod tasks(split). The counts come from one small
 * aggregate by (split, source), so the plan depends only on the table's content and the config.
 */
final class CorpusPlan implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Tasks of one split: global task ids offset .. offset + tasks - 1. */
  record Split(String name, int offset, int tasks) implements Serializable {}

  /** Documents and text bytes of one (split, source). */
  record Cell(String split, String source, long docs, long textBytes) implements Serializable {}

  final List<Split> splits;
  final List<Cell> cells;

  private CorpusPlan(List<Split> splits, List<Cell> cells) {
    this.splits = List.copyOf(splits);
    this.cells = List.copyOf(cells);
  }

  /** docs (doc_id, source, text, meta) plus the split column. */
  static Dataset<Row> withSplit(Dataset<Row> docs, Corpus c) {
    return docs.withColumn("split", PackedRowsTable.split(c.seed(), c.validationFraction()));
  }

  /** The plan of {@code docs} (with split): one aggregate job, rows = splits x sources. */
  static CorpusPlan of(Dataset<Row> docs, long chunkBytes) {
    List<Row> rows =
        docs.groupBy("split", "source")
            .agg(count(lit(1)), sum(octet_length(col("text"))))
            .sort("split", "source")
            .collectAsList();
    List<Cell> cells = new ArrayList<>();
    Map<String, Long> bytes = new TreeMap<>();
    for (Row r : rows) {
      long b = r.isNullAt(3) ? 0 : r.getLong(3);
      cells.add(new Cell(r.getString(0), r.isNullAt(1) ? "" : r.getString(1), r.getLong(2), b));
      bytes.merge(r.getString(0), b, Long::sum);
    }
    List<Split> splits = new ArrayList<>();
    int offset = 0;
    for (Map.Entry<String, Long> e : bytes.entrySet()) {
      int n = (int) Math.max(1, (e.getValue() + chunkBytes - 1) / chunkBytes);
      splits.add(new Split(e.getKey(), offset, n));
      offset += n;
    }
    return new CorpusPlan(splits, cells);
  }

  int tasks() {
    return splits.isEmpty() ? 0 : splits.get(splits.size() - 1).offset() + last().tasks();
  }

  private Split last() {
    return splits.get(splits.size() - 1);
  }

  /** The split of global task {@code task}. */
  Split splitOf(int task) {
    for (Split s : splits) {
      if (task < s.offset() + s.tasks()) {
        return s;
      }
    }
    throw new IllegalArgumentException("task " + task + " beyond " + tasks());
  }

  /** The global task of each row (needs doc_id and split). */
  Column task() {
    Column c = lit(-1);
    for (Split s : splits) {
      Column t =
          lit(s.offset())
              .plus(pmod(xxhash64(lit("export"), col("doc_id")), lit((long) s.tasks())))
              .cast("int");
      c = when(col("split").equalTo(s.name()), t).otherwise(c);
    }
    return c;
  }

  /** split -> source -> {docs, text_bytes}, sorted. */
  Map<String, Map<String, Map<String, Long>>> bySplitAndSource() {
    Map<String, Map<String, Map<String, Long>>> m = new TreeMap<>();
    for (Cell c : cells) {
      Map<String, Long> v = new LinkedHashMap<>();
      v.put("docs", c.docs());
      v.put("text_bytes", c.textBytes());
      m.computeIfAbsent(c.split(), k -> new TreeMap<>()).put(c.source(), v);
    }
    return m;
  }

  long docs() {
    return cells.stream().mapToLong(Cell::docs).sum();
  }
}
