package dev.slimspark.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdInputStream;
import dev.slimspark.sample.SampleManifest.DocKey;
import dev.slimspark.sample.SampleManifest.FileInfo;
import dev.slimspark.udfs.minhash.Jaccard;
import dev.slimspark.udfs.minhash.Normalization;
import dev.slimspark.udfs.minhash.ShingleType;
import dev.slimspark.udfs.minhash.Shingler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The skew option against an independent re-read of the files it writes. */
class SkewSampleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  private static SampleManifest manifest;

  /** Text of every doc of the skew files, by key. */
  private static final Map<DocKey, String> TEXTS = new HashMap<>();

  private static final Map<DocKey, String> SOURCES = new HashMap<>();

  static SampleCorpusGenerator.Options options() {
    SampleCorpusGenerator.Options o = SampleCorpusGenerator.Options.of(200, 2, 9);
    o.skew = true;
    o.boilerplateFamily = 400;
    o.familySizes = new int[] {60, 20};
    o.bigDocChars = new int[] {120_000, 300_000};
    o.tinyFiles = 25;
    return o;
  }

  @BeforeAll
  static void generate() throws IOException {
    manifest = SampleCorpusGenerator.generate(options(), tmp.resolve("a"));
    for (FileInfo f : manifest.files()) {
      if (f.role().startsWith("skew")) {
        read(tmp.resolve("a").resolve(f.name()), f);
      }
    }
  }

  private static void read(Path p, FileInfo f) throws IOException {
    InputStream raw = Files.newInputStream(p);
    InputStream in =
        f.compression().equals("gzip")
            ? new GZIPInputStream(raw)
            : f.compression().equals("zstd") ? new ZstdInputStream(raw) : raw;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        var doc = JSON.readTree(line);
        DocKey k = new DocKey(f.name(), ++n);
        TEXTS.put(k, doc.get("text").asText());
        SOURCES.put(k, doc.get("meta").get("redpajama_set_name").asText());
      }
      assertEquals(f.validDocs(), n, f.name());
    }
  }

  @Test
  void sameSeedSameBytes() throws IOException {
    SampleCorpusGenerator.generate(options(), tmp.resolve("b"));
    for (FileInfo f : manifest.files()) {
      assertArrayEquals(
          Files.readAllBytes(tmp.resolve("a").resolve(f.name())),
          Files.readAllBytes(tmp.resolve("b").resolve(f.name())),
          f.name());
    }
    assertArrayEquals(
        Files.readAllBytes(tmp.resolve("a/manifest.json")),
        Files.readAllBytes(tmp.resolve("b/manifest.json")));
  }

  @Test
  void shapesAreAsRequested() {
    SampleManifest.Skew s = manifest.skew();
    assertEquals(List.of(401, 60, 20), s.families().stream().map(f -> f.members().size()).toList());
    assertEquals(25, s.tinyFiles());
    assertEquals(25, manifest.filesWithRole("skew_tiny").size());
    List<FileInfo> large = manifest.filesWithRole("skew_large");
    assertEquals(List.of("zstd", "gzip"), large.stream().map(FileInfo::compression).toList());
    for (FileInfo f : manifest.filesWithRole("skew_tiny")) {
      String t = TEXTS.get(new DocKey(f.name(), 1));
      assertTrue(t.length() >= 1 && t.length() <= 20, t);
    }
    // Big docs: one line each, the even one a boilerplate member, the odd one unique prose.
    assertEquals(2, s.bigDocs().size());
    assertTrue(TEXTS.get(s.bigDocs().get(0).key()).length() >= 120_000);
    assertEquals("boilerplate", s.bigDocs().get(0).family());
    assertTrue(manifest.skew().families().get(0).members().contains(s.bigDocs().get(0).key()));
    assertEquals(TEXTS.get(s.bigDocs().get(1).key()).length(), s.bigDocs().get(1).chars());
    assertNull(s.bigDocs().get(1).family());
    // The hot source holds >= 90 % of the bytes; every skew doc is in it; totals include the skew
    // files.
    assertTrue(s.hotShare() >= 0.9, "hot share " + s.hotShare());
    assertEquals(manifest.totals().uncompressedBytes(), s.totalBytes());
    SOURCES.values().forEach(src -> assertEquals(SampleCorpusGenerator.CC, src));
    assertEquals(
        manifest.files().stream().filter(f -> !f.damaged()).mapToInt(FileInfo::validDocs).sum(),
        manifest.totalValidDocs());
    assertEquals(
        manifest.totalValidDocs(),
        manifest.docsPerSource().values().stream().mapToInt(Integer::intValue).sum());
  }

  @Test
  void familyMembersAreNearDuplicatesOfEachOther() {
    Shingler sh = new Shingler(ShingleType.CHAR, 13, Normalization.SLIMPAJAMA, 42);
    SplittableRandom r = new SplittableRandom(1);
    for (SampleManifest.Family f : manifest.skew().families()) {
      List<long[]> sets = new ArrayList<>();
      for (DocKey k : f.members()) {
        sets.add(Jaccard.shingleSet(TEXTS.get(k), sh));
      }
      int above = 0;
      double min = 1;
      for (int t = 0; t < 300; t++) {
        double j =
            Jaccard.exact(sets.get(r.nextInt(sets.size())), sets.get(r.nextInt(sets.size())));
        min = Math.min(min, j);
        above += j >= 0.9 ? 1 : 0;
      }
      // Recall is judged on pairs above threshold + 0.1: most pairs must be such pairs.
      assertTrue(above >= 240, f.name() + ": " + above + " of 300 pairs >= 0.9, min " + min);
      assertTrue(min >= 0.8, f.name() + ": min " + min);
    }
  }

  @Test
  void cliOption() throws IOException {
    Path out = tmp.resolve("cli");
    assertEquals(
        0,
        dev.slimspark.cli.Main.run(
            new String[] {
              "generate-sample",
              "--out",
              out.toString(),
              "--docs",
              "50",
              "--skew-family",
              "30",
              "--no-bad-input"
            }));
    SampleManifest m = SampleManifest.read(out);
    // 50 docs count as 150,000 bytes requested: 20,000 * 150,000 / 1 GiB rounds to 3, the rest to
    // the minimum 2.
    assertEquals(
        List.of(32, 3, 2, 2), m.skew().families().stream().map(f -> f.members().size()).toList());
    assertEquals(2, m.skew().tinyFiles());
    assertEquals(
        2,
        dev.slimspark.cli.Main.run(
            new String[] {"generate-sample", "--out", out.toString(), "--skew-family", "many"}));
  }
}
