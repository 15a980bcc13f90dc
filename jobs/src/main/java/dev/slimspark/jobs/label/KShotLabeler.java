package dev.slimspark.jobs.label;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.udfs.djl.Batching;
import dev.slimspark.udfs.djl.Devices;
import dev.slimspark.udfs.djl.LanguageModel;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;

/**
 * {@code type = "k-shot"}: a language model labels by rank classification. For each document the
 * prompt (template + k demonstrations + the document) is scored against every label's verbalizer,
 * score = sum of the verbalizer tokens' log-probabilities, label = argmax, so the output is always
 * one of the labels whatever the text says. {@code scores} = those sums, or with calibration the
 * calibrated log-probabilities (below). {@code demo_ids} = the demonstrations used, in prompt
 * order. {@code tokens_processed} = tokens the language model processed for the document (prompt
 * rows, verbalizers, content-free prompts computed for it; padding excluded) plus, for knn, the
 * query's encoder tokens.
 *
 * <p>Calibration ("Calibrate Before Use", Zhao et al. 2021): the same demonstrations with each
 * content-free text in place of the document give label probabilities p_cf (softmax over labels,
 * averaged over the content-free texts); the document's softmax p is divided by p_cf and
 * renormalized, scores = log of the result. Content-free scores are cached per demonstration set
 * within a task (k = 0: computed once per task).
 *
 * <p>Work per partition: windows of {@code batch_size x 8} documents, prompts sorted by token
 * length inside the window, {@code batch_size} prompts per forward pass.
 */
final class KShotLabeler implements Labeler {
  /** Everything executors need, shipped once per task. */
  record Settings(
      String modelDir,
      KShotPrompt prompt,
      List<String> labels,
      boolean calibrate,
      List<String> contentFree,
      int maxLength,
      int batchSize,
      boolean knn)
      implements Serializable {}

  static final String PROMPT_TOO_LONG = "prompt_too_long";

  private final Settings settings;
  private final Demonstrations pool;
  private final EncoderSettings encoder;
  private final LabelsTable.Ident ident;

  KShotLabeler(
      Settings settings, Demonstrations pool, EncoderSettings encoder, LabelsTable.Ident ident) {
    this.settings = settings;
    this.pool = pool;
    this.encoder = encoder;
    this.ident = ident;
  }

  @Override
  public LabelsTable.Ident ident() {
    return ident;
  }

  @Override
  public Dataset<Row> label(Dataset<Row> docs, String runId) {
    return label(docs, runId, null);
  }

  /**
   * {@code loadMs} gets each task's wait for the language model (the knn encoder's is not counted).
   */
  @Override
  public Dataset<Row> label(Dataset<Row> docs, String runId, CollectionAccumulator<Long> loadMs) {
    Dataset<Row> in =
        settings.knn()
            ? EmbedStep.apply(docs.select("id", "text"), "text", encoder)
            : docs.select("id", "text");
    Broadcast<Demonstrations> bp =
        new org.apache.spark.api.java.JavaSparkContext(docs.sparkSession().sparkContext())
            .broadcast(pool);
    Settings s = settings;
    LabelsTable.Ident id = ident;
    boolean knn = s.knn();
    int vi = knn ? in.schema().fieldIndex("vector") : -1;
    int ti = knn ? in.schema().fieldIndex("tokens_processed") : -1;
    int di = knn ? in.schema().fieldIndex("device_ms") : -1;
    int ei = knn ? in.schema().fieldIndex("error") : -1;
    MapPartitionsFunction<Row, Row> fn = partitions(s, bp, id, runId, vi, ti, di, ei, loadMs);
    return in.mapPartitions(fn, Encoders.row(LabelsTable.SCHEMA));
  }

