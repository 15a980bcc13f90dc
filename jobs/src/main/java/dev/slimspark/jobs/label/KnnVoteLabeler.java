package dev.slimspark.jobs.label;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.udfs.djl.ModelDir;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;

/**
 * {@code type = "knn-vote"}: the k most cosine-similar labeled examples of a demonstration pool
 * vote; label = the majority. Ties between labels are broken by the larger summed similarity, then
 * by label name, so the result never depends on partitioning. Neighbours tied on similarity are
 * ordered by id. A pool item with the query's own id is never a neighbour (the pool may be the very
 * dataset being labeled). {@code scores} = vote share per label, {@code demo_ids} = the neighbours,
 * most similar first.
 *
 * <p>The pool's embeddings are computed once per run and broadcast (pool size x dim x 4 bytes, e.g.
 * 10k x 384 = 15 MB); search is exact brute force, O(pool) per query: fine up to ~10^5 pool items.
 */
final class KnnVoteLabeler implements Labeler {
  private final EncoderSettings enc;
  private final int k;
  private final Dataset<Row> pool;
  private final List<String> labels;
  private final LabelsTable.Ident ident;

  /** Identifies the pool's embeddings: labelers differing only in k share them (driver memory). */
  private final String poolKey;

  private static final java.util.Map<String, Pool> POOLS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Pool embeddings and labels, shipped to executors. */
  record Pool(String[] ids, float[][] vectors, String[] labels) implements Serializable {}

  KnnVoteLabeler(
      SparkSession spark,
      EncoderSettings enc,
      int k,
      Dataset<Row> pool,
      List<String> labels,
      String poolSource,
      String poolVersion) {
    if (k < 1) {
      throw UserErrors.badConfigValue("label.labelers[].k", String.valueOf(k), "at least 1");
    }
    this.enc = enc;
    this.k = k;
    this.pool = pool;
    this.labels = labels;
    Path encDir = enc.validate();
    String fp =
        Fingerprint.of(
            Fingerprint.file(ModelDir.onnxFile(encDir)),
            Fingerprint.file(ModelDir.tokenizerFile(encDir)),
            String.valueOf(enc.maxLength()),
            "k=" + k,
            "pool=" + poolSource,
            "pool_version=" + poolVersion,
            "labels=" + labels);
    this.poolKey =
        Fingerprint.of(
            Fingerprint.file(ModelDir.onnxFile(encDir)),
            Fingerprint.file(ModelDir.tokenizerFile(encDir)),
            String.valueOf(enc.maxLength()),
            "pool=" + poolSource,
            "pool_version=" + poolVersion,
            "labels=" + labels);
    this.ident =
        new LabelsTable.Ident(
            "knn-vote:k" + k + ":" + fp.substring(0, 16),
            "knn-vote",
            "encoder-sha256:" + Fingerprint.file(ModelDir.onnxFile(encDir)).substring(0, 16));
  }

  @Override
  public LabelsTable.Ident ident() {
    return ident;
  }

  Pool embedPool() {
    Pool cached = POOLS.get(poolKey);
    if (cached != null) {
      return cached;
    }
    if (POOLS.size() > 4) {
      POOLS.clear(); // Bounded: pools are re-embedded rather than piling up in the driver.
    }
    Pool p = embedPoolNow();
    POOLS.put(poolKey, p);
    return p;
  }

  private Pool embedPoolNow() {
    Dataset<Row> e = EmbedStep.apply(pool.select("id", "text", "label"), "text", enc);
    int vi = e.schema().fieldIndex("vector");
    List<Row> rows =
        e.filter(e.col("error").isNull()).select("id", "label", "vector").collectAsList();
    String[] ids = new String[rows.size()];
    float[][] v = new float[rows.size()][];
    String[] ls = new String[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      ids[i] = r.getString(0);
      ls[i] = LabeledData.canonical(r.getString(1), labels);
      v[i] = EmbedStep.vector(r, 2);
    }
    return new Pool(ids, v, ls);
  }

  @Override
  public Dataset<Row> label(Dataset<Row> docs, String runId) {
    return label(docs, runId, null);
  }

  @Override
  public Dataset<Row> label(Dataset<Row> docs, String runId, CollectionAccumulator<Long> loadMs) {
    SparkSession spark = docs.sparkSession();
    Broadcast<Pool> bp =
        new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext()).broadcast(embedPool());
    Dataset<Row> emb = EmbedStep.apply(docs.select("id", "text"), "text", enc, false, loadMs);
    int kk = k;
    List<String> names = labels;
    LabelsTable.Ident id = ident;
    EmbedStep.Columns c = EmbedStep.Columns.of(emb.schema());
    return emb.map(
        (MapFunction<Row, Row>)
            r -> {
              Row failed = c.errorRow(id, r, runId);
              if (failed != null) {
                return failed;
              }
              String docId = r.getString(0);
              long t0 = System.nanoTime();
              Vote v = vote(bp.value(), EmbedStep.vector(r, c.vector()), docId, kk, names);
              double ms = r.getDouble(c.deviceMs()) + (System.nanoTime() - t0) / 1e6;
              int tokens = r.getInt(c.tokens());
              boolean truncated = r.getBoolean(c.truncated());
              if (v == null) {
                return id.row(docId, null, null, null, tokens, truncated, "empty_pool", ms, runId);
              }
              return id.row(
                  docId, v.label(), v.scores(), v.demoIds(), tokens, truncated, null, ms, runId);
            },
        Encoders.row(LabelsTable.SCHEMA));
  }

  /** The outcome of one vote. */
  record Vote(String label, Map<String, Double> scores, List<String> demoIds) {}

  /**
   * Exact top-k by dot product (vectors are unit length), excluding {@code selfId}; null if no
   * neighbour.
   */
  static Vote vote(Pool p, float[] q, String selfId, int k, List<String> labels) {
    int[] top =
        Nearest.topK(
            p.ids(), p.vectors(), q, k, i -> p.ids()[i].equals(selfId) || p.labels()[i] == null);
    int size = top.length;
    if (size == 0) {
      return null;
    }
    Map<String, Integer> votes = new LinkedHashMap<>();
    Map<String, Double> simSum = new LinkedHashMap<>();
    List<String> demo = new ArrayList<>(size);
    for (int j = 0; j < size; j++) {
      String l = p.labels()[top[j]];
      votes.merge(l, 1, Integer::sum);
      simSum.merge(l, Nearest.dot(p.vectors()[top[j]], q), Double::sum);
      demo.add(p.ids()[top[j]]);
    }
    String best = null;
    for (String l : votes.keySet()) {
      if (best == null) {
        best = l;
        continue;
      }
      int c = Integer.compare(votes.get(l), votes.get(best));
      if (c == 0) {
        c = Double.compare(simSum.get(l), simSum.get(best));
      }
      if (c == 0) {
        c = best.compareTo(l); // Alphabetically smaller label wins the last tie.
      }
      if (c > 0) {
        best = l;
      }
    }
    Map<String, Double> scores = new LinkedHashMap<>();
    for (String l : labels) {
      scores.put(l, votes.getOrDefault(l, 0) / (double) size);
    }
    return new Vote(best, scores, demo);
  }
}
