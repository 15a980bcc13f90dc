package dev.slimspark.pipeline;

import static dev.slimspark.Stages.q;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.config.SlimConfig;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.Status;
import dev.slimspark.sample.SampleCorpusGenerator;
import dev.slimspark.sample.SampleManifest;
import dev.slimspark.sample.SampleManifest.DocKey;
import dev.slimspark.udfs.minhash.Jaccard;
import dev.slimspark.udfs.minhash.Normalization;
import dev.slimspark.udfs.minhash.ShingleType;
import dev.slimspark.udfs.minhash.Shingler;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A small skewed corpus (generate-sample's skew option: a boilerplate family split across many LSH
 * sub-buckets, a 4M-char document, 1-20-char docs in many tiny files, a hot source) through ingest,
 * filter, dedup and tokenize on the real stages: every family member clustered, no bucket skipped,
 * the big document intact to its tokens, counts reconcile. The family size is the system property
 * {@code slimspark.test.skew.family} (default {@value #DEFAULT_FAMILY}), the sub-bucket size {@code
 * slimspark.test.skew.sub_bucket} (default 500), for measuring.
 */
class SkewPipelineTest {
  static final int DEFAULT_FAMILY = 20_000;
  static final int BIG_CHARS = 4_000_000;
  static final int FAMILY = Integer.getInteger("slimspark.test.skew.family", DEFAULT_FAMILY);
  static Path lake;
  static SampleManifest manifest;
  static final Map<String, JobSummary> SUMMARIES = new LinkedHashMap<>();

  /** file name:line → doc_id of the docs the filter kept. */
  static final Map<String, String> KEPT_IDS = new HashMap<>();

  @BeforeAll
  static void run() throws IOException {
    long t0 = System.nanoTime();
    Path sample = TestSpark.newDir("skew-sample");
    SampleCorpusGenerator.Options o = SampleCorpusGenerator.Options.of(150, 2, 21);
    o.skew = true;
    o.boilerplateFamily = FAMILY;
    o.familySizes = new int[] {300, 40};
    // Even positions are boilerplate members (repeated banner), odd ones unique prose.
    o.bigDocChars = new int[] {100_000, BIG_CHARS};
    o.tinyFiles = 40;
    manifest = SampleCorpusGenerator.generate(o, sample);
    lake = TestSpark.newDir("skew-lake");
    SlimConfig c =
        Stages.config(
            "lake=" + q(lake),
            "ingest.input=[" + q(sample + "/*.jsonl*") + "]",
            // Gopher's 100,000-word cap would drop the multi-million-char docs by design.
            "filter.gopher.word_count.max=10000000",
            // Split the family's hot buckets into many sub-buckets even at this size.
            "dedup.near.sub_bucket_size="
                + Integer.getInteger("slimspark.test.skew.sub_bucket", 500),
            "tokenize.tokenizer.kind=jtokkit-gpt2");
    for (String stage : List.of("ingest", "filter", "dedup", "tokenize")) {
      long s0 = System.nanoTime();
      JobSummary s = Stages.run(stage, c);
      assertEquals(Status.OK, s.status(), s.toJson());
      SUMMARIES.put(stage, s);
      System.err.printf("skew pipeline: %s %d ms%n", stage, (System.nanoTime() - s0) / 1_000_000);
    }
    for (Row r :
        table("docs_filtered")
            .where("kept")
            .select("file", "line_number", "doc_id")
            .collectAsList()) {
      KEPT_IDS.put(new File(r.getString(0)).getName() + ":" + r.getLong(1), r.getString(2));
    }
    System.err.printf(
        "skew pipeline: family %d, total %d ms%n", FAMILY, (System.nanoTime() - t0) / 1_000_000);
  }

  static Dataset<Row> table(String name) {
    return TestSpark.session().read().format("delta").load(lake.resolve(name).toString());
  }

  static long count(String stage, String key) {
    return (Long) SUMMARIES.get(stage).counts().get(key);
  }

  @Test
  void everyFamilyMemberIsClusteredAndNoBucketSkipped() {
    assertEquals(0L, count("dedup", "skipped_buckets"));
    assertEquals(0L, count("dedup", "docs_in_skipped_buckets"));
    assertTrue(count("dedup", "largest_bucket") > FAMILY / 2, SUMMARIES.get("dedup").toJson());
    assertEquals(
        count("dedup", "largest_bucket")
            > Integer.getInteger("slimspark.test.skew.sub_bucket", 500),
        count("dedup", "split_buckets") > 0,
        SUMMARIES.get("dedup").toJson());
    Map<String, String> clusterOf = new HashMap<>();
    for (Row r : table("dup_clusters").select("doc_id", "cluster_id").collectAsList()) {
      clusterOf.put(r.getString(0), r.getString(1));
    }
    for (SampleManifest.Family f : manifest.skew().families()) {
      List<String> ids =
          f.members().stream()
              .map(k -> KEPT_IDS.get(k.file() + ":" + k.line()))
              .filter(x -> x != null)
              .toList();
      // The family's text passes the quality filter (else dedup would never see it).
      assertTrue(
          ids.size() >= 0.99 * f.members().size(),
          f.name() + ": " + ids.size() + " passed the filter");
      Map<String, Long> byCluster =
          ids.stream()
              .collect(
                  Collectors.groupingBy(
                      id -> String.valueOf(clusterOf.get(id)), Collectors.counting()));
      long biggest = byCluster.values().stream().mapToLong(Long::longValue).max().orElse(0);
      assertTrue(
          biggest >= 0.99 * ids.size(),
          f.name() + ": largest cluster holds " + biggest + " of " + ids.size());
      assertTrue(
          !byCluster.containsKey("null") || byCluster.get("null") <= 0.01 * ids.size(),
          f.name() + " unclustered: " + byCluster.get("null"));
      assertTrue(pairRecall(ids, clusterOf) >= 0.99, f.name());
    }
  }

  /** Share of sampled member pairs with exact Jaccard >= threshold + 0.1 that share a cluster. */
  private static double pairRecall(List<String> ids, Map<String, String> clusterOf) {
    SplittableRandom r = new SplittableRandom(3);
    List<String[]> pairs = new ArrayList<>();
    Set<String> need = new HashSet<>();
    for (int i = 0; i < 400; i++) {
      String[] p = {ids.get(r.nextInt(ids.size())), ids.get(r.nextInt(ids.size()))};
      if (!p[0].equals(p[1])) {
        pairs.add(p);
        need.add(p[0]);
        need.add(p[1]);
      }
    }
    Map<String, long[]> sets = new HashMap<>();
    Shingler sh = new Shingler(ShingleType.CHAR, 13, Normalization.SLIMPAJAMA, 42);
    for (Row row :
        table("docs_filtered")
            .where(col("doc_id").isin(need.toArray()))
            .select("doc_id", "text")
            .collectAsList()) {
      sets.put(row.getString(0), Jaccard.shingleSet(row.getString(1), sh));
    }
    int above = 0;
    int found = 0;
    for (String[] p : pairs) {
      if (Jaccard.exact(sets.get(p[0]), sets.get(p[1])) >= 0.9) {
        above++;
        String a = clusterOf.get(p[0]);
        found += a != null && a.equals(clusterOf.get(p[1])) ? 1 : 0;
      }
    }
    assertTrue(above >= pairs.size() / 2, "pairs above 0.9: " + above + " of " + pairs.size());
    return found / (double) above;
  }

  @Test
  void theBigDocumentSurvivesIntactToItsTokens() {
    DocKey key = manifest.skew().bigDocs().get(1).key();
    String id = KEPT_IDS.get(key.file() + ":" + key.line());
    assertTrue(id != null, "the " + BIG_CHARS + "-char doc did not pass the filter");
    Row d = table("docs_dedup").where(col("doc_id").equalTo(id)).select("text").first();
    String text = d.getString(0);
    assertEquals(manifest.skew().bigDocs().get(1).chars(), text.length());
    Row t = table("docs_tokens").where(col("doc_id").equalTo(id)).select("token_count").first();
    int direct =
        Encodings.newLazyEncodingRegistry()
            .getEncoding(EncodingType.R50K_BASE)
            .countTokensOrdinary(text);
    assertEquals(direct + 1, t.getInt(0)); // + the eos token
  }

  @Test
  void countsReconcileThroughTheStages() {
    for (JobSummary s : SUMMARIES.values()) {
      assertEquals(Boolean.TRUE, s.extra().get("reconciled"), s.toJson());
    }
    long intact =
        manifest.files().stream().filter(f -> !f.damaged()).mapToLong(f -> f.validDocs()).sum();
    long readable =
        manifest.files().stream()
            .filter(f -> f.damaged())
            .mapToLong(f -> f.completeLinesBeforeDamage())
            .sum();
    assertEquals(intact + readable, count("ingest", "docs"));
    assertEquals(count("ingest", "docs"), count("filter", "docs_in"));
    assertEquals(count("filter", "kept"), count("dedup", "docs_in"));
    assertEquals(count("dedup", "kept"), count("tokenize", "docs"));
    // The 1-20-char docs of the tiny files all fail short_document.
    long tinyKept = KEPT_IDS.keySet().stream().filter(k -> k.startsWith("skew-tiny-")).count();
    assertEquals(0, tinyKept);
    // The family collapses: its members but one are removed.
    assertTrue(count("dedup", "exact_removed") + count("dedup", "near_removed") >= 0.99 * FAMILY);
  }
}
