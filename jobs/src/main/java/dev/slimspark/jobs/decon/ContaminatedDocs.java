package dev.slimspark.jobs.decon;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Applies the policy to each contaminated document (its columns plus the {@code hits} array of
 * merged matches): the document with its remaining text, its action and cut count, and each hit
 * with the matched text.
 */
final class ContaminatedDocs implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  static final StructType HIT =
      new StructType()
          .add("eval_set", DataTypes.StringType)
          .add("eval_item", DataTypes.StringType)
          .add("matched_text", DataTypes.StringType)
          .add("start_char", DataTypes.IntegerType)
          .add("end_char", DataTypes.IntegerType);

  private final CutPolicy policy;
  private final StructType docSchema;

  ContaminatedDocs(CutPolicy policy, StructType docSchema) {
    this.policy = policy;
    this.docSchema = docSchema;
  }

  /** The document's columns, then action, reason (why dropped), cuts and hits. */
  static StructType schema(StructType docSchema) {
    StructType s = new StructType(docSchema.fields());
    return s.add("action", DataTypes.StringType)
        .add("reason", DataTypes.StringType)
        .add("cuts", DataTypes.IntegerType)
        .add("hits", DataTypes.createArrayType(HIT));
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    return new Iterator<Row>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        return decide(rows.next());
      }
    };
  }

  private Row decide(Row r) {
    String text = r.getString(r.fieldIndex("text"));
    List<Row> raw = new ArrayList<>(r.getList(r.fieldIndex("hits")));
    // collect_list order is not deterministic; offsets, then set and item, are.
    raw.sort(
        Comparator.comparingInt((Row h) -> h.getInt(2))
            .thenComparingInt(h -> h.getInt(3))
            .thenComparing(h -> h.getString(0))
            .thenComparing(h -> h.getString(1)));
    List<int[]> spans = new ArrayList<>();
    List<Row> hits = new ArrayList<>();
    for (Row h : raw) {
      int start = h.getInt(2);
      int end = h.getInt(3);
      spans.add(new int[] {start, end});
      hits.add(
          RowFactory.create(
              h.getString(0), h.getString(1), text.substring(start, end), start, end));
    }
    CutPolicy.Decision d = policy.decide(text, spans);
    Object[] out = new Object[docSchema.size() + 4];
    for (int i = 0; i < docSchema.size(); i++) {
      StructField f = docSchema.fields()[i];
      Object v = r.get(r.fieldIndex(f.name()));
      if (f.name().equals("text")) {
        v = d.text();
      } else if (f.name().equals("byte_length")) {
        v = d.byteLength();
      }
      out[i] = v;
    }
    out[docSchema.size()] = d.action();
    out[docSchema.size() + 1] = d.reason();
    out[docSchema.size() + 2] = d.cuts();
    out[docSchema.size() + 3] = hits.toArray(new Row[0]);
    return RowFactory.create(out);
  }
}
