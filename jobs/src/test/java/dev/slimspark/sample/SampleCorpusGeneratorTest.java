package dev.slimspark.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdInputStream;
import dev.slimspark.sample.SampleManifest.DocKey;
import dev.slimspark.sample.SampleManifest.FileInfo;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks the sample generator against an independent re-read of the files it writes. */
class SampleCorpusGeneratorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> STOP =
      Set.of("the", "be", "to", "of", "and", "that", "have", "with");
  private static final Pattern NOT_WORD_CHAR = Pattern.compile("[^\\p{L}\\p{N}\\s]");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  @TempDir static Path tmp;

  /** Default options, generated once and shared (the expensive part of this class). */
  private static Path defaultDir;

  private static SampleManifest manifest;

  /** Text of every valid doc in the intact files, by key. */
  private static Map<DocKey, String> texts;

  /** Re-read counts per file. */
  private static Map<String, Counts> counts;

  @BeforeAll
  static void generateDefault() throws IOException {
    defaultDir = tmp.resolve("default");
    manifest = SampleCorpusGenerator.generate(new SampleCorpusGenerator.Options(), defaultDir);
    texts = new HashMap<>();
    counts = new TreeMap<>();
    for (FileInfo f : manifest.files()) {
      if (!f.damaged()) {
        counts.put(f.name(), reread(defaultDir.resolve(f.name()), texts));
      }
    }
  }

  // ------------------------------------------------------------------ determinism

  @Test
  void sameOptionsGiveByteIdenticalFiles() throws IOException {
    Path again = tmp.resolve("again");
    SampleCorpusGenerator.generate(new SampleCorpusGenerator.Options(), again);
    List<String> a = listing(defaultDir);
    assertEquals(a, listing(again));
    for (String name : a) {
      assertArrayEquals(
          Files.readAllBytes(defaultDir.resolve(name)),
          Files.readAllBytes(again.resolve(name)),
          name);
    }
  }

  @Test
  void differentSeedGivesDifferentFiles() throws IOException {
    SampleCorpusGenerator.Options o = small();
    Path a = tmp.resolve("seed42");
    SampleCorpusGenerator.generate(o, a);
    o.seed = 43;
    Path b = tmp.resolve("seed43");
    SampleCorpusGenerator.generate(o, b);
    for (String name :
        List.of("part-00000.jsonl", "part-00001.jsonl.gz", "bad-lines.jsonl", "damaged.jsonl.gz")) {
      assertFalse(
          Arrays.equals(Files.readAllBytes(a.resolve(name)), Files.readAllBytes(b.resolve(name))),
          name);
    }
  }

  // ------------------------------------------------------------------ manifest vs files

  @Test
  void manifestRoundTripsAndListsAllFiles() throws IOException {
    assertEquals(manifest, SampleManifest.read(defaultDir));
    assertEquals(manifest, SampleManifest.read(defaultDir.resolve("manifest.json")));
    List<String> names = manifest.files().stream().map(FileInfo::name).toList();
    List<String> onDisk = new ArrayList<>(listing(defaultDir));
    onDisk.remove("manifest.json");
    assertEquals(onDisk, names);
    assertEquals(
        List.of(
            "bad-lines.jsonl",
            "damaged.jsonl.gz",
            "part-00000.jsonl",
            "part-00001.jsonl.gz",
            "part-00002.jsonl.zst",
            "part-00003.jsonl"),
        names);
    assertEquals("zstd", manifest.file("part-00002.jsonl.zst").orElseThrow().compression());
  }

  @Test
  void manifestCountsMatchReRead() {
    int valid = 0;
    int blank = 0;
    Map<String, Integer> bad = new TreeMap<>();
    for (FileInfo f : manifest.files()) {
      if (f.damaged()) {
        continue;
      }
      Counts c = counts.get(f.name());
      assertEquals(f.physicalLines(), c.physical, f.name());
      assertEquals(f.validDocs(), c.valid, f.name());
      assertEquals(f.blankLines(), c.blank, f.name());
      assertEquals(f.badLines(), c.bad, f.name());
      assertEquals(f.bom(), c.bom, f.name());
      assertEquals(f.lineEnding(), c.crlf && c.physical > 0 ? "crlf" : "lf", f.name());
      assertEquals(f.uncompressedBytes(), c.bytes, f.name());
      valid += c.valid;
      blank += c.blank;
      c.bad.forEach((k, v) -> bad.merge(k, v, Integer::sum));
    }
    assertEquals(2000, manifest.shardDocs());
    assertEquals(valid, manifest.totalValidDocs());
    assertEquals(blank, manifest.blankLines());
    assertEquals(bad, manifest.badLinesByReason());
    for (String r : SampleManifest.REASONS) {
      assertTrue(manifest.badLinesByReason().get(r) > 0, r);
    }
    assertTrue(manifest.blankLines() >= 2);

    Map<String, Integer> perSource = new TreeMap<>();
    for (Counts c : counts.values()) {
      c.sources.forEach((k, v) -> perSource.merge(k, v, Integer::sum));
    }
    assertEquals(perSource, manifest.docsPerSource());
    assertEquals(7, perSource.size());
  }

  @Test
  void damagedFileFailsAfterRecordedLines() throws IOException {
    FileInfo f = manifest.file("damaged.jsonl.gz").orElseThrow();
    assertTrue(f.damaged());
    int expected = f.completeLinesBeforeDamage();
    assertTrue(expected > 0 && expected < f.physicalLines(), "cut inside the stream: " + expected);
    List<String> lines = new ArrayList<>();
    byte[] buf = new byte[1000];
    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(defaultDir.resolve(f.name())))) {
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            lines.add(line.toString(StandardCharsets.UTF_8));
            line.reset();
          } else {
            line.write(buf[i]);
          }
        }
      }
      fail("truncated gzip must fail");
    } catch (EOFException expectedFailure) {
      assertEquals(expected, lines.size());
    }
    for (String l : lines) {
      assertTrue(JSON.readTree(l).get("text").isTextual());
    }
  }

  // ------------------------------------------------------------------ planted content

  @Test
  void exactDuplicatesAndFormattingVariants() {
    assertFalse(manifest.exactDuplicates().isEmpty());
    assertFalse(manifest.formattingVariants().isEmpty());
    for (var d : manifest.exactDuplicates()) {
      assertNotEquals(d.key(), d.base());
      assertEquals(text(d.base()), text(d.key()), d.key().toString());
    }
    for (var v : manifest.formattingVariants()) {
      String t = text(v.key());
      String b = text(v.base());
      assertNotEquals(b, t, v.key().toString());
      assertEquals(normalize(b), normalize(t), v.key().toString());
      assertFalse(v.changes().isEmpty());
    }
  }

  @Test
  void nearDuplicateEditRates() {
    assertTrue(manifest.nearDuplicates().size() > 20);
    double min = 1;
    double max = 0;
    for (var nd : manifest.nearDuplicates()) {
      String[] base = words(text(nd.base()));
      String[] doc = words(text(nd.key()));
      assertEquals(nd.baseWords(), base.length);
      assertEquals(nd.editRate(), nd.edits() / (double) nd.baseWords(), 1e-12);
      double measured = levenshtein(base, doc) / (double) base.length;
      String msg = nd.key() + " recorded " + nd.editRate() + " measured " + measured;
      assertTrue(measured <= nd.editRate() + 1e-9, msg);
      assertTrue(measured >= nd.editRate() * 0.75 - 0.005, msg);
      assertTrue(measured > 0, msg);
      min = Math.min(min, nd.editRate());
      max = Math.max(max, nd.editRate());
    }
    assertTrue(min < 0.06 && max > 0.2, "edit rates vary: " + min + ".." + max);
  }

  @Test
  void lowQualityDocsViolateTheirRule() {
    Set<String> rules = new HashSet<>();
    for (var lq : manifest.lowQuality()) {
      String t = text(lq.key());
      rules.add(lq.rule());
      assertTrue(violates(lq.rule(), t), lq.key() + " should fail " + lq.rule() + ": " + t);
      if (lq.rule().equals("word_count")) {
        assertTrue(normalize(t).length() >= 200, lq.key() + " is long enough: " + t);
      }
    }
    assertEquals(new HashSet<>(SampleManifest.RULES), rules);
  }

  @Test
  void nonEnglishDocsAreListedAndNotEnglish() {
    assertFalse(manifest.nonEnglish().isEmpty());
    Set<DocKey> lang = new HashSet<>();
    manifest.lowQuality().stream()
        .filter(l -> l.rule().equals("language"))
        .forEach(l -> lang.add(l.key()));
    Set<String> langs = new HashSet<>();
    for (var ne : manifest.nonEnglish()) {
      assertTrue(lang.remove(ne.key()), ne.key().toString());
      langs.add(ne.language());
      assertTrue(text(ne.key()).length() >= 400);
    }
    assertTrue(lang.isEmpty());
    assertEquals(Set.of("fr", "de", "es"), langs);
  }

  @Test
  void normalProseDocsPassTheQualityRules() {
    Set<DocKey> planted = new HashSet<>();
    manifest.exactDuplicates().forEach(d -> planted.add(d.key()));
    manifest.formattingVariants().forEach(d -> planted.add(d.key()));
    manifest.nearDuplicates().forEach(d -> planted.add(d.key()));
    manifest.lowQuality().forEach(d -> planted.add(d.key()));
    Set<DocKey> prose = new HashSet<>();
    int checked = 0;
    for (Counts c : counts.values()) {
      prose.addAll(c.proseKeys);
    }
    for (DocKey k : prose) {
      if (planted.contains(k)) {
        continue;
      }
      assertEquals(Set.of(), failedRules(texts.get(k)), k.toString());
      checked++;
    }
    assertTrue(checked > 1000, "checked " + checked);
  }

  @Test
  void defaultSampleIsSmall() throws IOException {
    long onDisk;
    try (Stream<Path> s = Files.list(defaultDir)) {
      onDisk = s.mapToLong(p -> p.toFile().length()).sum();
    }
    assertTrue(onDisk < 10_000_000, "on disk " + onDisk);
    assertTrue(manifest.totals().uncompressedBytes() < 10_000_000);
  }

  @Test
  void benchModeStopsNearTargetBytesAndWritesPlainShards() throws IOException {
    SampleCorpusGenerator.Options o = new SampleCorpusGenerator.Options();
    o.targetBytes = 1_500_000;
    o.compressShards = false;
    o.plantBadInput = false;
    o.shards = 3;
    Path dir = tmp.resolve("bench");
    SampleManifest m = SampleCorpusGenerator.generate(o, dir);
    long bytes = m.totals().uncompressedBytes();
    assertTrue(bytes >= 1_500_000 && bytes < 1_500_000 + 300_000, "bytes " + bytes);
    assertEquals(
        List.of("manifest.json", "part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"),
        listing(dir));
    long sum = 0;
    for (FileInfo f : m.files()) {
      sum += Files.size(dir.resolve(f.name()));
    }
    assertEquals(bytes, sum);
  }

  @Test
  void rejectsBadOptions() {
    SampleCorpusGenerator.Options o = small();
    o.exactDupRate = 0.6;
    o.nearDupRate = 0.6;
    assertThrows(
        IllegalArgumentException.class,
        () -> SampleCorpusGenerator.generate(o, tmp.resolve("bad")));
    SampleCorpusGenerator.Options z = small();
    z.shards = 0;
    assertThrows(
        IllegalArgumentException.class,
        () -> SampleCorpusGenerator.generate(z, tmp.resolve("bad")));
  }

  // ------------------------------------------------------------------ helpers

  private static SampleCorpusGenerator.Options small() {
    SampleCorpusGenerator.Options o = new SampleCorpusGenerator.Options();
    o.docs = 200;
    return o;
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static String text(DocKey k) {
    String t = texts.get(k);
    assertNotNull(t, "no valid doc at " + k);
    return t;
  }

  /** Re-read counts of one file, classified independently of the generator. */
  static final class Counts {
    int physical;
    int valid;
    int blank;
    long bytes;
    boolean bom;
    boolean crlf = true;
    final Map<String, Integer> bad = new TreeMap<>();
    final Map<String, Integer> sources = new TreeMap<>();
    final List<DocKey> proseKeys = new ArrayList<>();
  }

  private static Counts reread(Path p, Map<DocKey, String> texts) throws IOException {
    String name = p.getFileName().toString();
    byte[] raw = Files.readAllBytes(p);
    if (name.endsWith(".gz")) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
        raw = in.readAllBytes();
      }
    } else if (name.endsWith(".zst")) {
      try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(raw))) {
        raw = in.readAllBytes();
      }
    }
    Counts c = new Counts();
    for (String r : SampleManifest.REASONS) {
      c.bad.put(r, 0);
    }
    c.bytes = raw.length;
    int start = 0;
    if (raw.length >= 3
        && (raw[0] & 0xFF) == 0xEF
        && (raw[1] & 0xFF) == 0xBB
        && (raw[2] & 0xFF) == 0xBF) {
      c.bom = true;
      start = 3;
    }
    assertTrue(raw.length == 0 || raw[raw.length - 1] == '\n', name + " ends with a newline");
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    for (int i = start; i < raw.length; i++) {
      if (raw[i] != '\n') {
        continue;
      }
      int end = i;
      if (end > start && raw[end - 1] == '\r') {
        end--;
      } else {
        c.crlf = false;
      }
      c.physical++;
      ByteBuffer lineBytes = ByteBuffer.wrap(raw, start, end - start);
      start = i + 1;
      String line;
      try {
        line = decoder.decode(lineBytes).toString();
      } catch (CharacterCodingException e) {
        c.bad.merge("invalid_utf8", 1, Integer::sum);
        continue;
      }
      if (line.isBlank()) {
        c.blank++;
        continue;
      }
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (IOException e) {
        c.bad.merge("malformed_json", 1, Integer::sum);
        continue;
      }
      String reason =
          !n.isObject()
              ? "not_json_object"
              : !n.has("text")
                  ? "missing_text"
                  : n.get("text").isNull()
                      ? "null_text"
                      : !n.get("text").isTextual() ? "text_not_string" : null;
      if (reason != null) {
        c.bad.merge(reason, 1, Integer::sum);
        continue;
      }
      c.valid++;
      DocKey key = new DocKey(name, c.physical);
      texts.put(key, n.get("text").asText());
      String source = n.path("meta").path("redpajama_set_name").asText();
      c.sources.merge(source, 1, Integer::sum);
      if (!source.equals(SampleCorpusGenerator.GITHUB)
          && !source.equals(SampleCorpusGenerator.ARXIV)) {
        c.proseKeys.add(key);
      }
    }
    assertEquals(raw.length, start, name + ": no unterminated last line");
    return c;
  }

  /** Lowercase, drop punctuation, collapse whitespace. */
  static String normalize(String t) {
    String s = NOT_WORD_CHAR.matcher(t.toLowerCase(Locale.ROOT)).replaceAll("");
    return SPACES.matcher(s).replaceAll(" ").trim();
  }

  static String[] words(String t) {
    String s = t.trim();
    return s.isEmpty() ? new String[0] : SPACES.split(s);
  }

  private static int count(String t, String needle) {
    int n = 0;
    for (int i = t.indexOf(needle); i >= 0; i = t.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }

  private static boolean punct(char c) {
    return c < 128 && "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".indexOf(c) >= 0;
  }

  /** Length of {@link #normalize}(t), counted without building the string. */
  static int normalizedLength(String t) {
    int len = 0;
    boolean space = false;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        if (space && len > 0) {
          len++;
        }
        space = false;
        len++;
      } else if (Character.isWhitespace(c)) {
        space = true;
      }
    }
    return len;
  }

  /** A simple re-computation of each Gopher-style rule; true if the text fails it. */
  static boolean violates(String rule, String t) {
    return failedRules(t).contains(rule);
  }

  /** The Gopher-style rules (all but "language" unless asked) that text t fails. */
  static Set<String> failedRules(String t) {
    String[] w = words(t);
    int stop = 0;
    int alpha = 0;
    long letters = 0;
    int counted = 0;
    for (String x : w) {
      int a = 0;
      int b = x.length();
      while (a < b && punct(x.charAt(a))) {
        a++;
      }
      while (b > a && punct(x.charAt(b - 1))) {
        b--;
      }
      if (b > a) {
        letters += b - a;
        counted++;
      }
      boolean hasLetter = false;
      for (int i = 0; i < x.length() && !hasLetter; i++) {
        hasLetter = Character.isLetter(x.charAt(i));
      }
      if (hasLetter) {
        alpha++;
      }
      // Stop word = the word without its edge punctuation, lowercased (no regex: hot loop).
      if (b - a <= 4 && b > a && STOP.contains(x.substring(a, b).toLowerCase(Locale.ROOT))) {
        stop++;
      }
    }
    int lines = 0;
    int bullets = 0;
    int ellipses = 0;
    for (String l : t.split("\n")) {
      String s = l.strip();
      if (s.isEmpty()) {
        continue;
      }
      lines++;
      if (s.startsWith("\u2022 ") || s.startsWith("- ") || s.startsWith("* ")) {
        bullets++;
      }
      if (s.endsWith("...") || s.endsWith("\u2026")) {
        ellipses++;
      }
    }
    double mean = counted == 0 ? 0 : letters / (double) counted;
    double symbols =
        (count(t, "#") + count(t, "...") + count(t, "\u2026")) / (double) Math.max(1, w.length);
    Set<String> failed = new HashSet<>();
    if (normalizedLength(t) < 200) {
      failed.add("short_document");
    }
    if (w.length < 50) {
      failed.add("word_count");
    }
    if (mean < 3 || mean > 10) {
      failed.add("mean_word_length");
    }
    if (symbols > 0.1) {
      failed.add("symbol_ratio");
    }
    if (bullets > 0.9 * lines) {
      failed.add("bullet_lines");
    }
    if (ellipses > 0.3 * lines) {
      failed.add("ellipsis_lines");
    }
    if (alpha < 0.8 * w.length) {
      failed.add("alpha_words");
    }
    if (stop < 2) {
      failed.add("stop_words");
    }
    // No language detector here: English stop words are (almost) absent from foreign prose.
    if (stop < 0.01 * w.length) {
      failed.add("language");
    }
    return failed;
  }

  /** Word-level edit distance, two rows. */
  static int levenshtein(String[] a, String[] b) {
    int[] prev = new int[b.length + 1];
    int[] cur = new int[b.length + 1];
    for (int j = 0; j <= b.length; j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length; i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length; j++) {
        int sub = prev[j - 1] + (a[i - 1].equals(b[j - 1]) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length];
  }
}
