package dev.slimspark.jobs.decon;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.octet_length;
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
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decontamination of documents against eval items, with no lake or config: index the items ({@link
 * EvalIndex}), scan every document against the shipped filter ({@link DocScan}), confirm the
 * candidates by a join with the index, ignore n-grams found in more than max_ngram_docs documents,
 * merge each item's overlapping windows into one match, and apply the policy to the contaminated
 * documents ({@link ContaminatedDocs}). Only the contaminated documents are joined with their
 * matches; the rest of the corpus is read twice: once by the scan and once passed through.
 */
public final class DeconPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(DeconPipeline.class);

  /**
   * The most bytes of remaining text of cut documents that the write of docs_decon broadcasts
   * (through the driver to every executor) with the decisions; beyond it the corpus is joined with
   * them by a shuffle instead. A count of documents alone (hits_broadcast_max_docs) does not bound
   * this: a million cut documents would be gigabytes.
   */
  static final long BROADCAST_CUTS_MAX = 128L << 20;

  private DeconPipeline() {}

  /**
   * {@code docs} needs doc_id and text (other columns are carried); {@code items}: (eval_set,
   * eval_item).
   */
  public static DeconResult run(Dataset<Row> docs, Dataset<Row> items, DeconOptions opts) {
    requireColumns(docs);
    List<Dataset<Row>> persisted = new ArrayList<>();
    EvalIndex index = EvalIndex.build(items, opts);
    persisted.add(index.ngrams());
    LOG.info(
        "eval index: {} distinct n-grams, window lengths {}, shipped as {} of {} bytes",
        index.distinctNgrams(),
        java.util.Arrays.toString(index.lengths()),
        index.filter().exact() ? "hash set" : "Bloom filter",
        index.filter().sizeBytes());
    // With the exact set, candidates are index n-grams, so few documents have any: the scan keeps
    // their text and the policy never reads the corpus again. A Bloom filter's false positives
    // would put much of the corpus in that cache, so then the candidates' texts are read back.
    boolean keepTexts = index.filter().exact();
    Dataset<Row> scanned = scan(docs, index, keepTexts);
    persisted.add(scanned);
    Dataset<Row> confirmed =
        scanned.where(col("hash").isNotNull()).drop("text").join(index.ngrams(), "hash").persist();
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
    boolean small = contaminated <= opts.hitsBroadcastMaxDocs();
    Dataset<Row> texts =
        keepTexts
            ? scanned.where(col("hash").isNull()).select("doc_id", "text")
            : docs.select("doc_id", "text");
    StructType textSchema = texts.schema();
    Dataset<Row> decided =
        texts
            .join(small ? broadcast(byDoc) : byDoc, "doc_id")
            .mapPartitions(
                new ContaminatedDocs(new CutPolicy(opts), textSchema),
                Encoders.row(ContaminatedDocs.schema(textSchema)))
            .persist();
    persisted.add(decided);
    Dataset<Row> kept = kept(docs, decided, small && cutTextBytes(decided) <= BROADCAST_CUTS_MAX);
    return result(docs, index, confirmed, frequent, decided, kept, hits(decided), persisted);
  }

  private static void requireColumns(Dataset<Row> docs) {
    for (String c : List.of("doc_id", "text")) {
      if (!List.of(docs.columns()).contains(c)) {
        throw UserErrors.of(
            "The documents to decontaminate have no '" + c + "' column.",
            "Its columns are " + List.of(docs.columns()) + ".",
            "Point decontaminate.input_table at a documents table such as docs_dedup.");
      }
    }
  }

  /** decon_hits: one row per merged match, with its document's action and drop reason. */
  private static Dataset<Row> hits(Dataset<Row> decided) {
    return decided
        .select(col("doc_id"), col("action"), col("reason"), explode(col("hits")).as("h"))
        .select(
            col("doc_id"),
            col("h.eval_set").as("eval_set"),
            col("h.eval_item").as("eval_item"),
            col("h.matched_text").as("matched_text"),
            col("h.start_char").as("start_char"),
            col("h.end_char").as("end_char"),
            col("action"),
            col("reason"));
  }

  /**
   * The scan's candidate windows (and, with {@code keepTexts}, their documents' texts), cached in
   * memory and on disk. Risk: an eval n-gram that is common in the corpus (boilerplate in an eval
   * set) puts every document holding it into this cache until max_ngram_docs drops it; Spark spills
   * what does not fit.
   */
  private static Dataset<Row> scan(Dataset<Row> docs, EvalIndex index, boolean keepTexts) {
    Broadcast<NgramFilter> filter =
        JavaSparkContext.fromSparkContext(docs.sparkSession().sparkContext())
            .broadcast(index.filter());
    return docs.select("doc_id", "text")
        .mapPartitions(
            new DocScan(filter, index.lengths(), keepTexts), Encoders.row(DocScan.CANDIDATE))
        .persist();
  }

  /** Bytes of the remaining text of the cut documents (one small job over the cached decisions). */
  private static long cutTextBytes(Dataset<Row> decided) {
    Row r =
        decided
            .where(col("action").equalTo(CutPolicy.CUT))
            .agg(sum(octet_length(col("text"))))
            .head();
    return r.isNullAt(0) ? 0 : r.getLong(0);
  }

  /**
   * One pass over the corpus: untouched documents as they are, cut ones with their remaining text
   * (and byte_length), dropped ones left out. The corpus keeps its order and partitioning when the
   * decisions are broadcast.
   */
  private static Dataset<Row> kept(Dataset<Row> docs, Dataset<Row> decided, boolean small) {
    Dataset<Row> decisions =
        decided.select(
            col("doc_id").as("_d_id"), col("action").as("_action"), col("text").as("_cut_text"));
    Dataset<Row> joined =
        docs.join(
                small ? broadcast(decisions) : decisions,
                col("doc_id").equalTo(col("_d_id")),
                "left_outer")
            .where(col("_action").isNull().or(col("_action").equalTo(CutPolicy.CUT)));
    List<Column> cols = new ArrayList<>();
    for (String c : docs.columns()) {
      Column cut = col("_action").isNotNull();
      if (c.equals("text")) {
        cols.add(when(cut, col("_cut_text")).otherwise(col("text")).as("text"));
      } else if (c.equals("byte_length")) {
        cols.add(
            when(cut, octet_length(col("_cut_text")).cast(docs.schema().apply(c).dataType()))
                .otherwise(col(c))
                .as(c));
      } else {
        cols.add(col(c));
      }
    }
    return joined.select(cols.toArray(new Column[0]));
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
    long cut = 0;
    long dropped = 0;
    Map<String, Long> droppedBy = new java.util.TreeMap<>();
    for (Row r : decided.groupBy("action", "reason").count().collectAsList()) {
      if (r.getString(0).equals(CutPolicy.CUT)) {
        cut += r.getLong(2);
      } else {
        dropped += r.getLong(2);
        droppedBy.put(r.getString(1), r.getLong(2));
      }
    }
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
            frequentCount,
            droppedBy);
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
