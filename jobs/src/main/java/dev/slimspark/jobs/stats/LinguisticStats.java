package dev.slimspark.jobs.stats;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import com.johnsnowlabs.nlp.DocumentAssembler;
import com.johnsnowlabs.nlp.annotators.Tokenizer;
import com.johnsnowlabs.nlp.annotators.sbd.pragmatic.SentenceDetector;
import dev.slimspark.lake.Table;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code stats_linguistic}: sentences and tokens per source counted with Spark NLP's rule-based
 * annotators (DocumentAssembler → pragmatic SentenceDetector → Tokenizer) over the kept documents
 * (docs_filtered kept, semi join docs_dedup when it exists).
 *
 * <p>Spark NLP costs about 0.4 MB/s per core, some 440x our own word counting (see
 * SegmentationCostBench in udfs), so by default it runs on a seeded sample stratified by source:
 * per source the N documents with the smallest {@code xxhash64(doc_id, seed)} (ties by doc_id),
 * chosen by a window in Spark, never collected. The same seed and documents give the same sample. N
 * = -1 runs on every kept document. Only the first {@code max_chars} characters of a document reach
 * Spark NLP, so one huge document cannot blow a task; {@code docs_truncated} counts the cut ones
 * (their {@code word_count}, from the filter, still covers the whole document).
 *
 * <p>Cost: the sample is chosen on the id and source columns alone; then one scan of the kept texts
 * keeps the sampled ones through a broadcast semi join, so no text is shuffled. Spark NLP then
 * costs about 3 s of task CPU per MB of sampled text, which the defaults (stats.linguistic.*) keep
 * small next to the pipeline. Risk: the broadcast holds N × sources ids (~50 bytes each), e.g. 10
 * MB for N = 200 and 1,000 sources.
 *
 * <p>Per source {@code estimated_sentences} = mean sentences per sampled document × kept documents;
 * the all-sources row (null source) sums the per-source estimates (a stratified estimate; the
 * sample fractions differ by source) and its mean is that estimate / kept documents.
 */
public final class LinguisticStats {
  /** Sample size meaning "every kept document". */
  public static final int FULL_TABLE = -1;

  // Punctuation-only tokens are not words (the same classes as TextNormalization.isPunctuation).
  private static final String NON_PUNCTUATION_TOKENS =
      "size(filter(token.result, x -> NOT x rlike '^[\\\\p{P}$+<=>^`|~]+$'))";

  private static PipelineModel model;

  private LinguisticStats() {}

  /** The method column: how the numbers were obtained. */
  public static String method(int perSource, int seed, int maxChars) {
    String scope =
        perSource == FULL_TABLE
            ? "full table"
            : "seeded sample of " + perSource + " docs per source (seed " + seed + ")";
    return "spark-nlp SentenceDetector+Tokenizer, "
        + scope
        + ", first "
        + maxChars
        + " chars per doc";
  }

  /**
   * The per-source rows plus the all-sources row, sorted by source (null first). {@code perSource}
   * is N or {@link #FULL_TABLE}; 0 (off) is the caller's to skip. {@code docsDedup} null: the lake
   * has no docs_dedup, every document the filter kept is counted.
   */
  public static Dataset<Row> compute(
      Dataset<Row> docsFiltered, Dataset<Row> docsDedup, int perSource, int seed, int maxChars) {
    Dataset<Row> kept = docsFiltered.where(col("kept"));
    Dataset<Row> keys = kept.select("doc_id", "source");
    String from = Table.DOCS_FILTERED.id() + " (kept)";
    if (docsDedup != null) {
      keys = keys.join(docsDedup.select("doc_id"), new String[] {"doc_id"}, "left_semi");
      from = "docs_filtered semi join docs_dedup";
    }
    Dataset<Row> totals = keys.groupBy("source").agg(count(lit(1)).as("docs_total"));
    Dataset<Row> sampleIds = sample(keys, perSource, seed).select("doc_id");
    Dataset<Row> docs = sampledTexts(kept, sampleIds, perSource, maxChars);
    Dataset<Row> perSourceRows = perSourceRows(countSentencesAndTokens(docs), totals);
    return perSourceRows
        .unionByName(allSourcesRow(perSourceRows))
        .select(
            col("source"),
            col("docs_sampled"),
            col("docs_total"),
            col("docs_sampled").divide(col("docs_total")).as("sample_fraction"),
            col("docs_truncated"),
            col("sentences"),
            col("spark_nlp_tokens"),
            col("spark_nlp_words"),
            col("word_count"),
            col("mean_sentences_per_doc"),
            col("estimated_sentences"),
            lit(method(perSource, seed, maxChars)).as("method"),
            lit(perSource == FULL_TABLE ? null : (Integer) perSource)
                .cast(DataTypes.IntegerType)
                .as("sample_docs_per_source"),
            lit(perSource == FULL_TABLE ? null : (Integer) seed)
                .cast(DataTypes.IntegerType)
                .as("seed"),
            lit(maxChars).as("max_chars"),
            lit(from).as("from_table"))
        .orderBy(col("source").asc_nulls_first())
        .coalesce(1);
  }

