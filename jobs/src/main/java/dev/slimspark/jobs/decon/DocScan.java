package dev.slimspark.jobs.decon;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The scan of the corpus: every word window of every document (at n words, and at the lengths of
 * short eval items) tested against the broadcast filter, one candidate row per window that may be
 * in the index. Streams: per task it holds one document's word arrays, never a partition.
 */
final class DocScan implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /** A candidate: the window's hash and its char offsets [start_char, end_char) in the text. */
  static final StructType CANDIDATE =
      new StructType()
          .add("doc_id", DataTypes.StringType)
          .add("hash", DataTypes.LongType)
          .add("start_char", DataTypes.IntegerType)
          .add("end_char", DataTypes.IntegerType);

  private final Broadcast<NgramFilter> filter;
  private final int[] lengths;
  private final int maxLength;

  DocScan(Broadcast<NgramFilter> filter, int[] lengths) {
    this.filter = filter;
    this.lengths = lengths.clone();
    int max = 1;
    for (int k : lengths) {
      max = Math.max(max, k);
    }
    this.maxLength = max;
  }

  /** Input rows: (doc_id, text). */
  @Override
  public Iterator<Row> call(Iterator<Row> docs) {
    NgramFilter f = filter.value();
    WordNgrams w = new WordNgrams(maxLength);
    return new Iterator<Row>() {
      private String docId;
      private int end; // next window end (exclusive word index) to test
      private int li; // next length index at that end
      private Row next;

      @Override
      public boolean hasNext() {
        while (next == null) {
          if (docId != null && end <= w.words) {
            advance();
          } else if (docs.hasNext()) {
            Row d = docs.next();
            String text = d.getString(1);
            docId = d.getString(0);
            w.scan(text == null ? "" : text);
            end = 1;
            li = 0;
          } else {
            return false;
          }
        }
        return true;
      }

      /** Tests windows from (end, li) on until one may match or the document is done. */
      private void advance() {
        while (end <= w.words) {
          while (li < lengths.length) {
            int k = lengths[li++];
            if (k <= end) {
              long h = w.ngram(end - k, k);
              if (f.mightContain(h)) {
                next = RowFactory.create(docId, h, w.starts[end - k], w.ends[end - 1]);
                return;
              }
            }
          }
          end++;
          li = 0;
        }
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Row r = next;
        next = null;
        return r;
      }
    };
  }
}
