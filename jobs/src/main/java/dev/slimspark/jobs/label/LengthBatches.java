package dev.slimspark.jobs.label;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Dynamic padding for the encoder mode: each batch is padded to its longest text only, so batches
 * of texts of similar length waste little work on padding.
 */
final class LengthBatches {
  /** Batches per window sorted by length: larger windows pad less but mix the order less. */
  static final int WINDOW = 50;

  private LengthBatches() {}

  /**
   * A seeded shuffle, then texts sorted by length within windows of {@link #WINDOW} batches and cut
   * into batches of {@code size}; the batches are shuffled again (same seed, same batches).
   */
  static List<List<EncoderTrainer.Example>> shuffled(
      List<EncoderTrainer.Example> rows, int size, Random rnd) {
    List<EncoderTrainer.Example> order = new ArrayList<>(rows);
    Collections.shuffle(order, rnd);
    List<List<EncoderTrainer.Example>> res = new ArrayList<>();
    for (int i = 0; i < order.size(); i += WINDOW * size) {
      List<EncoderTrainer.Example> window =
          new ArrayList<>(order.subList(i, Math.min(order.size(), i + WINDOW * size)));
      window.sort(Comparator.comparingInt(x -> x.ids().length));
      for (int j = 0; j < window.size(); j += size) {
        res.add(window.subList(j, Math.min(window.size(), j + size)));
      }
    }
    Collections.shuffle(res, rnd);
    return res;
  }

  /** Indexes of {@code rows} by token count (stable): batches of neighbours pad little. */
  static Integer[] byLength(List<EncoderTrainer.Example> rows) {
    Integer[] order = new Integer[rows.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, Comparator.comparingInt(i -> rows.get(i).ids().length));
    return order;
  }
}
