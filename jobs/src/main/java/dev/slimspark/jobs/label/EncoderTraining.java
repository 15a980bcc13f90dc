package dev.slimspark.jobs.label;

import dev.slimspark.errors.UserErrors;

/**
 * The hyper-parameters of finetune's encoder mode ({@code finetune.mode = "encoder"}), read by
 * {@link FinetuneOptions} from the {@code finetune.*} keys named below.
 *
 * @param epochs passes over the training rows (at most; early stopping may end sooner)
 * @param learningRate peak AdamW learning rate of the encoder's weights
 * @param headLearningRate peak AdamW learning rate of the new classification head (it starts at
 *     zero, so it needs a larger one)
 * @param warmupFraction share of all steps over which the rate rises linearly from 0; it then
 *     decays linearly to 0 at the last step
 * @param weightDecay AdamW's decoupled weight decay of the matrices (biases and LayerNorm: none)
 * @param batchSize texts per training step
 * @param trainLayers how many of the encoder's top layers are trained; -1 = every weight,
 *     embeddings included (full fine-tuning)
 * @param patience epochs without a better held-out macro-F1 before training stops; the best epoch's
 *     weights are kept
 * @param threads PyTorch intra-op threads; 0 = one per core
 * @param maxGradNorm global L2 norm the gradients are scaled down to before each step (0 = no
 *     clipping: one outlier batch can then throw the encoder far from its pretrained weights)
 */
public record EncoderTraining(
    int epochs,
    double learningRate,
    double headLearningRate,
    double warmupFraction,
    double weightDecay,
    int batchSize,
    int trainLayers,
    int patience,
    int threads,
    double maxGradNorm) {
  private static final String P = "finetune.";

  public EncoderTraining {
    positive("epochs", epochs);
    positive("train_batch_size", batchSize);
    positive("patience", patience);
    if (!(learningRate > 0) || !(headLearningRate > 0)) {
      throw UserErrors.badConfigValue(
          P + "learning_rate / " + P + "head_learning_rate",
          learningRate + " / " + headLearningRate,
          "positive numbers (e.g. 5e-5 and 3e-3)");
    }
    if (warmupFraction < 0 || warmupFraction >= 1) {
      throw UserErrors.badConfigValue(
          P + "warmup_fraction", String.valueOf(warmupFraction), "in [0, 1)");
    }
    if (weightDecay < 0) {
      throw UserErrors.badConfigValue(P + "weight_decay", String.valueOf(weightDecay), ">= 0");
    }
    if (trainLayers < -1 || trainLayers == 0) {
      throw UserErrors.badConfigValue(
          P + "train_layers", String.valueOf(trainLayers), "-1 (all weights) or at least 1");
    }
    if (!(maxGradNorm >= 0) || Double.isInfinite(maxGradNorm)) {
      throw UserErrors.badConfigValue(
          P + "max_grad_norm", String.valueOf(maxGradNorm), "a number >= 0 (0 = no clipping)");
    }
    if (threads < 0) {
      throw UserErrors.badConfigValue(P + "threads", String.valueOf(threads), ">= 0");
    }
  }

  private static void positive(String key, int v) {
    if (v < 1) {
      throw UserErrors.badConfigValue(P + key, String.valueOf(v), "at least 1");
    }
  }
}
