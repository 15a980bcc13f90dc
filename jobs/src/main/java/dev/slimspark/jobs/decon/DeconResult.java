package dev.slimspark.jobs.decon;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Outputs of {@link DeconPipeline#run}. The Datasets are lazy over persisted intermediates: write
 * them before calling {@link #release()}.
 *
 * @param kept the input documents kept (all input columns; cut ones with their remaining text)
 * @param hits {@code decon_hits}: doc_id, eval_set, eval_item, matched_text, start_char, end_char,
 *     action, reason (why dropped; null when cut)
 * @param perSet one entry per eval set, in name order
 * @param counts document counts and how the index was shipped
 */
public record DeconResult(
    Dataset<Row> kept,
    Dataset<Row> hits,
    List<PerSet> perSet,
    Counts counts,
    List<Dataset<Row>> persisted) {

  /**
   * Per eval set. {@code itemsTooShort}: items with fewer than min_words words, never matched;
   * {@code itemsFound}: items with at least one (non-frequent) match in the corpus; {@code
   * frequentNgramsIgnored}: its n-grams found in more than max_ngram_docs documents.
   */
  public record PerSet(
      String name,
      long items,
      long itemsTooShort,
      long ngrams,
      long itemsFound,
      long docsDropped,
      long docsCut,
      long frequentNgramsIgnored) {

    /** Items found over items long enough to be matched (0 when none is). */
    public double contaminationRate() {
      long checked = items - itemsTooShort;
      return checked == 0 ? 0.0 : (double) itemsFound / checked;
    }
  }

  /**
   * {@code docsIn == docsUntouched + docsCut + docsDropped}; {@code filter} is "hash_set" or
   * "bloom", {@code filterBytes} its size on each executor; {@code droppedByReason}: the dropped
   * documents by reason ({@link CutPolicy#BY_POLICY}, {@link CutPolicy#TOO_MANY_CUTS}, {@link
   * CutPolicy#TOO_SHORT}), summing to {@code docsDropped}.
   */
  public record Counts(
      long docsIn,
      long docsUntouched,
      long docsCut,
      long docsDropped,
      long indexNgrams,
      String filter,
      long filterBytes,
      long confirmedWindows,
      long frequentNgramsIgnored,
      Map<String, Long> droppedByReason) {}

  /** Frees the persisted intermediates; the Datasets above are unusable afterwards. */
  public void release() {
    persisted.forEach(Dataset::unpersist);
  }
}
