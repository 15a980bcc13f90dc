package dev.slimspark.sample;

import com.github.luben.zstd.ZstdOutputStream;
import dev.slimspark.sample.SampleManifest.FileInfo;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a deterministic, synthetic RedPajama/SlimPajama-format sample corpus with planted problems
 * (duplicates, near duplicates, low-quality and non-English docs, bad lines, a truncated gzip file)
 * and a {@link SampleManifest} saying exactly what was planted where.
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
 * <p>Same options give byte-identical files: all randomness comes from {@link
 * java.util.SplittableRandom} seeded with {@link Options#seed}, timestamps are derived numbers,
 * nothing iterates a HashMap. Memory is bounded: docs are streamed to disk and duplicates are taken
 * from a ring of the last {@value ShardWriter#RESERVOIR} eligible docs; only the manifest lists
 * grow with the number of docs.
 */
public final class SampleCorpusGenerator {
  private static final Logger LOG = LoggerFactory.getLogger(SampleCorpusGenerator.class);

  public static final String CC = "RedPajamaCommonCrawl";
  public static final String C4 = "RedPajamaC4";
  public static final String GITHUB = "RedPajamaGithub";
  public static final String BOOK = "RedPajamaBook";
  public static final String ARXIV = "RedPajamaArXiv";
  public static final String WIKIPEDIA = "RedPajamaWikipedia";
  public static final String STACKEXCHANGE = "RedPajamaStackExchange";

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

    /**
     * Shard i is .jsonl, .jsonl.gz, .jsonl.zst in rotation; false: all plain .jsonl. Default true.
     */
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

    /**
     * Large files (.jsonl.zst, .jsonl.gz in turn) holding the families, big docs and filler.
     * Default 2.
     */
    public int largeFiles = 2;

    /**
     * Share of all bytes the hot source reaches (filler docs are added until it does). Default 0.9.
     */
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
        m.totalValidDocs(),
        m.shardDocs(),
        m.totals().uncompressedBytes(),
        m.files().size(),
        outDir,
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
    if (o.skew
        && (o.largeFiles < 1
            || !(o.hotShare >= 0 && o.hotShare < 1)
            || o.boilerplateFamily < -1
            || o.tinyFiles < -1
            || Arrays.stream(o.bigDocChars).anyMatch(c -> c < 1)
            || (o.familySizes != null && Arrays.stream(o.familySizes).anyMatch(c -> c < 0)))) {
      throw new IllegalArgumentException(
          "skew options out of range (largeFiles >= 1, 0 <= hotShare < 1, sizes >= 0)");
    }
  }

  /**
   * Opens a file for writing through the given compression ({@code none}, {@code gzip}, {@code
   * zstd}).
   */
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

  /** One generate() call: the writers of each file kind and the manifest they add up to. */
  private static final class Run {
    final Options o;
    final Path dir;
    final Map<String, FileInfo> files = new TreeMap<>();
    final Map<String, Integer> docsPerSource = new TreeMap<>();

    Run(Options o, Path dir) {
      this.o = o;
      this.dir = dir;
    }

    SampleManifest run() throws IOException {
      ShardWriter shards = new ShardWriter(o, dir, files, docsPerSource);
      int shardDocs = shards.write();
      if (o.plantBadInput) {
        BadInputWriter bad = new BadInputWriter(o, dir, files, docsPerSource);
        bad.writeBadLines();
        bad.writeDamaged();
      }
      SampleManifest.Skew skew = o.skew ? plantSkew(shards.hotShardBytes) : null;
      SampleManifest.OptionsEcho echo =
          new SampleManifest.OptionsEcho(
              o.seed,
              o.docs,
              o.shards,
              o.targetBytes,
              o.compressShards,
              o.plantBadInput,
              o.exactDupRate,
              o.nearDupRate,
              o.lowQualityRate,
              o.nonEnglishRate);
      return new SampleManifest(
          SampleManifest.FORMAT,
          echo,
          new ArrayList<>(files.values()),
          totals(shardDocs),
          docsPerSource,
          shards.exact,
          shards.variants,
          shards.near,
          shards.low,
          shards.nonEnglish,
          skew);
    }

    /** Totals over all files written. */
    private SampleManifest.Totals totals(int shardDocs) {
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
      return new SampleManifest.Totals(
          files.size(), shardDocs, valid, physical, blank, bad, badTotal, bytes, damaged, readable);
    }

    private SampleManifest.Skew plantSkew(long hotShardBytes) throws IOException {
      long normal =
          files.values().stream()
              .filter(f -> !f.damaged())
              .mapToLong(FileInfo::uncompressedBytes)
              .sum();
      SkewPlanter p = new SkewPlanter(o, dir);
      SampleManifest.Skew skew = p.plant(normal, hotShardBytes);
      files.putAll(p.files);
      docsPerSource.merge(CC, p.docs, Integer::sum);
      return skew;
    }
  }
}
