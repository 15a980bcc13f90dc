package dev.slimspark.jobs.decon;

import dev.slimspark.bench.BenchSpark;
import dev.slimspark.sample.ContaminationPlanter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Decontamination benchmark (not a test): {@code bin/slimspark bench main DeconBench [docs] [items]
 * [index sizes, e.g. 1000000,10000000,100000000]}.
 *
 * <ol>
 *   <li>Quality: {@code items} eval items planted into {@code docs} sample documents (case,
 *       punctuation, line-break and surrounding-text changes); recall of the plants and the share
 *       of clean documents flagged, through {@link DeconPipeline} on Spark.
 *   <li>Scan cost per core: one thread hashing every 13-word window of the corpus and testing it
 *       against an index of N n-grams (the eval n-grams plus random fill), shipped as the exact
 *       hash set and as the Bloom filter; the reference is the plain way (a String per n-gram in a
 *       HashSet of Strings), timed in the same run at the smallest N.
 *   <li>End to end: the pipeline on the planted corpus, MB of text per second per core.
 * </ol>
 */
public final class DeconBench {
  private DeconBench() {}

  public static void main(String[] args) throws Exception {
    int docs = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
    int items = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    long[] sizes = {1_000_000L, 10_000_000L, 100_000_000L};
    if (args.length > 2) {
      sizes = java.util.Arrays.stream(args[2].split(",")).mapToLong(Long::parseLong).toArray();
    }
    ContaminationPlanter.Corpus c = ContaminationPlanter.generate(docs, items, 18L);
    long bytes = 0;
    for (String t : c.planted()) {
      bytes += t.getBytes(StandardCharsets.UTF_8).length;
    }
    System.out.printf(
        Locale.ROOT, "corpus: %d docs, %.1f MB, %d planted items%n", docs, bytes / 1e6, items);
    quality(c, bytes);
    scanCost(c, bytes, sizes);
  }

