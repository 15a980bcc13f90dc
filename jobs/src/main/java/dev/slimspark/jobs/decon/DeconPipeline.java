package dev.slimspark.jobs.decon;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.slimspark.errors.UserErrors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decontamination of documents against eval items, with no lake or config: index the items ({@link
 * EvalIndex}), scan every document against the shipped filter ({@link DocScan}), confirm the
 * candidates by a join with the index, ignore n-grams found in more than max_ngram_docs documents,
 * merge each item's overlapping windows into one match, and apply the policy to the contaminated
 * documents ({@link ContaminatedDocs}). Only the contaminated documents are joined with their
 * matches; the rest of the corpus is read, scanned and passed through.
 */
public final class DeconPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(DeconPipeline.class);

  private DeconPipeline() {}

  /**
   * {@code docs} needs doc_id and text (other columns are carried); {@code items}: (eval_set,
   * eval_item).
   */
  public static DeconResult run(Dataset<Row> docs, Dataset<Row> items, DeconOptions opts) {
    for (String c : List.of("doc_id", "text")) {
      if (!List.of(docs.columns()).contains(c)) {
        throw UserErrors.of(
            "The documents to decontaminate have no '" + c + "' column.",
            "Its columns are " + List.of(docs.columns()) + ".",
            "Point decontaminate.input_table at a documents table such as docs_dedup.");
      }
    }
    List<Dataset<Row>> persisted = new ArrayList<>();
    EvalIndex index = EvalIndex.build(items, opts);
    persisted.add(index.ngrams());
    LOG.info(
        "eval index: {} distinct n-grams, window lengths {}, shipped as {} of {} bytes",
        index.distinctNgrams(),
        java.util.Arrays.toString(index.lengths()),
        index.filter().exact() ? "hash set" : "Bloom filter",
        index.filter().sizeBytes());
    Dataset<Row> confirmed = confirmed(docs, index);
    persisted.add(confirmed);
    Dataset<Row> frequent =
        confirmed
            .groupBy("hash")
            .agg(countDistinct("doc_id").as("docs"))
            .where(col("docs").gt(opts.maxNgramDocs()))
            .select("hash")
            .persist();
    persisted.add(frequent);
    Dataset<Row> spans = mergedSpans(confirmed.join(frequent, "hash", "left_anti"));
    Dataset<Row> byDoc =
        spans
            .groupBy("doc_id")
            .agg(collect_list(struct("eval_set", "eval_item", "start_char", "end_char")).as("hits"))
            .persist();
    persisted.add(byDoc);
    long contaminated = byDoc.count();
    Dataset<Row> byDocJoin = contaminated <= opts.hitsBroadcastMaxDocs() ? broadcast(byDoc) : byDoc;
    Dataset<Row> decided =
        docs.join(byDocJoin, "doc_id")
            .mapPartitions(
                new ContaminatedDocs(new CutPolicy(opts), docs.schema()),
                Encoders.row(ContaminatedDocs.schema(docs.schema())))
            .persist();
    persisted.add(decided);
    Column[] docCols =
        java.util.Arrays.stream(docs.columns()).map(c -> col(c)).toArray(Column[]::new);
    Dataset<Row> kept =
        docs.join(byDocJoin.select("doc_id"), "doc_id", "left_anti")
            .select(docCols)
            .unionByName(decided.where(col("action").equalTo(CutPolicy.CUT)).select(docCols));
    Dataset<Row> hits =
        decided
            .select(col("doc_id"), col("action"), explode(col("hits")).as("h"))
            .select(
                col("doc_id"),
                col("h.eval_set").as("eval_set"),
                col("h.eval_item").as("eval_item"),
                col("h.matched_text").as("matched_text"),
                col("h.start_char").as("start_char"),
                col("h.end_char").as("end_char"),
                col("action"));
    return result(docs, index, confirmed, frequent, decided, kept, hits, persisted);
  }

  /** Candidate windows of the scan, confirmed by the index: (hash, doc_id, offsets, set, item). */
  private static Dataset<Row> confirmed(Dataset<Row> docs, EvalIndex index) {
    Broadcast<NgramFilter> filter =
        JavaSparkContext.fromSparkContext(docs.sparkSession().sparkContext())
            .broadcast(index.filter());
    Dataset<Row> candidates =
        docs.select("doc_id", "text")
            .mapPartitions(new DocScan(filter, index.lengths()), Encoders.row(DocScan.CANDIDATE));
    return candidates.join(index.ngrams(), "hash").persist();
  }

  /**
   * One match per run of overlapping windows of the same item in the same document: an item of 30
   * words found once is one match, not 18 overlapping 13-grams.
   */
  static Dataset<Row> mergedSpans(Dataset<Row> windows) {
    WindowSpec w =
        Window.partitionBy("doc_id", "eval_set", "eval_item").orderBy("start_char", "end_char");
    Column prevEnd = max("end_char").over(w.rowsBetween(Window.unboundedPreceding(), -1));
    Column opens = when(prevEnd.isNull().or(col("start_char").gt(prevEnd)), 1).otherwise(0);
    return windows
        .withColumn("opens", opens)
        .withColumn(
            "span",
            sum("opens").over(w.rowsBetween(Window.unboundedPreceding(), Window.currentRow())))
        .groupBy("doc_id", "eval_set", "eval_item", "span")
        .agg(min("start_char").as("start_char"), max("end_char").as("end_char"))
        .drop("span");
  }

  /** The counts (small aggregates, one job each) and the result. */
  private static DeconResult result(
      Dataset<Row> docs,
      EvalIndex index,
      Dataset<Row> confirmed,
      Dataset<Row> frequent,
      Dataset<Row> decided,
      Dataset<Row> kept,
      Dataset<Row> hits,
      List<Dataset<Row>> persisted) {
    long docsIn = docs.count();
    Map<String, Long> byAction = new HashMap<>();
    for (Row r : decided.groupBy("action").count().collectAsList()) {
      byAction.put(r.getString(0), r.getLong(1));
    }
    long cut = byAction.getOrDefault(CutPolicy.CUT, 0L);
    long dropped = byAction.getOrDefault(CutPolicy.DROPPED, 0L);
    long frequentCount = frequent.count();
    DeconResult.Counts counts =
        new DeconResult.Counts(
            docsIn,
            docsIn - cut - dropped,
            cut,
            dropped,
            index.distinctNgrams(),
            index.filter().exact() ? "hash_set" : "bloom",
            index.filter().sizeBytes(),
            confirmed.count(),
            frequentCount);
    return new DeconResult(kept, hits, perSet(index, frequent, hits), counts, persisted);
  }

  /** Per eval set: index counts, items found, documents dropped and cut, frequent n-grams. */
  private static List<DeconResult.PerSet> perSet(
      EvalIndex index, Dataset<Row> frequent, Dataset<Row> hits) {
    Map<String, long[]> found = new HashMap<>();
    for (Row r :
        hits.groupBy("eval_set")
            .agg(
                countDistinct("eval_item"),
                countDistinct(when(col("action").equalTo(CutPolicy.DROPPED), col("doc_id"))),
                countDistinct(when(col("action").equalTo(CutPolicy.CUT), col("doc_id"))))
            .collectAsList()) {
      found.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2), r.getLong(3)});
    }
    Map<String, Long> freq = new HashMap<>();
    for (Row r :
        frequent
            .join(index.ngrams(), "hash")
            .groupBy("eval_set")
            .agg(countDistinct("hash"))
            .collectAsList()) {
      freq.put(r.getString(0), r.getLong(1));
    }
    List<DeconResult.PerSet> out = new ArrayList<>();
    for (Map.Entry<String, long[]> e : index.perSet().entrySet()) {
      long[] s = e.getValue();
      long[] f = found.getOrDefault(e.getKey(), new long[3]);
      out.add(
          new DeconResult.PerSet(
              e.getKey(), s[0], s[1], s[2], f[0], f[1], f[2], freq.getOrDefault(e.getKey(), 0L)));
    }
    return out;
  }
}