  /** Static (captures no labeler): the per-partition function shipped to executors. */
  private static MapPartitionsFunction<Row, Row> partitions(
      Settings s,
      Broadcast<Demonstrations> bp,
      LabelsTable.Ident id,
      String runId,
      int vi,
      int ti,
      int di,
      int ei,
      CollectionAccumulator<Long> loadMs) {
    return rows -> {
      Window w = new Window(s, bp.value(), id, runId, vi, ti, di, ei);
      w.loadMs = loadMs;
      return Batching.perWindow(rows, s.batchSize() * EmbedStep.WINDOW_BATCHES, w::process);
    };
  }

  /** Per-task state: the model, verbalizer ids, content-free cache. */
  static final class Window {
    private final Settings s;
    private final Demonstrations pool;
    private final LabelsTable.Ident id;
    private final String runId;
    private final int vi;
    private final int ti;
    private final int di;
    private final int ei;
    private final Map<List<Integer>, double[]> cfCache = new HashMap<>();
    private LanguageModel lm;

    /** Receives the wait for the model (may be null). */
    private CollectionAccumulator<Long> loadMs;

    private long[][] conts;
    private int budget;

    Window(
        Settings s,
        Demonstrations pool,
        LabelsTable.Ident id,
        String runId,
        int vi,
        int ti,
        int di,
        int ei) {
      this.s = s;
      this.pool = pool;
      this.id = id;
      this.runId = runId;
      this.vi = vi;
      this.ti = ti;
      this.di = di;
      this.ei = ei;
    }

    private void load() {
      if (lm != null) {
        return;
      }
      long l0 = System.nanoTime();
      try {
        lm = LanguageModel.forCurrentTask(Path.of(s.modelDir()));
        if (loadMs != null) {
          loadMs.add((System.nanoTime() - l0) / 1_000_000);
        }
      } catch (Devices.GpuUnavailableException e) {
        throw UserErrors.gpuUnavailable(e);
      }
      conts = new long[s.labels().size()][];
      for (int c = 0; c < conts.length; c++) {
        conts[c] = lm.encode(s.prompt().verbalizers().get(c), false).getIds();
      }
      budget = lm.promptBudget(conts, s.maxLength());
    }

    List<Row> process(List<Row> w) {
      int n = w.size();
      Prompts p = prompts(w);
      long t0 = System.nanoTime();
      List<double[]> scores =
          p.ids.isEmpty() ? List.of() : lm.scoreAll(p.ids, conts, s.batchSize());
      double msEach = p.ids.isEmpty() ? 0 : (System.nanoTime() - t0) / 1e6 / (n - count(p.errors));
      for (Map.Entry<List<Integer>, Integer> e : p.cfNew.entrySet()) {
        cfCache.put(
            e.getKey(),
            contentFreeProbabilities(
                scores.subList(e.getValue(), e.getValue() + s.contentFree().size())));
      }
      if (cfCache.size() > 10_000) {
        cfCache.clear(); // Bounded: per-document demo sets (random, knn) rarely repeat.
      }
      List<Row> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        Row r = w.get(i);
        int extraTokens = ti >= 0 ? r.getInt(ti) : 0;
        double extraMs = di >= 0 ? r.getDouble(di) : 0;
        if (p.errors[i] != null) {
          out.add(
              id.row(
                  r.getString(0),
                  null,
                  null,
                  null,
                  extraTokens,
                  false,
                  p.errors[i],
                  extraMs,
                  runId));
          continue;
        }
        out.add(
            labelled(
                r.getString(0),
                scores.get(p.promptOf[i]),
                p.fitted[i],
                p.tokens[i] + extraTokens,
                msEach + extraMs));
      }
      return out;
    }

