package dev.slimspark.jobs.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.TestSpark;
import dev.slimspark.lake.TokenCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** PackAction packs an in-memory Dataset with options alone: no config file, no lake. */
class PackActionTest {
  @Test
  void packsDatasetsWithoutALake() {
    Map<String, int[]> docs = PackTestData.corpus(200, 3, Math.log(100), 0.8, 2000, "A", "B");
    List<Row> rows = new ArrayList<>();
    long tokens = 0;
    for (Map.Entry<String, int[]> e : docs.entrySet()) {
      int[] t = e.getValue();
      tokens += t.length;
      rows.add(
          RowFactory.create(
              e.getKey(),
              PackTestData.sourceOf(e.getKey()),
              t.length,
              TokenCodec.encode(t, TokenCodec.UINT16),
              TokenCodec.UINT16));
    }
    Dataset<Row> in = TestSpark.session().createDataFrame(rows, PackTestData.SCHEMA);
    PackOptions o =
        new PackOptions(
            128,
            PackOptions.Mode.CONCAT,
            65000,
            1L,
            0.0,
            Map.of(),
            1L << 20,
            false,
            PackOptions.DEFAULT_PARTITION_TOKENS,
            PackOptions.DEFAULT_WINDOW_TOKENS);
    PackResult r = PackAction.run(in, null, o);
    try {
      List<Row> packed = r.table().collectAsList();
      long[] train = r.perSplit().get("train");
      assertEquals(train[0], packed.size());
      long tailDropped = train[5];
      assertEquals(
          tokens - tailDropped, (long) packed.size() * o.rowTokens(), "concat: no padding");
      for (Row p : packed) {
        assertEquals(o.rowTokens() * 2, ((byte[]) p.getAs("tokens")).length);
      }
      assertTrue(r.firstShard().isEmpty(), "no existing rows: shard ids start at 0");
    } finally {
      r.release();
    }
  }
}
