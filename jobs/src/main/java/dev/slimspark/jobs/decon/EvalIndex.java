package dev.slimspark.jobs.decon;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The eval index: every eval item's n-gram hashes (an item shorter than n words is one "n-gram" of
 * its own length), as a Dataset to confirm hits by a join, plus the filter shipped to executors
 * (exact hash set up to {@code broadcast_max_ngrams} distinct n-grams, else a Bloom filter). Built
 * once per run from the items, with Spark; only the filter and small counts reach the driver.
 *
 * @param ngrams (hash, eval_set, eval_item), one row per distinct n-gram of each item
 * @param filter what executors test each document n-gram against
 * @param lengths the window lengths documents are hashed at (n, and short items' lengths)
 * @param distinctNgrams distinct n-gram hashes over all sets
 * @param perSet eval set -> [items, items_too_short, ngrams]
 */
record EvalIndex(
    Dataset<Row> ngrams,
    NgramFilter filter,
    int[] lengths,
    long distinctNgrams,
    Map<String, long[]> perSet) {

  static final StructType HASHED =
      new StructType()
          .add("eval_set", DataTypes.StringType)
          .add("eval_item", DataTypes.StringType)
          .add("words", DataTypes.IntegerType)
          .add("hashes", DataTypes.createArrayType(DataTypes.LongType));

  /** Hashes {@code items} (eval_set, eval_item) and builds the filter. */
  static EvalIndex build(Dataset<Row> items, DeconOptions opts) {
    Dataset<Row> hashed = items.mapPartitions(hasher(opts), Encoders.row(HASHED)).persist();
    Dataset<Row> ngrams =
        hashed
            .select(explode(col("hashes")).as("hash"), col("eval_set"), col("eval_item"))
            .distinct()
            .persist();
    Map<String, long[]> perSet = new TreeMap<>();
    opts.evalSets().forEach(s -> perSet.put(s.name(), new long[3])); // empty sets are reported too
    for (Row r :
        hashed
            .groupBy("eval_set")
            .agg(
                count(lit(1)),
                sum(when(col("words").lt(opts.minWords()), 1).otherwise(0)),
                sum(functionsSize()))
            .collectAsList()) {
      perSet.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2), r.getLong(3)});
    }
    List<Integer> lens = new ArrayList<>();
    for (Row r :
        hashed
            .where(col("words").geq(opts.minWords()))
            .select(
                when(col("words").geq(opts.ngram()), opts.ngram()).otherwise(col("words")).as("k"))
            .distinct()
            .orderBy("k")
            .collectAsList()) {
      lens.add(r.getInt(0));
    }
    hashed.unpersist();
    Dataset<Row> distinct = ngrams.select("hash").distinct();
    long n = distinct.count();
    NgramFilter filter = fill(distinct, n, opts);
    return new EvalIndex(
        ngrams, filter, lens.stream().mapToInt(Integer::intValue).toArray(), n, perSet);
  }

  private static org.apache.spark.sql.Column functionsSize() {
    return org.apache.spark.sql.functions.size(col("hashes"));
  }

  /** Streams the distinct hashes to the driver into the filter its size calls for. */
  private static NgramFilter fill(Dataset<Row> distinct, long n, DeconOptions opts) {
    Iterator<Row> it = distinct.toLocalIterator();
    if (n <= opts.broadcastMaxNgrams()) {
      LongHashSet set = new LongHashSet(n);
      it.forEachRemaining(r -> set.add(r.getLong(0)));
      return set;
    }
    LongBloomFilter bloom = new LongBloomFilter(n, opts.bloomFpp());
    it.forEachRemaining(r -> bloom.add(r.getLong(0)));
    return bloom;
  }

  /** Per item: its word count and the hashes it is matched by (none when too short). */
  private static MapPartitionsFunction<Row, Row> hasher(DeconOptions opts) {
    int n = opts.ngram();
    int minWords = opts.minWords();
    return rows -> {
      WordNgrams w = new WordNgrams(n);
      return new Iterator<Row>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          Row r = rows.next();
          int words = w.scan(r.getString(1));
          int count = words >= n ? words - n + 1 : words >= minWords ? 1 : 0;
          Long[] hs = new Long[count];
          for (int i = 0; i < count; i++) {
            hs[i] = words >= n ? w.ngram(i, n) : w.ngram(0, words);
          }
          return RowFactory.create(r.getString(0), r.getString(1), words, hs);
        }
      };
    };
  }
}