    /** Fits each row's prompt (or records why not) and the content-free prompts it needs. */
    private Prompts prompts(List<Row> w) {
      Prompts p = new Prompts(w.size());
      for (int i = 0; i < w.size(); i++) {
        Row r = w.get(i);
        String text = r.isNullAt(1) ? null : r.getString(1);
        if (ei >= 0 && !r.isNullAt(ei)) {
          p.errors[i] = r.getString(ei);
          continue;
        }
        if (text == null || text.isBlank()) {
          p.errors[i] = EmbedStep.EMPTY_TEXT;
          continue;
        }
        load();
        List<Integer> demos =
            pool.select(r.getString(0), text, vi >= 0 ? EmbedStep.vector(r, vi) : null);
        p.fitted[i] = s.prompt().fit(lm::encode, pool, demos, text, budget);
        if (p.fitted[i] == null) {
          p.errors[i] = PROMPT_TOO_LONG;
          continue;
        }
        p.promptOf[i] = p.ids.size();
        p.ids.add(p.fitted[i].ids());
        p.tokens[i] = lm.tokensProcessed(p.fitted[i].ids().length, conts);
        addContentFree(p, i);
      }
      return p;
    }

    /**
     * When calibrating, the content-free prompts of row i's demo set, unless cached or already
     * added in this window; their tokens count for row i.
     */
    private void addContentFree(Prompts p, int i) {
      List<Integer> key = p.fitted[i].demos();
      if (s.calibrate() && !cfCache.containsKey(key) && !p.cfNew.containsKey(key)) {
        p.cfNew.put(key, p.ids.size());
        for (String cf : s.contentFree()) {
          KShotPrompt.Fitted f = s.prompt().fit(lm::encode, pool, key, cf, budget);
          p.ids.add(f.ids());
          p.tokens[i] += lm.tokensProcessed(f.ids().length, conts);
        }
      }
    }

    /** The labels row of a scored document: best label, (calibrated) scores and its demos. */
    private Row labelled(
        String docId, double[] sc, KShotPrompt.Fitted fitted, int tokens, double ms) {
      if (s.calibrate()) {
        sc = calibrate(sc, cfCache.get(fitted.demos()));
      }
      Map<String, Double> m = new LinkedHashMap<>();
      int best = 0;
      for (int c = 0; c < sc.length; c++) {
        m.put(s.labels().get(c), sc[c]);
        if (sc[c] > sc[best]) {
          best = c;
        }
      }
      List<String> demoIds = new ArrayList<>(fitted.demos().size());
      for (int d : fitted.demos()) {
        demoIds.add(pool.id(d));
      }
      return id.row(
          docId, s.labels().get(best), m, demoIds, tokens, fitted.truncated(), null, ms, runId);
    }
  }

  /** One window's prompts to score, and per row its fitted prompt or error and its tokens. */
  private static final class Prompts {
    final KShotPrompt.Fitted[] fitted;
    final String[] errors;
    final int[] tokens;

    /** Index in {@link #ids} of each row's prompt. */
    final int[] promptOf;

    final List<long[]> ids = new ArrayList<>();

    /** Content-free prompts still to compute in this window: demo set -> first prompt index. */
    final Map<List<Integer>, Integer> cfNew = new LinkedHashMap<>();

    Prompts(int n) {
      fitted = new KShotPrompt.Fitted[n];
      errors = new String[n];
      tokens = new int[n];
      promptOf = new int[n];
    }
  }

  private static int count(String[] a) {
    int c = 0;
    for (String x : a) {
      c += x == null ? 0 : 1;
    }
    return c;
  }

  /** Softmax over labels of each content-free prompt's scores, averaged. */
  static double[] contentFreeProbabilities(List<double[]> cf) {
    double[] p = new double[cf.get(0).length];
    for (double[] s : cf) {
      double[] q = FineTunedModel.softmax(s);
      for (int c = 0; c < p.length; c++) {
        p[c] += q[c] / cf.size();
      }
    }
    return p;
  }

  /** log(normalize(softmax(scores) / pCf)): the calibrated log-probabilities. */
  static double[] calibrate(double[] scores, double[] pCf) {
    double[] z = new double[scores.length];
    for (int c = 0; c < z.length; c++) {
      z[c] = scores[c] - Math.log(pCf[c]);
    }
    // Dividing softmax(scores) by pCf and renormalizing equals a log-softmax of scores - log pCf.
    double[] p = FineTunedModel.softmax(z);
    for (int c = 0; c < z.length; c++) {
      z[c] = Math.log(p[c]);
    }
    return z;
  }
}
