package dev.slimspark.udfs.djl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/** Batching helpers for per-partition inference. */
public final class Batching {
  private Batching() {}

  /** Groups an iterator into consecutive lists of at most {@code size} items (lazily). */
  public static <T> Iterator<List<T>> windows(Iterator<T> it, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("window size must be >= 1, got " + size);
    }
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public List<T> next() {
        if (!it.hasNext()) {
          throw new NoSuchElementException();
        }
        List<T> w = new ArrayList<>(size);
        while (it.hasNext() && w.size() < size) {
          w.add(it.next());
        }
        return w;
      }
    };
  }

  /**
   * Lazily applies {@code fn} to consecutive windows of at most {@code size} items and yields its
   * results in order: per-partition inference holds one window in memory, not the partition.
   */
  public static <T, R> Iterator<R> perWindow(
      Iterator<T> it, int size, Function<List<T>, List<R>> fn) {
    Iterator<List<T>> windows = windows(it, size);
    return new Iterator<>() {
      private Iterator<R> current = java.util.Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && windows.hasNext()) {
          current = fn.apply(windows.next()).iterator();
        }
        return current.hasNext();
      }

      @Override
      public R next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  /**
   * Runs {@code fn} over batches of at most {@code batchSize} texts and returns one result per text
   * in the input order. Texts are sorted by length first (stable, so equal lengths keep their
   * order) so that each batch pads to similar lengths; {@code fn} must return one result per text
   * of its batch, in batch order.
   */
  public static <R> List<R> sortedBatches(
      List<String> texts, int batchSize, Function<List<String>, List<R>> fn) {
    return sortedBatches(texts, String::length, batchSize, fn);
  }

  /**
   * As {@link #sortedBatches(List, int, Function)} for any item with a length (e.g. token id
   * arrays, sorted by token count, which is what padding depends on).
   */
  public static <T, R> List<R> sortedBatches(
      List<T> items, ToIntFunction<T> length, int batchSize, Function<List<T>, List<R>> fn) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    int n = items.size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt(i -> length.applyAsInt(items.get(i))));
    List<R> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(null);
    }
    for (int start = 0; start < n; start += batchSize) {
      int end = Math.min(n, start + batchSize);
      List<T> batch = new ArrayList<>(end - start);
      for (int i = start; i < end; i++) {
        batch.add(items.get(order[i]));
      }
      List<R> r = fn.apply(batch);
      if (r.size() != batch.size()) {
        throw new IllegalStateException(
            "batch function returned " + r.size() + " results for " + batch.size() + " inputs");
      }
      for (int i = start; i < end; i++) {
        out.set(order[i], r.get(i - start));
      }
    }
    return out;
  }
}
