package dev.slimspark.jobs.label;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.slimspark.udfs.bert.BertEncoder;
import dev.slimspark.udfs.bert.Torch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fine-tunes a {@link BertEncoder} with a linear head on its pooled, L2-normalized embedding (the
 * head {@link LinearHead} computes, so the result exports as today's classifier graph): first a
 * linear probe on the frozen encoder's embeddings ({@link LinearProbe}, "epoch 0"), then every
 * trained weight with weighted cross-entropy on log-softmax, AdamW (decoupled decay on matrices
 * only), global gradient-norm clipping, linear warmup then linear decay, seeded shuffling, no
 * dropout, early stopping on the held-out macro-F1 with the best epoch's weights kept (the probe's
 * score is reported beside them). A step whose loss or gradient is not finite is skipped and
 * counted. Runs on the calling thread with PyTorch's intra-op threads; the weights live in native
 * memory (4 bytes per weight, x4 with AdamW's moments and the gradient).
 */
final class EncoderTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(EncoderTrainer.class);

  /** Texts per forward pass without gradients (probe embeddings, scoring). */
  private static final int INFER_BATCH = 64;

  /** One tokenized text and its class. */
  record Example(String id, long[] ids, int label) {}

  /** How one epoch went (epoch 0: the linear probe); held-out scores are null without a holdout. */
  record Epoch(
      int epoch,
      double trainLoss,
      Double heldAccuracy,
      Double heldMacroF1,
      double wallS,
      long skippedSteps) {
    Map<String, Object> toMap() {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("epoch", epoch);
      m.put("train_loss", trainLoss);
      m.put("holdout_accuracy", heldAccuracy);
      m.put("holdout_macro_f1", heldMacroF1);
      m.put("wall_s", wallS);
      m.put("skipped_steps", skippedSteps);
      return m;
    }
  }

  /**
   * The trained head (embedding-only) and encoder weights of the best epoch, the linear probe's
   * scores, and the history of the fine-tuning epochs.
   */
  record Result(
      float[][] headWeights,
      float[] headBias,
      Map<String, float[]> encoder,
      Epoch probe,
      List<Epoch> epochs,
      int bestEpoch,
      long steps,
      double wallS,
      double cpuS) {}

  private final BertEncoder bert;
  private final EncoderTraining t;
  private final String pooling;
  private final int classes;
  private final float[] classWeights;
  private final NDArray w;
  private final NDArray b;
  private final List<String> trained;
  private final AdamW adam = new AdamW();
  private long step;
  private long totalSteps;
  private long skipped;

  EncoderTrainer(
      BertEncoder bert, EncoderTraining t, String pooling, int classes, float[] classWeights) {
    this.bert = bert;
    this.t = t;
    this.pooling = pooling;
    this.classes = classes;
    this.classWeights = classWeights.clone();
    NDManager m = bert.manager();
    this.w = m.zeros(new Shape(bert.hidden(), classes));
    this.b = m.zeros(new Shape(classes));
    this.trained =
        new ArrayList<>(
            bert.topLayerParams(t.trainLayers() < 0 ? Integer.MAX_VALUE : t.trainLayers()));
    if (t.trainLayers() > 0) {
      trained.removeIf(n -> n.startsWith("embeddings."));
    }
    for (NDArray p : params()) {
      p.setRequiresGradient(true);
    }
  }

  private List<NDArray> params() {
    List<NDArray> ps = new ArrayList<>();
    trained.forEach(n -> ps.add(bert.params().get(n)));
    ps.add(w);
    ps.add(b);
    return ps;
  }

  private List<String> names() {
    List<String> names = new ArrayList<>(trained);
    names.add("head.weight");
    names.add("head.bias");
    return names;
  }

  /**
   * Trains on {@code train}, scoring {@code held} after the probe and each epoch (may be empty).
   */
  Result fit(List<Example> train, List<Example> held, List<String> labels, long seed) {
    Random rnd = new Random(seed);
    totalSteps = (long) t.epochs() * ((train.size() + t.batchSize() - 1) / t.batchSize());
    long wall0 = System.nanoTime();
    double cpu0 = cpuSeconds();
    Epoch probe = probe(train, held, labels);
    List<Epoch> history = new ArrayList<>();
    // The probe is reported, not kept: this mode's model is a fine-tuned encoder (mode = "head" is
    // the model without encoder training).
    double best = Double.NEGATIVE_INFINITY;
    int bestEpoch = 0;
    Map<String, float[]> bestEnc = null;
    float[] bestW = null;
    float[] bestB = null;
    int since = 0;
    for (int e = 1; e <= t.epochs() && since < t.patience(); e++) {
      long t0 = System.nanoTime();
      long skipped0 = skipped;
      double loss = epoch(LengthBatches.shuffled(train, t.batchSize(), rnd), e);
      if (!Double.isFinite(loss)) {
        throw dev.slimspark.errors.UserErrors.of(
            "finetune's encoder training diverged: every step of epoch "
                + e
                + " had a non-finite loss or gradient.",
            "The encoder's weights became non-finite (learning rate too high for this data?).",
            "Lower finetune.learning_rate and finetune.head_learning_rate (e.g. to a third), or use"
                + " finetune.mode = \"head\"; no model was written.");
      }
      Metrics m = held.isEmpty() ? null : score(held, labels);
      Epoch ep =
          new Epoch(
              e,
              loss,
              m == null ? null : m.accuracy(),
              m == null ? null : m.macroF1(),
              (System.nanoTime() - t0) / 1e9,
              skipped - skipped0);
      history.add(ep);
      LOG.info("finetune encoder epoch {}: {}", e, ep.toMap());
      double score = m == null ? e : m.macroF1();
      if (score > best) {
        best = score;
        bestEpoch = e;
        bestEnc = bert.values();
        bestW = w.toFloatArray();
        bestB = b.toFloatArray();
        since = 0;
      } else {
        since++;
      }
    }
    double wall = (System.nanoTime() - wall0) / 1e9;
    restore(bestEnc, bestW, bestB);
    return new Result(
        headRows(bestW),
        bestB,
        bestEnc,
        probe,
        history,
        bestEpoch,
        step,
        wall,
        cpuSeconds() - cpu0);
  }

  /** Epoch 0: the head fitted on the frozen encoder's embeddings of the training rows. */
  private Epoch probe(List<Example> train, List<Example> held, List<String> labels) {
    long t0 = System.nanoTime();
    double loss;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray z = embed(train);
      loss =
          LinearProbe.fit(z, train.stream().mapToInt(Example::label).toArray(), classWeights, w, b);
    }
    Metrics m = held.isEmpty() ? null : score(held, labels);
    Epoch ep =
        new Epoch(
            0,
            loss,
            m == null ? null : m.accuracy(),
            m == null ? null : m.macroF1(),
            (System.nanoTime() - t0) / 1e9,
            0);
    LOG.info("finetune encoder linear probe (epoch 0): {}", ep.toMap());
    return ep;
  }

  /** Puts the best epoch's weights back, so {@link #predict} is the written model's. */
  private void restore(Map<String, float[]> enc, float[] bw, float[] bb) {
    for (String n : trained) {
      bert.params().get(n).set(java.nio.FloatBuffer.wrap(enc.get(n)));
    }
    w.set(java.nio.FloatBuffer.wrap(bw));
    b.set(java.nio.FloatBuffer.wrap(bb));
  }

  /** [hidden, classes] row-major to one row of weights per class. */
  private float[][] headRows(float[] flat) {
    int h = bert.hidden();
    float[][] res = new float[classes][h];
    for (int j = 0; j < h; j++) {
      for (int k = 0; k < classes; k++) {
        res[k][j] = flat[j * classes + k];
      }
    }
    return res;
  }

  /** One pass; returns the mean training loss of the steps taken (NaN when none was). */
  private double epoch(List<List<Example>> batches, int e) {
    double sum = 0;
    int n = 0;
    long t0 = System.nanoTime();
    double cpu0 = cpuSeconds();
    for (int i = 0; i < batches.size(); i++) {
      double l = step(batches.get(i));
      if (Double.isFinite(l)) {
        sum += l;
        n++;
      }
      if ((i + 1) % 50 == 0) {
        LOG.info(
            "finetune encoder epoch {}: step {} of {}, mean loss {}, {} s, {} CPU s",
            e,
            i + 1,
            batches.size(),
            String.format("%.4f", sum / Math.max(1, n)),
            String.format("%.0f", (System.nanoTime() - t0) / 1e9),
            String.format("%.0f", cpuSeconds() - cpu0));
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** One step; returns its loss, or NaN when it was skipped (non-finite loss or gradient). */
  private double step(List<Example> batch) {
    step++;
    double loss;
    List<NDArray> ps = params();
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDManager m = bert.manager();
      NDList in = BertEncoder.batch(m, batch.stream().map(Example::ids).toList());
      int[] y = batch.stream().mapToInt(Example::label).toArray();
      float[] cw = new float[y.length];
      for (int i = 0; i < y.length; i++) {
        cw[i] = classWeights[y[i]];
      }
      NDArray onehot = m.create(y).oneHot(classes, DataType.FLOAT32);
      NDArray weight = m.create(cw);
      try (GradientCollector gc = Engine.getEngine(Torch.ENGINE).newGradientCollector()) {
        // log-softmax, not log(softmax): finite for any logits.
        NDArray logp = logits(in).logSoftmax(1);
        NDArray l = onehot.mul(logp).sum(new int[] {1}).neg().mul(weight).sum().div(weight.sum());
        gc.backward(l);
        loss = l.getFloat();
      }
      double norm = Double.isFinite(loss) ? AdamW.gradNorm(ps) : Double.NaN;
      if (Double.isFinite(norm)) {
        double max = t.maxGradNorm();
        float scale = max > 0 && norm > max ? (float) (max / norm) : 1f;
        adam.update(names(), ps, this::rate, t.weightDecay(), scale);
      } else {
        LOG.warn("finetune encoder step {} skipped: loss {}, gradient norm {}", step, loss, norm);
        skipped++;
        loss = Double.NaN;
      }
      ps.forEach(Torch::zeroGradient);
    }
    return loss;
  }

  /** This step's rate of weight {@code name}: linear warmup, then linear decay to 0. */
  private double rate(String name) {
    double warm = Math.max(1, t.warmupFraction() * totalSteps);
    double f =
        step <= warm
            ? step / warm
            : Math.max(0, (totalSteps - step) / Math.max(1.0, totalSteps - warm));
    return f * (name.startsWith("head.") ? t.headLearningRate() : t.learningRate());
  }

  private NDArray logits(NDList in) {
    return pooled(in).matMul(w).add(b);
  }

  private NDArray pooled(NDList in) {
    return BertEncoder.pool(bert.forward(in.get(0), in.get(1)), in.get(1), pooling);
  }

  /**
   * Pooled embeddings {@code [n, hidden]} of {@code rows} in their order, without gradients,
   * batched by length (dynamic padding); attached to the caller's scope.
   */
  private NDArray embed(List<Example> rows) {
    Integer[] order = LengthBatches.byLength(rows);
    float[] out = new float[rows.size() * bert.hidden()];
    for (int i = 0; i < order.length; i += INFER_BATCH) {
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        int end = Math.min(order.length, i + INFER_BATCH);
        List<long[]> ids = new ArrayList<>();
        for (int j = i; j < end; j++) {
          ids.add(rows.get(order[j]).ids());
        }
        float[] z = pooled(BertEncoder.batch(bert.manager(), ids)).toFloatArray();
        for (int j = i; j < end; j++) {
          System.arraycopy(
              z, (j - i) * bert.hidden(), out, order[j] * bert.hidden(), bert.hidden());
        }
      }
    }
    return bert.manager().create(out, new Shape(rows.size(), bert.hidden()));
  }

  /** Predicted class per example, batched by length, without gradients. */
  int[] predict(List<Example> rows) {
    Integer[] order = LengthBatches.byLength(rows);
    int[] res = new int[rows.size()];
    for (int i = 0; i < order.length; i += INFER_BATCH) {
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        int end = Math.min(order.length, i + INFER_BATCH);
        List<long[]> ids = new ArrayList<>();
        for (int j = i; j < end; j++) {
          ids.add(rows.get(order[j]).ids());
        }
        long[] arg = logits(BertEncoder.batch(bert.manager(), ids)).argMax(1).toLongArray();
        for (int j = i; j < end; j++) {
          res[order[j]] = (int) arg[j - i];
        }
      }
    }
    return res;
  }

  private Metrics score(List<Example> held, List<String> labels) {
    int[] p = predict(held);
    long[][] cm = new long[classes][classes];
    for (int i = 0; i < p.length; i++) {
      cm[held.get(i).label()][p[i]]++;
    }
    return new Metrics(labels, cm);
  }

  /** This process's CPU seconds (every thread, PyTorch's native ones included). */
  static double cpuSeconds() {
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime() / 1e9;
    }
    return Double.NaN;
  }
}
