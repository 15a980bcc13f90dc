package dev.slimspark.sample;

import com.github.luben.zstd.ZstdOutputStream;
import dev.slimspark.sample.SampleManifest.DocKey;
import dev.slimspark.sample.SampleManifest.FileInfo;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a deterministic, synthetic RedPajama/SlimPajama-format sample corpus with planted
 * problems (duplicates, near duplicates, low-quality and non-English docs, bad lines, a truncated
 * gzip file) and a {@link SampleManifest} saying exactly what was planted where.
 *
 * <p>Output in {@code outDir}:
 *
 * <ul>
 *   <li>{@code part-00000.jsonl}, {@code part-00001.jsonl.gz}, {@code part-00002.jsonl.zst}, ...:
 *       the valid docs, dealt round-robin over {@link Options#shards} files (compression in that
 *       rotation, or all plain with {@code compressShards=false});
 *   <li>{@code bad-lines.jsonl} (if {@link Options#plantBadInput}): CRLF line endings, a UTF-8 BOM
 *       before the first line (a valid doc), valid docs mixed with bad and blank lines;
 *   <li>{@code damaged.jsonl.gz} (if {@link Options#plantBadInput}): gzip cut mid-stream;
 *   <li>{@code manifest.json}: the manifest.
 * </ul>
 *
 * <p>Same options give byte-identical files: all randomness comes from {@link SplittableRandom}
 * seeded with {@link Options#seed}, timestamps are derived numbers, nothing iterates a HashMap.
 * Memory is bounded: docs are streamed to disk and duplicates are taken from a ring of the last
 * {@value #RESERVOIR} eligible docs; only the manifest lists grow with the number of docs.
 */
public final class SampleCorpusGenerator {
  private static final Logger LOG = LoggerFactory.getLogger(SampleCorpusGenerator.class);

  /** Capacity of the ring of earlier docs that duplicates are copied from. */
  static final int RESERVOIR = 1000;

  /** Docs longer than this are not kept as duplicate bases (keeps the ring small). */
  static final int MAX_BASE_CHARS = 20_000;

  /** Near duplicates only edit bases up to this size (word edit distance stays cheap to check). */
  static final int MAX_NEAR_BASE_CHARS = 8_000;

  public static final String CC = "RedPajamaCommonCrawl";
  public static final String C4 = "RedPajamaC4";
  public static final String GITHUB = "RedPajamaGithub";
  public static final String BOOK = "RedPajamaBook";
  public static final String ARXIV = "RedPajamaArXiv";
  public static final String WIKIPEDIA = "RedPajamaWikipedia";
  public static final String STACKEXCHANGE = "RedPajamaStackExchange";

  private static final String[] SOURCES = {CC, C4, GITHUB, BOOK, ARXIV, WIKIPEDIA, STACKEXCHANGE};
  /** Share of documents (not bytes) per source; books are few but long. */
  private static final double[] SOURCE_SHARES = {0.52, 0.25, 0.05, 0.01, 0.03, 0.09, 0.05};

  /** Rules planted by lowQualityRate ("language" comes from nonEnglishRate instead). */
  private static final String[] TEXT_RULES = {
    "short_document", "word_count", "mean_word_length", "symbol_ratio", "bullet_lines", "ellipsis_lines",
    "alpha_words", "stop_words"
  };

  public static final String BAD_LINES_FILE = "bad-lines.jsonl";
  public static final String DAMAGED_FILE = "damaged.jsonl.gz";
  public static final String MANIFEST_FILE = "manifest.json";

  private SampleCorpusGenerator() {}

  /** Generator settings; public mutable fields with the defaults shown. */
  public static final class Options {
    /** Defaults except the number of docs, shards and the seed (what tests vary). */
    public static Options of(int docs, int shards, long seed) {
      Options o = new Options();
      o.docs = docs;
      o.shards = shards;
      o.seed = seed;
      return o;
    }

    /** Seed of all randomness. Default 42. */
    public long seed = 42L;
    /** Number of valid docs in the shards (planted bad input comes on top). Default 2000. */
    public int docs = 2000;
    /** Number of shard files the valid docs are dealt over, round-robin. Default 4. */
    public int shards = 4;
    /**
     * Bench mode if &gt; 0: generate docs until the shards hold about this many uncompressed bytes;
     * {@link #docs} is then ignored. Default 0 (off).
     */
    public long targetBytes = 0;
    /** Shard i is .jsonl, .jsonl.gz, .jsonl.zst in rotation; false: all plain .jsonl. Default true. */
    public boolean compressShards = true;
    /** Also write bad-lines.jsonl and damaged.jsonl.gz. Default true. */
    public boolean plantBadInput = true;
    /** Share of docs that copy an earlier doc exactly or up to formatting. Default 0.05. */
    public double exactDupRate = 0.05;
    /** Share of docs that are word-edited copies of an earlier doc. Default 0.05. */
    public double nearDupRate = 0.05;
    /** Share of docs planted to fail one text quality rule. Default 0.10. */
    public double lowQualityRate = 0.10;
    /** Share of docs in French, German or Spanish (quality rule "language"). Default 0.04. */
    public double nonEnglishRate = 0.04;
    /**
     * Also write the skew of real web corpora ({@link SkewPlanter}): near-duplicate families, huge
     * and tiny docs, a hot source, many tiny files beside a few large ones; listed in the
     * manifest's {@code skew} section. Sizes below marked "scaled" are the full-scale number times
     * (requested bytes / 1 GiB); in docs mode requested bytes = docs * 3000. Default false.
     */
    public boolean skew = false;
    /** Members of the boilerplate family; -1 = 200,000 scaled (at least 2). */
    public int boilerplateFamily = -1;
    /** Sizes of the other families; null = {20,000, 5,000, 1,000} scaled. */
    public int[] familySizes = null;
    /** Chars of the big docs (one JSON line each); even positions are boilerplate members. */
    public int[] bigDocChars = {1_000_000, 4_000_000, 16_000_000};
    /** Files holding one doc of 1-20 chars each; -1 = 5,000 scaled. */
    public int tinyFiles = -1;
    /** Large files (.jsonl.zst, .jsonl.gz in turn) holding the families, big docs and filler. Default 2. */
    public int largeFiles = 2;
    /** Share of all bytes the hot source reaches (filler docs are added until it does). Default 0.9. */
    public double hotShare = 0.9;
  }

  /**
   * Generates the sample into {@code outDir} (created if missing; existing files of the same names
   * are overwritten) and writes {@code manifest.json} there.
   *
   * @return the manifest that was written
   */
  public static SampleManifest generate(Options o, Path outDir) throws IOException {
    validate(o);
    Files.createDirectories(outDir);
    long t0 = System.nanoTime();
    SampleManifest m = new Run(o, outDir).run();
    m.write(outDir.resolve(MANIFEST_FILE));
    LOG.info(
        "Sample corpus: {} valid docs ({} in shards), {} uncompressed bytes in {} files under {} ({} ms)",
        m.totalValidDocs(), m.shardDocs(), m.totals().uncompressedBytes(), m.files().size(), outDir,
        (System.nanoTime() - t0) / 1_000_000);
    return m;
  }

  private static void validate(Options o) {
    if (o.shards < 1) {
      throw new IllegalArgumentException("shards must be >= 1: " + o.shards);
    }
    if (o.docs < 0 || o.targetBytes < 0) {
      throw new IllegalArgumentException("docs and targetBytes must be >= 0");
    }
    double[] rates = {o.exactDupRate, o.nearDupRate, o.lowQualityRate, o.nonEnglishRate};
    double sum = 0;
    for (double r : rates) {
      if (!(r >= 0 && r <= 1)) {
        throw new IllegalArgumentException("rates must be in [0, 1]: " + Arrays.toString(rates));
      }
      sum += r;
    }
    if (sum > 1.0 + 1e-9) {
      throw new IllegalArgumentException("rates must sum to <= 1: " + Arrays.toString(rates));
    }
    if (o.skew && (o.largeFiles < 1 || !(o.hotShare >= 0 && o.hotShare < 1) || o.boilerplateFamily < -1
        || o.tinyFiles < -1 || Arrays.stream(o.bigDocChars).anyMatch(c -> c < 1)
        || (o.familySizes != null && Arrays.stream(o.familySizes).anyMatch(c -> c < 0)))) {
      throw new IllegalArgumentException("skew options out of range (largeFiles >= 1, 0 <= hotShare < 1, sizes >= 0)");
    }
  }

  /** Opens a file for writing through the given compression ({@code none}, {@code gzip}, {@code zstd}). */
  static OutputStream open(Path p, String compression) throws IOException {
    OutputStream raw = new BufferedOutputStream(Files.newOutputStream(p), 1 << 16);
    return switch (compression) {
      case "gzip" -> new GZIPOutputStream(raw, 1 << 16);
      // Level 3 (zstd's default); single-threaded, so the frame bytes are reproducible.
      case "zstd" -> new ZstdOutputStream(raw, 3);
      default -> raw;
    };
  }

  /** Shard file name for index i. */
  static String shardName(int i, boolean compress) {
    String base = String.format("part-%05d.jsonl", i);
    if (!compress) {
      return base;
    }
    return switch (i % 3) {
      case 0 -> base;
      case 1 -> base + ".gz";
      default -> base + ".zst";
    };
  }

  static String compressionOf(String name) {
    return name.endsWith(".gz") ? "gzip" : name.endsWith(".zst") ? "zstd" : "none";
  }

  /** An earlier doc kept for copying. */
  private record Base(String text, DocKey key, String source) {}

  /** Mutable state of one generate() call. */
  private static final class Run {
    final Options o;
    final Path dir;
    final SplittableRandom rng;
    final TextFactory tf;
    final JsonlWriter.Meta meta = new JsonlWriter.Meta();
    final StringBuilder sb = new StringBuilder(1 << 16);
    /** The text of the doc being written: {@link #sb}, or a separate builder. */
    CharSequence text;
    final Base[] ring = new Base[RESERVOIR];
    int ringSize;
    int ringNext;

    final Map<String, FileInfo> files = new TreeMap<>();
    final Map<String, Integer> docsPerSource = new TreeMap<>();
    /** Uncompressed shard bytes of the hot source (the skew tops it up to hotShare). */
    long hotShardBytes;
    final List<SampleManifest.ExactDup> exact = new ArrayList<>();
    final List<SampleManifest.FormattingVariant> variants = new ArrayList<>();
    final List<SampleManifest.NearDup> near = new ArrayList<>();
    final List<SampleManifest.LowQuality> low = new ArrayList<>();
    final List<SampleManifest.NonEnglish> nonEnglish = new ArrayList<>();

    Run(Options o, Path dir) {
      this.o = o;
      this.dir = dir;
      this.rng = new SplittableRandom(o.seed);
      this.tf = new TextFactory(rng);
    }

    SampleManifest run() throws IOException {
      int shardDocs = writeShards();
      if (o.plantBadInput) {
        writeBadLines();
        writeDamaged();
      }
      SampleManifest.Skew skew = o.skew ? plantSkew() : null;
      Map<String, Integer> bad = SampleManifest.zeroReasons();
      int valid = 0;
      int physical = 0;
      int blank = 0;
      long bytes = 0;
      int damaged = 0;
      int readable = 0;
      for (FileInfo f : files.values()) {
        if (f.damaged()) {
          damaged++;
          readable += f.completeLinesBeforeDamage();
          continue;
        }
        valid += f.validDocs();
        physical += f.physicalLines();
        blank += f.blankLines();
        bytes += f.uncompressedBytes();
        f.badLines().forEach((k, v) -> bad.merge(k, v, Integer::sum));
      }
      int badTotal = bad.values().stream().mapToInt(Integer::intValue).sum();
      SampleManifest.Totals totals =
          new SampleManifest.Totals(
              files.size(), shardDocs, valid, physical, blank, bad, badTotal, bytes, damaged, readable);
      SampleManifest.OptionsEcho echo =
          new SampleManifest.OptionsEcho(
              o.seed, o.docs, o.shards, o.targetBytes, o.compressShards, o.plantBadInput, o.exactDupRate,
              o.nearDupRate, o.lowQualityRate, o.nonEnglishRate);
      return new SampleManifest(
          SampleManifest.FORMAT, echo, new ArrayList<>(files.values()), totals, docsPerSource, exact,
          variants, near, low, nonEnglish, skew);
    }

    private SampleManifest.Skew plantSkew() throws IOException {
      long normal = files.values().stream().filter(f -> !f.damaged()).mapToLong(FileInfo::uncompressedBytes).sum();
      SkewPlanter p = new SkewPlanter(o, dir);
      SampleManifest.Skew skew = p.plant(normal, hotShardBytes);
      files.putAll(p.files);
      docsPerSource.merge(CC, p.docs, Integer::sum);
      return skew;
    }

    // ---------------------------------------------------------------- shards

    private int writeShards() throws IOException {
      int n = o.shards;
      String[] names = new String[n];
      JsonlWriter[] writers = new JsonlWriter[n];
      try {
        for (int i = 0; i < n; i++) {
          names[i] = shardName(i, o.compressShards);
          writers[i] = new JsonlWriter(open(dir.resolve(names[i]), compressionOf(names[i])), false);
        }
        long bytes = 0;
        int d = 0;
        boolean bench = o.targetBytes > 0;
        // With skew the hot-source docs fill the rest of the target.
        long target = o.skew ? (long) (o.targetBytes * (1 - o.hotShare)) : o.targetBytes;
        while (bench ? bytes < target : d < o.docs) {
          JsonlWriter w = writers[d % n];
          DocKey key = new DocKey(names[d % n], w.lines() + 1);
          String source = nextDoc(key);
          long before = w.bytesWritten();
          w.writeDoc(text, meta);
          bytes += w.bytesWritten() - before;
          if (source.equals(CC)) {
            hotShardBytes += w.bytesWritten() - before;
          }
          docsPerSource.merge(source, 1, Integer::sum);
          d++;
          if (bench && d % 100_000 == 0) {
            LOG.info("Generated {} docs, {} bytes", d, bytes);
          }
        }
        for (int i = 0; i < n; i++) {
          JsonlWriter w = writers[i];
          w.close();
          writers[i] = null;
          files.put(
              names[i],
              new FileInfo(
                  names[i], "shard", compressionOf(names[i]), w.lines(), w.lines(), 0,
                  SampleManifest.zeroReasons(), false, "lf", w.bytesWritten(), false, null));
        }
        return d;
      } finally {
        for (JsonlWriter w : writers) {
          if (w != null) {
            try {
              w.close();
            } catch (IOException e) {
              LOG.warn("Closing a shard after an error failed: {}", e.toString());
            }
          }
        }
      }
    }

    /** Fills {@link #text} and {@link #meta} with the next shard doc; returns its source. */
    private String nextDoc(DocKey key) {
      sb.setLength(0);
      text = sb;
      meta.clear();
      double u = rng.nextDouble();
      double cut = o.exactDupRate;
      if (u < cut && ringSize > 0) {
        Base b = ring[rng.nextInt(ringSize)];
        String source = copySource(b.source);
        if (tf.chance(75)) {
          sb.append(b.text);
          exact.add(new SampleManifest.ExactDup(key, b.key));
        } else {
          List<String> changes = new ArrayList<>();
          sb.append(tf.formattingVariant(b.text, changes));
          variants.add(new SampleManifest.FormattingVariant(key, b.key, List.copyOf(changes)));
        }
        meta(source, "en", null);
        return source;
      }
      cut += o.nearDupRate;
      if (u < cut) {
        Base b = nearBase();
        if (b != null) {
          double rate = 0.02 + 0.28 * rng.nextDouble();
          TextFactory.NearDup nd = tf.nearDuplicate(b.text, rate);
          sb.append(nd.text());
          near.add(
              new SampleManifest.NearDup(
                  key, b.key, nd.edits() / (double) nd.baseWords(), nd.edits(), nd.baseWords()));
          meta(b.source, "en", null);
          return b.source;
        }
      }
      cut += o.lowQualityRate;
      if (u < cut) {
        String rule = TEXT_RULES[rng.nextInt(TEXT_RULES.length)];
        String source = tf.chance(60) ? CC : C4;
        // Own builder: the bullet and ellipsis plants hold non-Latin-1 chars, which would switch
        // the shared builder to UTF-16 for good and slow every later doc down.
        StringBuilder lq = new StringBuilder(256);
        tf.lowQuality(lq, rule);
        text = lq;
        low.add(new SampleManifest.LowQuality(key, rule));
        meta(source, "en", null);
        return source;
      }
      cut += o.nonEnglishRate;
      if (u < cut) {
        int l = rng.nextInt(3);
        String lang = l == 0 ? "fr" : l == 1 ? "de" : "es";
        String[][] words = l == 0 ? Vocab.FR : l == 1 ? Vocab.DE : Vocab.ES;
        int r = rng.nextInt(10);
        String source = r < 5 ? CC : r < 8 ? C4 : WIKIPEDIA;
        tf.foreign(sb, words, tf.lognormal(1500, 0.5, 500, 5000));
        low.add(new SampleManifest.LowQuality(key, "language"));
        nonEnglish.add(new SampleManifest.NonEnglish(key, lang));
        meta(source, lang, null);
        return source;
      }
      String source = pickSource();
      String title = normalText(source);
      meta(source, "en", title);
      if (sb.length() <= MAX_BASE_CHARS) {
        ring[ringNext] = new Base(sb.toString(), key, source);
        ringNext = (ringNext + 1) % RESERVOIR;
        ringSize = Math.min(ringSize + 1, RESERVOIR);
      }
      return source;
    }

    /** A duplicate keeps its base's source most of the time, else moves to another web set. */
    private String copySource(String baseSource) {
      if (tf.chance(70)) {
        return baseSource;
      }
      return baseSource.equals(CC) ? C4 : CC;
    }

    private Base nearBase() {
      for (int t = 0; t < 10 && ringSize > 0; t++) {
        Base b = ring[rng.nextInt(ringSize)];
        if (b.text.length() <= MAX_NEAR_BASE_CHARS) {
          return b;
        }
      }
      return null;
    }

    private String pickSource() {
      double u = rng.nextDouble();
      double acc = 0;
      for (int i = 0; i < SOURCES.length; i++) {
        acc += SOURCE_SHARES[i];
        if (u < acc) {
          return SOURCES[i];
        }
      }
      return SOURCES[0];
    }

    /** Writes a normal English doc of {@code source} into sb; returns its title (or null). */
    private String normalText(String source) {
      switch (source) {
        case CC -> tf.commonCrawl(sb);
        case C4 -> tf.c4(sb);
        case GITHUB -> tf.github(sb, tf.chance(50));
        case BOOK -> {
          String title = "The " + TextFactory.capital(tf.pick(Vocab.ADJECTIVES)) + " "
              + TextFactory.capital(tf.pick(Vocab.NOUNS));
          tf.book(sb, title);
          return title;
        }
        case ARXIV -> tf.arxiv(sb);
        case WIKIPEDIA -> {
          StringBuilder t = new StringBuilder();
          tf.titleCase(t, tf.between(1, 3));
          String title = t.toString();
          tf.wikipedia(sb, title);
          return title;
        }
        default -> tf.stackExchange(sb);
      }
      return null;
    }

    private String timestamp() {
      // Fixed window 2017..2023 derived from the seed; never the clock.
      return Instant.ofEpochSecond(1_483_228_800L + rng.nextLong(200_000_000L)).toString();
    }

    private String url(String tld) {
      return "https://www." + tf.pick(Vocab.NOUNS) + tf.pick(Vocab.NOUNS) + "." + tld + "/"
          + tf.pick(Vocab.ADJECTIVES) + "-" + tf.pick(Vocab.NOUNS) + "-" + tf.between(1, 99999);
    }

    /** Fills {@link #meta} for a doc of {@code source} in {@code lang}. */
    private void meta(String source, String lang, String title) {
      meta.put("redpajama_set_name", source);
      String tld = lang.equals("en") ? tf.pick(Vocab.TLDS) : lang;
      switch (source) {
        case GITHUB -> {
          boolean py = sb.indexOf("def ") >= 0;
          String repo = tf.pick(Vocab.NAMES).toLowerCase() + "/" + tf.pick(Vocab.NOUNS) + "-" + tf.pick(Vocab.NOUNS);
          int lines = 1;
          for (int i = 0; i < sb.length(); i++) {
            if (sb.charAt(i) == '\n') {
              lines++;
            }
          }
          meta.put("repo_name", repo)
              .put("path", "src/" + tf.pick(Vocab.NOUNS) + (py ? ".py" : ".java"))
              .put("programming_language", py ? "Python" : "Java")
              .put("license", tf.pick(Vocab.LICENSES))
              .put("line_count", lines);
        }
        case BOOK -> meta.put("title", title != null ? title : "Untitled")
            .put("publication_date", tf.between(1850, 2015))
            .put("language", lang);
        case ARXIV -> {
          String id = String.format("%02d%02d.%05d", tf.between(10, 23), tf.between(1, 12), tf.between(1, 99999));
          meta.put("arxiv_id", id).put("url", "https://arxiv.org/abs/" + id).put("timestamp", timestamp())
              .put("language", lang);
        }
        case WIKIPEDIA -> {
          String t = title != null ? title : TextFactory.capital(tf.pick(Vocab.NOUNS));
          meta.put("title", t).put("url", "https://" + lang + ".wikipedia.org/wiki/" + t.replace(' ', '_'))
              .put("timestamp", timestamp()).put("language", lang);
        }
        case STACKEXCHANGE -> meta.put("url", "https://" + tf.pick(Vocab.STACK_SITES) + "/questions/"
                + tf.between(1000, 9_999_999))
            .put("question_score", tf.between(-2, 250))
            .put("timestamp", timestamp())
            .put("language", lang);
        default -> meta.put("url", url(tld)).put("timestamp", timestamp()).put("language", lang);
      }
    }

    // ---------------------------------------------------------------- bad input

    /** One line of bad-lines.jsonl: raw bytes, or null for a valid doc; reason null for valid/blank. */
    private record Planted(byte[] raw, String reason) {}

    private static Planted bad(String line, String reason) {
      return new Planted(line.getBytes(StandardCharsets.UTF_8), reason);
    }

    private static byte[] concat(String a, byte[] mid, String b) {
      byte[] x = a.getBytes(StandardCharsets.UTF_8);
      byte[] z = b.getBytes(StandardCharsets.UTF_8);
      byte[] r = new byte[x.length + mid.length + z.length];
      System.arraycopy(x, 0, r, 0, x.length);
      System.arraycopy(mid, 0, r, x.length, mid.length);
      System.arraycopy(z, 0, r, x.length + mid.length, z.length);
      return r;
    }

    private void writeBadLines() throws IOException {
      // Own stream, so the bad-lines file does not shift when the shard doc count changes.
      SplittableRandom r = new SplittableRandom(o.seed ^ 0x6A09E667F3BCC908L);
      TextFactory t = new TextFactory(r);
      String m = "\"meta\": {\"redpajama_set_name\": \"RedPajamaC4\"}";
      List<Planted> lines = new ArrayList<>();
      lines.add(bad("{\"text\": \"An unterminated document about the river", "malformed_json"));
      lines.add(bad("{\"text\": \"trailing comma\", " + m + ",}", "malformed_json"));
      lines.add(bad("{\"text\" \"missing colon\"}", "malformed_json"));
      lines.add(bad("[{\"text\": \"a document inside an array\"}]", "not_json_object"));
      lines.add(bad("42", "not_json_object"));
      lines.add(bad("\"just a string\"", "not_json_object"));
      lines.add(bad("{" + m + "}", "missing_text"));
      lines.add(bad("{\"content\": \"a document under the wrong key\", " + m + "}", "missing_text"));
      lines.add(bad("{\"text\": null, " + m + "}", "null_text"));
      lines.add(bad("{\"text\": 42, " + m + "}", "text_not_string"));
      lines.add(bad("{\"text\": {\"a\": 1}, " + m + "}", "text_not_string"));
      lines.add(bad("{\"text\": [\"a\", \"b\"], " + m + "}", "text_not_string"));
      lines.add(new Planted(concat("{\"text\": \"caf", new byte[] {(byte) 0xC3, 0x28}, " au lait\", " + m + "}"),
          "invalid_utf8"));
      lines.add(new Planted(concat("{\"text\": \"price ", new byte[] {(byte) 0xFF}, " list\", " + m + "}"),
          "invalid_utf8"));
      lines.add(bad("", null));
      lines.add(bad("   ", null));
      lines.add(bad("\t", null));
      int validDocs = 12;
      for (int i = 1; i < validDocs; i++) {
        lines.add(new Planted(null, null));
      }
      // Fisher-Yates with our own stream; the first line stays a valid doc (it carries the BOM).
      for (int i = lines.size() - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        Planted tmp = lines.get(i);
        lines.set(i, lines.get(j));
        lines.set(j, tmp);
      }
      lines.add(0, new Planted(null, null));

      Map<String, Integer> reasons = SampleManifest.zeroReasons();
      int blank = 0;
      JsonlWriter w =
          new JsonlWriter(new BufferedOutputStream(Files.newOutputStream(dir.resolve(BAD_LINES_FILE))), true);
      try {
        w.writeRaw(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        JsonlWriter.Meta dm = new JsonlWriter.Meta();
        StringBuilder text = new StringBuilder();
        for (Planted p : lines) {
          if (p.raw == null) {
            text.setLength(0);
            t.c4(text);
            dm.clear();
            dm.put("redpajama_set_name", C4).put("url", "https://www.example-" + t.pick(Vocab.NOUNS) + ".org/"
                + t.between(1, 9999)).put("language", "en");
            w.writeDoc(text, dm);
            docsPerSource.merge(C4, 1, Integer::sum);
          } else {
            w.writeRawLine(p.raw);
            if (p.reason == null) {
              blank++;
            } else {
              reasons.merge(p.reason, 1, Integer::sum);
            }
          }
        }
      } finally {
        w.close();
      }
      files.put(
          BAD_LINES_FILE,
          new FileInfo(
              BAD_LINES_FILE, "bad_lines", "none", w.lines(), validDocs, blank, reasons, true, "crlf",
              w.bytesWritten(), false, null));
    }

    private void writeDamaged() throws IOException {
      SplittableRandom r = new SplittableRandom(o.seed ^ 0xBB67AE8584CAA73BL);
      TextFactory t = new TextFactory(r);
      ByteArrayOutputStream gz = new ByteArrayOutputStream();
      JsonlWriter w = new JsonlWriter(new GZIPOutputStream(gz), false);
      JsonlWriter.Meta dm = new JsonlWriter.Meta();
      StringBuilder text = new StringBuilder();
      int docs = 40;
      for (int i = 0; i < docs; i++) {
        text.setLength(0);
        t.c4(text);
        dm.clear();
        dm.put("redpajama_set_name", C4).put("url", "https://www.example-" + t.pick(Vocab.NOUNS) + ".net/"
            + t.between(1, 9999)).put("language", "en");
        w.writeDoc(text, dm);
      }
      w.close();
      byte[] full = gz.toByteArray();
      // Cut a bit past the middle: well inside the deflate stream, far from header and trailer.
      byte[] cut = Arrays.copyOf(full, (int) (full.length * 0.55));
      int readable = completeLinesBeforeFailure(cut);
      Files.write(dir.resolve(DAMAGED_FILE), cut);
      files.put(
          DAMAGED_FILE,
          new FileInfo(
              DAMAGED_FILE, "damaged", "gzip", w.lines(), docs, 0, SampleManifest.zeroReasons(), false, "lf",
              w.bytesWritten(), true, readable));
    }
  }

  /**
   * Decompresses a truncated gzip stream with {@link GZIPInputStream} and counts the '\n' bytes
   * it returns before it throws; that is the number of complete lines a byte-level reader gets.
   *
   * @throws IllegalStateException if the stream does not fail (it was not damaged)
   */
  static int completeLinesBeforeFailure(byte[] gzip) throws IOException {
    int lines = 0;
    byte[] buf = new byte[8192];
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            lines++;
          }
        }
      }
    } catch (EOFException expected) {
      return lines;
    }
    throw new IllegalStateException("truncated gzip stream decompressed without error");
  }
}
