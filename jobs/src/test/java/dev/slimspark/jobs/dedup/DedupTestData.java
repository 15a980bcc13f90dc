package dev.slimspark.jobs.dedup;

import dev.slimspark.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Small helpers shared by the dedup tests. */
final class DedupTestData {
  static final StructType SCHEMA =
      new StructType()
          .add("doc_id", DataTypes.StringType)
          .add("source", DataTypes.StringType)
          .add("text", DataTypes.StringType)
          .add("url", DataTypes.StringType);

  private DedupTestData() {}

  static Row doc(String id, String source, String text) {
    return RowFactory.create(id, source, text, "https://x/" + id);
  }

  static Dataset<Row> frame(List<Row> rows) {
    return TestSpark.session().createDataFrame(rows, SCHEMA);
  }

  /** Synthetic vocabulary of distinct lowercase words. */
  static String[] vocabulary(int size, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    java.util.Set<String> words = new java.util.LinkedHashSet<>();
    while (words.size() < size) {
      StringBuilder w = new StringBuilder();
      int len = 3 + rnd.nextInt(7);
      for (int i = 0; i < len; i++) {
        w.append((char) ('a' + rnd.nextInt(26)));
      }
      words.add(w.toString());
    }
    return words.toArray(new String[0]);
  }

  static List<String> randomWords(SplittableRandom rnd, String[] vocab, int n) {
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(vocab[rnd.nextInt(vocab.length)]);
    }
    return out;
  }

  /** Copy of {@code words} with each word replaced by a random one with probability {@code p}. */
  static List<String> mutate(SplittableRandom rnd, String[] vocab, List<String> words, double p) {
    List<String> out = new ArrayList<>(words);
    for (int i = 0; i < out.size(); i++) {
      if (rnd.nextDouble() < p) {
        out.set(i, vocab[rnd.nextInt(vocab.length)]);
      }
    }
    return out;
  }

  static String join(List<String> words) {
    return String.join(" ", words);
  }

  /** Rows sorted by their string form: an order-free comparison of Dataset contents. */
  static List<String> sorted(Dataset<Row> ds) {
    return ds.collectAsList().stream().map(Row::toString).sorted().collect(Collectors.toList());
  }
}
