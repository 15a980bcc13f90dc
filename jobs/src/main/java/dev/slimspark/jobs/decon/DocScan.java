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
 * in the index. With {@code withText}, each document that has candidates also gets one row holding
 * its text (hash null) before its candidates, so that the policy can be applied without reading the
 * corpus again; worth it only when candidates are rare (the exact hash set: candidates are the
 * index's n-grams, not Bloom false positives). Streams: per task it holds one document's word
 * arrays, never a partition.
 */
final class DocScan implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /**
   * A candidate: the window's hash and its char offsets [start_char, end_char) in the text; or,
   * with a null hash, the text of a document that has candidates.
   */
  static final StructType CANDIDATE =
      new StructType()
          .add("doc_id", DataTypes.StringType)
          .add("hash", DataTypes.LongType)
          .add("start_char", DataTypes.IntegerType)
          .add("end_char", DataTypes.IntegerType)
          .add("text", DataTypes.StringType);

  private final Broadcast<NgramFilter> filter;
  private final int[] lengths;
  private final int maxLength;
  private final boolean withText;

  DocScan(Broadcast<NgramFilter> filter, int[] lengths, boolean withText) {
    this.filter = filter;
    this.withText = withText;
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
      private String text;
      private boolean textSent;
      private Row pending; // a candidate held back while the document's text row goes first
      private int end; // next window end (exclusive word index) to test
      private int li; // next length index at that end
      private Row next;

      @Override
      public boolean hasNext() {
        while (next == null) {
          if (pending != null) {
            next = pending;
            pending = null;
          } else if (docId != null && end <= w.words) {
            advance();
          } else if (docs.hasNext()) {
            Row d = docs.next();
            text = d.getString(1) == null ? "" : d.getString(1);
            docId = d.getString(0);
            textSent = !withText;
            w.scan(text);
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
                next = RowFactory.create(docId, h, w.starts[end - k], w.ends[end - 1], null);
                if (!textSent) {
                  textSent = true;
                  pending = next;
                  next = RowFactory.create(docId, null, null, null, text);
                }
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