  private static void quality(ContaminationPlanter.Corpus c, long bytes) {
    SparkSession spark = BenchSpark.session();
    int cores = spark.sparkContext().defaultParallelism();
    Dataset<Row> evalItems = items(spark, c.items());
    DeconOptions opts = DeconOptions.defaults();
    for (int round = 0; round < 2; round++) { // the first round warms the JVM
      long t0 = System.nanoTime();
      DeconResult planted = DeconPipeline.run(docs(spark, c.planted()), evalItems, opts);
      Set<String> found = new HashSet<>();
      for (Row r : planted.hits().select("doc_id", "eval_item").collectAsList()) {
        found.add(r.getString(0) + "|" + r.getString(1));
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      planted.release();
      int hit = 0;
      for (ContaminationPlanter.Plant p : c.plants()) {
        hit += found.contains("d" + p.doc() + "|" + c.items().get(p.item())) ? 1 : 0;
      }
      DeconResult clean = DeconPipeline.run(docs(spark, c.clean()), evalItems, opts);
      long flagged = clean.hits().select("doc_id").distinct().count();
      clean.release();
      System.out.printf(
          Locale.ROOT,
          "pipeline round %d: recall %d/%d = %.4f, clean docs flagged %d/%d = %.5f,"
              + " planted run %.1f s on %d cores = %.2f MB/s per core (end to end, incl. index"
              + " build and Spark jobs)%n",
          round,
          hit,
          c.plants().size(),
          (double) hit / c.plants().size(),
          flagged,
          c.clean().size(),
          (double) flagged / c.clean().size(),
          secs,
          cores,
          bytes / 1e6 / secs / cores);
    }
  }

  private static Dataset<Row> docs(SparkSession spark, List<String> texts) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      rows.add(RowFactory.create("d" + i, texts.get(i)));
    }
    StructType s =
        new StructType().add("doc_id", DataTypes.StringType).add("text", DataTypes.StringType);
    return spark.createDataFrame(rows, s).repartition(spark.sparkContext().defaultParallelism());
  }

  private static Dataset<Row> items(SparkSession spark, List<String> items) {
    List<Row> rows = items.stream().map(t -> RowFactory.create("bench", t)).toList();
    StructType s =
        new StructType()
            .add("eval_set", DataTypes.StringType)
            .add("eval_item", DataTypes.StringType);
    return spark.createDataFrame(rows, s);
  }

  private static void scanCost(ContaminationPlanter.Corpus c, long bytes, long[] sizes) {
    DeconOptions opts = DeconOptions.defaults();
    List<Long> evalNgrams = new ArrayList<>();
    WordNgrams w = new WordNgrams(opts.ngram());
    for (String item : c.items()) {
      int n = w.scan(item);
      for (int i = 0; i + opts.ngram() <= n; i++) {
        evalNgrams.add(w.ngram(i, opts.ngram()));
      }
    }
    int[] lengths = {8, 9, 10, 11, 12, opts.ngram()}; // short items' lengths too
    for (long size : sizes) {
      SplittableRandom rng = new SplittableRandom(size);
      NgramFilter exact =
          size <= 20_000_000L ? fill(new LongHashSet(size), evalNgrams, size, rng) : null;
      rng = new SplittableRandom(size);
      NgramFilter bloom = fill(new LongBloomFilter(size, opts.bloomFpp()), evalNgrams, size, rng);
      for (NgramFilter f : new NgramFilter[] {exact, bloom}) {
        if (f != null) {
          scan(c, bytes, f, lengths, size);
          scan(c, bytes, f, lengths, size);
        }
      }
      if (size == sizes[0]) {
        reference(c, bytes, opts.ngram());
      }
    }
  }

  private static NgramFilter fill(
      NgramFilter f, List<Long> evalNgrams, long size, SplittableRandom rng) {
    for (long h : evalNgrams) {
      add(f, h);
    }
    for (long i = evalNgrams.size(); i < size; i++) {
      add(f, rng.nextLong());
    }
    return f;
  }

  private static void add(NgramFilter f, long h) {
    if (f instanceof LongHashSet s) {
      s.add(h);
    } else {
      ((LongBloomFilter) f).add(h);
    }
  }

  private static void scan(
      ContaminationPlanter.Corpus c, long bytes, NgramFilter f, int[] lengths, long size) {
    WordNgrams w = new WordNgrams(13);
    long t0 = System.nanoTime();
    long candidates = 0;
    for (String t : c.planted()) {
      int n = w.scan(t);
      for (int end = 1; end <= n; end++) {
        for (int k : lengths) {
          if (k <= end && f.mightContain(w.ngram(end - k, k))) {
            candidates++;
          }
        }
      }
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "scan, index %,d n-grams as %s (%.0f MB): %.1f MB/s on one core, %d candidates%n",
        size,
        f.exact() ? "hash set" : "Bloom filter",
        f.sizeBytes() / 1e6,
        bytes / 1e6 / secs,
        candidates);
  }

  /** The plain way: lowercase, split, a String per 13-gram looked up in a HashSet of Strings. */
  private static void reference(ContaminationPlanter.Corpus c, long bytes, int n) {
    Set<String> index = new HashSet<>();
    for (String item : c.items()) {
      String[] w = item.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+");
      for (int i = 0; i + n <= w.length; i++) {
        index.add(String.join(" ", java.util.Arrays.copyOfRange(w, i, i + n)));
      }
    }
    for (int round = 0; round < 2; round++) {
      long t0 = System.nanoTime();
      long candidates = 0;
      for (String t : c.planted()) {
        String[] w = t.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+");
        for (int i = 0; i + n <= w.length; i++) {
          candidates +=
              index.contains(String.join(" ", java.util.Arrays.copyOfRange(w, i, i + n))) ? 1 : 0;
        }
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "reference (String n-grams in a HashSet, 13-grams only, eval n-grams only): %.1f MB/s on"
              + " one core, %d hits%n",
          bytes / 1e6 / secs,
          candidates);
    }
  }
}
