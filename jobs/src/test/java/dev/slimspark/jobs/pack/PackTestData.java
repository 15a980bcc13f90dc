package dev.slimspark.jobs.pack;

import static dev.slimspark.Stages.q;

import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.lake.Table;
import dev.slimspark.lake.TokenCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Synthetic docs_tokens tables (the tokenize stage's contract) and helpers to run pack on them.
 * Token i of a document is 3 + (base + i) % 60000 with BOS = 1 first and EOS = 2 last, so a
 * segment's offset inside its document can be recovered from its first token.
 */
public final class PackTestData {
  public static final StructType SCHEMA =
      new StructType()
          .add("doc_id", DataTypes.StringType, false)
          .add("source", DataTypes.StringType, false)
          .add("token_count", DataTypes.IntegerType, false)
          .add("tokens", DataTypes.BinaryType, false)
          .add("dtype", DataTypes.StringType, false);

  private PackTestData() {}

  /**
   * Document lengths: log-normal (median ~ exp(mu)), clipped to [4, max]; a realistic long tail.
   */
  public static Map<String, int[]> corpus(
      int n, long seed, double mu, double sigma, int max, String... sources) {
    Random r = new Random(seed);
    Map<String, int[]> docs = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      int len =
          (int) Math.min(max, Math.max(4, Math.round(Math.exp(mu + sigma * r.nextGaussian()))));
      int[] t = new int[len];
      int base = r.nextInt(60000);
      t[0] = 1;
      for (int k = 1; k < len - 1; k++) {
        t[k] = 3 + (base + k) % 60000;
      }
      t[len - 1] = 2;
      docs.put(sources[i % sources.length] + "-" + i, t);
    }
    return docs;
  }

  public static String sourceOf(String docId) {
    return docId.substring(0, docId.lastIndexOf('-'));
  }

  public static Path writeLake(Map<String, int[]> docs) {
    Path lake = TestSpark.newDir("pack-lake");
    List<Row> rows = new ArrayList<>();
    int max = docs.values().stream().flatMapToInt(Arrays::stream).max().orElse(0);
    String dtype = TokenCodec.dtypeFor(0, max); // as the tokenize stage: one dtype for the table
    for (Map.Entry<String, int[]> e : docs.entrySet()) {
      int[] t = e.getValue();
      rows.add(
          RowFactory.create(
              e.getKey(), sourceOf(e.getKey()), t.length, TokenCodec.encode(t, dtype), dtype));
    }
    TestSpark.session()
        .createDataFrame(rows, SCHEMA)
        .repartition(3)
        .write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .save(lake.resolve(Table.DOCS_TOKENS.id()).toString());
    return lake;
  }

  public static SlimConfig config(Path lake, String... sets) {
    List<String> all = new ArrayList<>();
    all.add("lake=" + q(lake));
    all.add("pack.pad_id=0"); // synthetic ids are 1..60002, so 0 is free (the default 50257 is not)
    all.addAll(Arrays.asList(sets));
    return Stages.config(all.toArray(new String[0]));
  }

  public static JobSummary pack(SlimConfig c) {
    return new PackStage().run(new RunContext(TestSpark.session(), c));
  }

  /** All packed rows, ordered by (split, shard_id, row_id). */
  public static List<Row> rows(Path lake) {
    return TestSpark.session()
        .read()
        .format("delta")
        .load(lake.resolve(Table.PACKED_ROWS.id()).toString())
        .orderBy("split", "shard_id", "row_id")
        .collectAsList();
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> split(JobSummary s, String split) {
    return (Map<String, Object>) ((Map<String, Object>) s.counts().get("by_split")).get(split);
  }

  public static long num(Map<String, Object> m, String k) {
    return ((Number) m.get(k)).longValue();
  }

  /** Tokens per doc id from segment lengths of the given rows. */
  public static Map<String, Long> tokensByDoc(List<Row> rows) {
    Map<String, Long> out = new HashMap<>();
    for (Row r : rows) {
      List<Integer> segs = r.getList(r.fieldIndex("segment_lengths"));
      List<String> ids = r.getList(r.fieldIndex("doc_ids"));
      for (int i = 0; i < segs.size(); i++) {
        out.merge(ids.get(i), (long) segs.get(i), Long::sum);
      }
    }
    return out;
  }
}
