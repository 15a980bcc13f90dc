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
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fine-tunes a {@link BertEncoder} with a linear head on its pooled, L2-normalized embedding (the
 * head {@link LinearHead} computes, so the result exports as today's classifier graph): weighted
 * cross-entropy, AdamW (decoupled decay on matrices only), linear warmup then linear decay, seeded
 * shuffling, no dropout, early stopping on the held-out macro-F1 with the best epoch's weights
 * kept. Runs on the calling thread with PyTorch's intra-op threads; the weights live in native
 * memory (4 bytes per weight, x4 with AdamW's moments and the gradient).
 */
final class EncoderTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(EncoderTrainer.class);
  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float ADAM_EPS = 1e-8f;

  /** One tokenized text and its class. */
  record Example(String id, long[] ids, int label) {}

  /** How one epoch went; held-out scores are null without a holdout. */
  record Epoch(int epoch, double trainLoss, Double heldAccuracy, Double heldMacroF1, double wallS) {
    Map<String, Object> toMap() {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("epoch", epoch);
      m.put("train_loss", trainLoss);
      m.put("holdout_accuracy", heldAccuracy);
      m.put("holdout_macro_f1", heldMacroF1);
      m.put("wall_s", wallS);
      return m;
    }
  }

  /** The trained head (embedding-only) and encoder weights of the best epoch, and the history. */
  record Result(
      float[][] headWeights,
      float[] headBias,
      Map<String, float[]> encoder,
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
  private final Map<String, NDArray[]> moments = new java.util.HashMap<>();
  private long step;
  private long totalSteps;

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
    this.trained = bert.topLayerParams(t.trainLayers() < 0 ? Integer.MAX_VALUE : t.trainLayers());
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

  /** Trains on {@code train}, scoring {@code held} after each epoch (may be empty). */
  Result fit(List<Example> train, List<Example> held, List<String> labels, long seed) {
    Random rnd = new Random(seed);
    totalSteps = (long) t.epochs() * ((train.size() + t.batchSize() - 1) / t.batchSize());
    List<Epoch> history = new ArrayList<>();
    double best = Double.NEGATIVE_INFINITY;
    int bestEpoch = 0;
    Map<String, float[]> bestEnc = null;
    float[] bestW = null;
    float[] bestB = null;
    long wall0 = System.nanoTime();
    double cpu0 = cpuSeconds();
    int since = 0;
    for (int e = 1; e <= t.epochs() && since < t.patience(); e++) {
      long t0 = System.nanoTime();
      double loss = epoch(batches(train, rnd));
      if (!Double.isFinite(loss)) {
        // Seen with 3 epochs on 320 tweets (cause not found yet): refuse rather than write NaNs.
        throw dev.slimspark.errors.UserErrors.of(
            "finetune's encoder training diverged: the training loss of epoch "
                + e
                + " is "
                + loss
                + ".",
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
              (System.nanoTime() - t0) / 1e9);
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
        headRows(bestW), bestB, bestEnc, history, bestEpoch, step, wall, cpuSeconds() - cpu0);
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

  /**
   * Seeded shuffle, then texts of similar length batched together within windows of 50 batches
   * (less padding, still random order of batches).
   */
  private List<List<Example>> batches(List<Example> rows, Random rnd) {
    List<Example> order = new ArrayList<>(rows);
    Collections.shuffle(order, rnd);
    int bs = t.batchSize();
    List<List<Example>> res = new ArrayList<>();
    for (int i = 0; i < order.size(); i += 50 * bs) {
      List<Example> window = new ArrayList<>(order.subList(i, Math.min(order.size(), i + 50 * bs)));
      window.sort(Comparator.comparingInt(x -> x.ids().length));
      for (int j = 0; j < window.size(); j += bs) {
        res.add(window.subList(j, Math.min(window.size(), j + bs)));
      }
    }
    Collections.shuffle(res, rnd);
    return res;
  }

  /** One pass; returns the mean training loss. */
  private double epoch(List<List<Example>> batches) {
    double sum = 0;
    for (List<Example> batch : batches) {
      sum += step(batch);
    }
    return sum / Math.max(1, batches.size());
  }

  private double step(List<Example> batch) {
    step++;
    double loss;
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
      try (GradientCollector gc =
          Engine.getEngine(bert.manager().getEngine().getEngineName()).newGradientCollector()) {
        NDArray logp = logits(in).logSoftmax(1);
        NDArray l = onehot.mul(logp).sum(new int[] {1}).neg().mul(weight).sum().div(weight.sum());
        gc.backward(l);
        loss = l.getFloat();
      }
      update();
      for (NDArray p : params()) {
        NDArray g = p.getGradient();
        g.subi(g);
      }
    }
    return loss;
  }

  private NDArray logits(NDList in) {
    NDArray z = BertEncoder.pool(bert.forward(in.get(0), in.get(1)), in.get(1), pooling);
    return z.matMul(w).add(b);
  }

  /** AdamW on every trained weight, at this step's rate (warmup, then linear decay). */
  private void update() {
    double warm = Math.max(1, t.warmupFraction() * totalSteps);
    double f =
        step <= warm
            ? step / warm
            : Math.max(0, (totalSteps - step) / Math.max(1.0, totalSteps - warm));
    float bc1 = (float) (1 - Math.pow(BETA1, step));
    float bc2 = (float) (1 - Math.pow(BETA2, step));
    List<String> names = new ArrayList<>(trained);
    names.add("head.weight");
    names.add("head.bias");
    List<NDArray> ps = params();
    for (int i = 0; i < ps.size(); i++) {
      NDArray p = ps.get(i);
      String name = names.get(i);
      boolean head = name.startsWith("head.");
      float lr = (float) (f * (head ? t.headLearningRate() : t.learningRate()));
      boolean decay = p.getShape().dimension() > 1;
      NDArray g = p.getGradient();
      NDArray[] mv = moments.computeIfAbsent(name, k -> new NDArray[] {zerosLike(p), zerosLike(p)});
      mv[0].muli(BETA1).addi(g.mul(1 - BETA1));
      mv[1].muli(BETA2).addi(g.square().muli(1 - BETA2));
      NDArray upd = mv[0].div(bc1).divi(mv[1].div(bc2).sqrt().addi(ADAM_EPS));
      if (decay && t.weightDecay() > 0) {
        upd.addi(p.mul((float) t.weightDecay()));
      }
      p.subi(upd.muli(lr));
    }
  }

  private static NDArray zerosLike(NDArray p) {
    NDArray z = p.getManager().zeros(p.getShape());
    NDScope.unregister(z);
    return z;
  }

  /** Predicted class per example, batched, without gradients. */
  int[] predict(List<Example> rows) {
    int[] res = new int[rows.size()];
    int bs = 64;
    for (int i = 0; i < rows.size(); i += bs) {
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        List<long[]> ids = new ArrayList<>();
        for (Example x : rows.subList(i, Math.min(rows.size(), i + bs))) {
          ids.add(x.ids());
        }
        long[] arg = logits(BertEncoder.batch(bert.manager(), ids)).argMax(1).toLongArray();
        for (int j = 0; j < arg.length; j++) {
          res[i + j] = (int) arg[j];
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
