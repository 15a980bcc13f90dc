package dev.slimspark.jobs.label;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Label's work proper: every labeler over the documents, in resumable commits. Documents a labeler
 * already labeled are skipped; the rest go to commits by a seeded hash of their id over all input
 * documents, so a re-run's commits hold the same documents as an uninterrupted run's. Reads no
 * config; where labels are stored is the {@link LabelsStore}'s business.
 */
public final class LabelAction {
  private static final Logger LOG = LoggerFactory.getLogger(LabelAction.class);

  /** Seed of the id hash that assigns documents to commits; fixed, so re-runs agree. */
  private static final long CHUNK_SEED = 17;

  /** Where label rows go and what is already there. */
  public interface LabelsStore {
    /**
     * The ids (column {@code id}) {@code labelerId} has rows for; null when nothing was ever
     * labeled.
     */
    Dataset<Row> labeledIds(String labelerId);

    /** Appends {@code rows} in one commit; returns the table version it made. */
    long append(Dataset<Row> rows);

    /** The rows {@code labelerId} wrote in run {@code runId}. */
    Dataset<Row> writtenIn(String labelerId, String runId);
  }

  /**
   * What a run labeled.
   *
   * @param perLabeler per labeler id, in run order: what the summary lists under {@code labelers}
   * @param version the last version committed, -1 when nothing was
   */
  public record Result(Map<String, Object> perLabeler, long version) {
    /** Every labeler's already-labeled plus newly labeled documents are all the input documents. */
    public boolean reconciled() {
      return perLabeler.values().stream()
          .allMatch(v -> Boolean.TRUE.equals(((Map<?, ?>) v).get("reconciled")));
    }
  }

  private LabelAction() {}

  /**
   * Labels {@code docs} (id, text; cached by the caller) with each labeler.
   *
   * @param in the number of documents
   * @param commitEveryRows documents per commit (about)
   */
  public static Result run(
      Dataset<Row> docs,
      long in,
      List<Labeler> labelers,
      LabelsStore store,
      long commitEveryRows,
      String runId) {
    // Fixed by the whole input, not by what is left, so resumed commits match a clean run's.
    long chunks = Math.max(1, (in + commitEveryRows - 1) / commitEveryRows);
    Column chunk = pmod(xxhash64(col("id"), lit(CHUNK_SEED)), lit(chunks));
    Map<String, Object> per = new LinkedHashMap<>();
    long version = -1;
    for (Labeler l : labelers) {
      Dataset<Row> todo = docs;
      // The ids already labeled, read once and kept (ids only): every commit filters `todo` again,
      // and without this each one would re-scan the growing labels table.
      Dataset<Row> done = store.labeledIds(l.id());
      long already = 0;
      if (done != null) {
        done = done.persist(StorageLevel.MEMORY_AND_DISK());
        todo = docs.join(done, docs.col("id").equalTo(done.col("id")), "left_anti");
        already = in - todo.count();
      }
      try {
        if (already < in) {
          Pass pass = labelRest(l, todo, chunk, in, already, store, runId);
          per.put(l.id(), pass.summary());
          version = pass.version() >= 0 ? pass.version() : version;
        } else {
          per.put(
              l.id(),
              Map.of(
                  "type", l.type(), "already_labeled", already, "labeled", 0L, "reconciled", true));
          LOG.info("labeler {}: {} already labeled, {} labeled now", l.id(), already, 0);
        }
      } finally {
        if (done != null) {
          done.unpersist();
        }
      }
    }
    return new Result(per, version);
  }

  /** One labeler's commits: its summary entry and the last version it committed (-1: none). */
  private record Pass(Map<String, Object> summary, long version) {}

  /** Labels {@code todo} with {@code l}, commit by commit. */
  private static Pass labelRest(
      Labeler l,
      Dataset<Row> todo,
      Column chunk,
      long in,
      long already,
      LabelsStore store,
      String runId) {
    long t0 = System.nanoTime();
    CollectionAccumulator<Long> loadMs =
        todo.sparkSession().sparkContext().collectionAccumulator("model_load_ms:" + l.id());
    Map<Long, Long> sizes = new TreeMap<>();
    for (Row r : todo.groupBy(chunk.as("chunk")).count().collectAsList()) {
      sizes.put(r.getLong(0), r.getLong(1));
    }
    int commits = 0;
    long version = -1;
    for (Map.Entry<Long, Long> e : sizes.entrySet()) {
      version = store.append(l.label(todo.filter(chunk.equalTo(e.getKey())), runId, loadMs));
      commits++;
      LOG.info(
          "labeler {}: committed {} rows (commit {} of {}), version {}",
          l.id(),
          e.getValue(),
          commits,
          sizes.size(),
          version);
    }
    Row agg =
        store
            .writtenIn(l.id(), runId)
            .agg(
                count(lit(1)),
                sum(col("error").isNotNull().cast("long")),
                sum("tokens_processed"),
                sum(col("truncated").cast("long")),
                sum("device_ms"))
            .head();
    long written = agg.getLong(0);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", l.type());
    m.put("model_version", l.modelVersion());
    m.put("already_labeled", already);
    m.put("labeled", written);
    m.put("commits", commits);
    m.put("errors", agg.isNullAt(1) ? 0L : agg.getLong(1));
    m.put("tokens", agg.isNullAt(2) ? 0L : agg.getLong(2));
    m.put("truncated", agg.isNullAt(3) ? 0L : agg.getLong(3));
    m.put("device_seconds", agg.isNullAt(4) ? 0.0 : agg.getDouble(4) / 1000);
    double wall = (System.nanoTime() - t0) / 1e9;
    m.put("wall_seconds", wall);
    // The longest any task waited for its model (loads run in parallel on executors): on small
    // runs loading dominates the wall time, so throughput is reported without it.
    Double load = loadMs.value().isEmpty() ? null : Collections.max(loadMs.value()) / 1000.0;
    m.put("model_load_seconds", load);
    double busy = wall - (load == null ? 0 : load);
    m.put("docs_per_second", busy > 0 ? written / busy : 0);
    m.put("reconciled", already + written == in);
    LOG.info("labeler {}: {} already labeled, {} labeled now", l.id(), already, written);
    return new Pass(m, version);
  }
}
