package dev.slimspark.jobs.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.slimspark.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ConnectedComponentsStepTest {
  private static final StructType EDGES =
      new StructType().add("src", DataTypes.LongType).add("dst", DataTypes.LongType);

  private static Dataset<Row> edges(long[][] pairs) {
    List<Row> rows = new ArrayList<>();
    for (long[] p : pairs) {
      rows.add(RowFactory.create(p[0], p[1]));
    }
    return TestSpark.session().createDataFrame(rows, EDGES).repartition(3);
  }

  private static Map<Long, Long> labels(Dataset<Row> edges, DedupOptions opts) {
    Map<Long, Long> m = new TreeMap<>();
    for (Row r : ConnectedComponentsStep.run(edges, opts).assignment().collectAsList()) {
      m.put(r.getLong(0), r.getLong(1));
    }
    return m;
  }

  @Test
  void chainStarAndTwoComponents() {
    // Chain 5-4-3-2-1 (worst case for label propagation), star around 10 given with the centre as
    // the larger end, a separate pair, a duplicate edge and a self-loop.
    long[][] g = {
      {5, 4}, {4, 3}, {3, 2}, {2, 1}, {20, 10}, {21, 20}, {22, 20}, {23, 20}, {20, 24}, {31, 30},
      {30, 31}, {40, 40}
    };
    Map<Long, Long> expected = new TreeMap<>();
    for (long n = 2; n <= 5; n++) {
      expected.put(n, 1L);
    }
    for (long n = 20; n <= 24; n++) {
      expected.put(n, 10L);
    }
    expected.put(31L, 30L);
    assertEquals(expected, labels(edges(g), DedupOptions.defaults()));
  }

  @Test
  void randomGraphMatchesUnionFind() {
    SplittableRandom rnd = new SplittableRandom(5);
    int n = 150;
    long[][] g = new long[110][];
    int[] parent = new int[n];
    for (int i = 0; i < n; i++) {
      parent[i] = i;
    }
    for (int i = 0; i < g.length; i++) {
      int a = rnd.nextInt(n);
      int b = rnd.nextInt(n);
      g[i] = new long[] {a, b};
      parent[find(parent, a)] = find(parent, b);
    }
    Map<Integer, Integer> compMin = new TreeMap<>();
    java.util.Set<Integer> touched = new java.util.HashSet<>();
    for (long[] e : g) {
      if (e[0] != e[1]) {
        touched.add((int) e[0]);
        touched.add((int) e[1]);
      }
    }
    for (int v : touched) {
      compMin.merge(find(parent, v), v, Math::min);
    }
    Map<Long, Long> expected = new TreeMap<>();
    for (int v : touched) {
      int m = compMin.get(find(parent, v));
      if (m != v) {
        expected.put((long) v, (long) m);
      }
    }
    assertEquals(expected, labels(edges(g), DedupOptions.defaults()));
  }

  @Test
  void iterationCapFailsLoudly() {
    long[][] chain = new long[40][];
    for (int i = 0; i < chain.length; i++) {
      chain[i] = new long[] {i + 1, i};
    }
    DedupOptions one = DedupOptions.builder().maxCcIterations(1).build();
    assertThrows(IllegalStateException.class, () -> ConnectedComponentsStep.run(edges(chain), one));
  }

  private static int find(int[] p, int x) {
    while (p[x] != x) {
      p[x] = p[p[x]];
      x = p[x];
    }
    return x;
  }
}