  /** The sampled kept documents, texts cut to maxChars, flagged when cut. */
  private static Dataset<Row> sampledTexts(
      Dataset<Row> kept, Dataset<Row> sampleIds, int perSource, int maxChars) {
    // The sample is chosen on ids alone; only then are texts read. Broadcasting the few sampled ids
    // keeps the text side where it was scanned: a shuffle join would move every kept text (the
    // whole corpus) to throw all but N per source away.
    Dataset<Row> sampled =
        perSource == FULL_TABLE
            ? kept.join(sampleIds, new String[] {"doc_id"}, "left_semi")
            : kept.join(broadcast(sampleIds), new String[] {"doc_id"}, "left_semi");
    return sampled.select(
        col("doc_id"),
        col("source"),
        substring(col("text"), 1, maxChars).as("text"),
        col("word_count"),
        length(col("text")).gt(maxChars).as("truncated"));
  }

  /** Per document: sentences, tokens and word tokens (not punctuation) as Spark NLP counts them. */
  private static Dataset<Row> countSentencesAndTokens(Dataset<Row> docs) {
    return model(docs.sparkSession())
        .transform(docs)
        .select(
            col("source"),
            col("word_count"),
            col("truncated"),
            size(col("sentence")).as("s"),
            size(col("token")).as("t"),
            expr(NON_PUNCTUATION_TOKENS).as("w"));
  }

  /** Sums per source, with the mean sentences per sampled doc and the estimate for all kept. */
  private static Dataset<Row> perSourceRows(Dataset<Row> counted, Dataset<Row> totals) {
    return counted
        .groupBy("source")
        .agg(
            count(lit(1)).as("docs_sampled"),
            sum(when(col("truncated"), 1L).otherwise(0L)).as("docs_truncated"),
            sum("s").cast(DataTypes.LongType).as("sentences"),
            sum("t").cast(DataTypes.LongType).as("spark_nlp_tokens"),
            sum("w").cast(DataTypes.LongType).as("spark_nlp_words"),
            sum("word_count").cast(DataTypes.LongType).as("word_count"))
        .join(totals, "source")
        .withColumn("mean_sentences_per_doc", col("sentences").divide(col("docs_sampled")))
        .withColumn(
            "estimated_sentences",
            round(col("mean_sentences_per_doc").multiply(col("docs_total")))
                .cast(DataTypes.LongType));
  }

  /** The all-sources row (null source): sums of the per-source rows, the stratified estimate. */
  private static Dataset<Row> allSourcesRow(Dataset<Row> perSourceRows) {
    List<String> sums =
        List.of(
            "docs_sampled",
            "docs_truncated",
            "sentences",
            "spark_nlp_tokens",
            "spark_nlp_words",
            "word_count",
            "docs_total",
            "estimated_sentences");
    Column[] aggs =
        sums.stream().map(c -> sum(c).cast(DataTypes.LongType).as(c)).toArray(Column[]::new);
    return perSourceRows
        .agg(aggs[0], Arrays.copyOfRange(aggs, 1, aggs.length))
        .withColumn("source", lit(null).cast(DataTypes.StringType))
        .withColumn("mean_sentences_per_doc", col("estimated_sentences").divide(col("docs_total")));
  }

  /**
   * Keys of the sampled documents: the first N per source by xxhash64(doc_id, seed), or all for -1.
   */
  static Dataset<Row> sample(Dataset<Row> keys, int perSource, int seed) {
    if (perSource == FULL_TABLE) {
      return keys;
    }
    Column h = xxhash64(col("doc_id"), lit(seed));
    return keys.withColumn(
            "_rank", row_number().over(Window.partitionBy("source").orderBy(h, col("doc_id"))))
        .where(col("_rank").leq(perSource))
        .drop("_rank");
  }

  /**
   * DocumentAssembler(text) → SentenceDetector(document) → Tokenizer(sentence), fitted once per JVM
   * (fitting reads no data: the rules are built in).
   */
  static synchronized PipelineModel model(SparkSession spark) {
    if (model == null) {
      DocumentAssembler assembler = new DocumentAssembler();
      assembler.setInputCol("text");
      assembler.setOutputCol("document");
      SentenceDetector sentences = new SentenceDetector();
      sentences.setInputCols(new String[] {"document"});
      sentences.setOutputCol("sentence");
      Tokenizer tokenizer = new Tokenizer();
      tokenizer.setInputCols(new String[] {"sentence"});
      tokenizer.setOutputCol("token");
      Dataset<Row> empty =
          spark.createDataFrame(List.<Row>of(), new StructType().add("text", DataTypes.StringType));
      model =
          new Pipeline()
              .setStages(new PipelineStage[] {assembler, sentences, tokenizer})
              .fit(empty);
    }
    return model;
  }
}
