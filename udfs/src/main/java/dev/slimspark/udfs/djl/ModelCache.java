package dev.slimspark.udfs.djl;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One loaded model per JVM per key (executors reuse it across tasks), closed by a shutdown hook.
 * Loading happens at most once per key even when concurrent tasks ask at the same time.
 */
final class ModelCache<K, V extends AutoCloseable> {
  private final Map<K, V> models = new ConcurrentHashMap<>();

  ModelCache(String name) {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(this::closeAll, "slimspark-" + name + "-close"));
  }

  V get(K key, Function<K, V> load) {
    return models.computeIfAbsent(key, load);
  }

  int size() {
    return models.size();
  }

  void closeAll() {
    for (V m : models.values()) {
      try {
        m.close();
      } catch (Exception ex) {
        // Shutdown: nothing useful left to do with the error.
      }
    }
    models.clear();
  }
}
