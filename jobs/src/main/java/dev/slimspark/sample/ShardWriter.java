package dev.slimspark.sample;

import static dev.slimspark.sample.SampleCorpusGenerator.ARXIV;
import static dev.slimspark.sample.SampleCorpusGenerator.BOOK;
import static dev.slimspark.sample.SampleCorpusGenerator.C4;
import static dev.slimspark.sample.SampleCorpusGenerator.CC;
import static dev.slimspark.sample.SampleCorpusGenerator.GITHUB;
import static dev.slimspark.sample.SampleCorpusGenerator.STACKEXCHANGE;
import static dev.slimspark.sample.SampleCorpusGenerator.WIKIPEDIA;
import static dev.slimspark.sample.SampleCorpusGenerator.compressionOf;
import static dev.slimspark.sample.SampleCorpusGenerator.open;
import static dev.slimspark.sample.SampleCorpusGenerator.shardName;

import dev.slimspark.sample.SampleManifest.DocKey;
import dev.slimspark.sample.SampleManifest.FileInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the shard files of one {@link SampleCorpusGenerator#generate} call: draws each doc (a
 * normal doc of a source, or a planted exact duplicate, formatting variant, near duplicate,
 * low-quality or non-English doc), its metadata, and deals the docs round-robin over the shards.
 * All randomness comes from one {@link SplittableRandom} seeded with the generator seed, so the
 * order of the draws here is part of the output format: same options, same bytes.
 */
final class ShardWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ShardWriter.class);

  /** Capacity of the ring of earlier docs that duplicates are copied from. */
  static final int RESERVOIR = 1000;

  /** Docs longer than this are not kept as duplicate bases (keeps the ring small). */
  static final int MAX_BASE_CHARS = 20_000;

  /** Near duplicates only edit bases up to this size (word edit distance stays cheap to check). */
  static final int MAX_NEAR_BASE_CHARS = 8_000;

  private static final String[] SOURCES = {CC, C4, GITHUB, BOOK, ARXIV, WIKIPEDIA, STACKEXCHANGE};

  /** Share of documents (not bytes) per source; books are few but long. */
  private static final double[] SOURCE_SHARES = {0.52, 0.25, 0.05, 0.01, 0.03, 0.09, 0.05};

  /** Rules planted by lowQualityRate ("language" comes from nonEnglishRate instead). */
  private static final String[] TEXT_RULES = {
    "short_document",
    "word_count",
    "mean_word_length",
    "symbol_ratio",
    "bullet_lines",
    "ellipsis_lines",
    "alpha_words",
    "stop_words"
  };

  /** An earlier doc kept for copying. */
  private record Base(String text, DocKey key, String source) {}

  private final SampleCorpusGenerator.Options o;
  private final Path dir;
  private final SplittableRandom rng;
  private final TextFactory tf;
  private final SourceTexts sourceTexts;
  private final LowQualityText lowQuality;
  private final DuplicateText duplicates;
  private final JsonlWriter.Meta meta = new JsonlWriter.Meta();
  private final StringBuilder sb = new StringBuilder(1 << 16);

  /** The text of the doc being written: {@link #sb}, or a separate builder. */
  private CharSequence text;

  private final Base[] ring = new Base[RESERVOIR];
  private int ringSize;
  private int ringNext;

  /** Shared with the generator run: this writer adds its files and its docs per source. */
  private final Map<String, FileInfo> files;

  private final Map<String, Integer> docsPerSource;

  /** Uncompressed shard bytes of the hot source (the skew tops it up to hotShare). */
  long hotShardBytes;

  final List<SampleManifest.ExactDup> exact = new ArrayList<>();
  final List<SampleManifest.FormattingVariant> variants = new ArrayList<>();
  final List<SampleManifest.NearDup> near = new ArrayList<>();
  final List<SampleManifest.LowQuality> low = new ArrayList<>();
  final List<SampleManifest.NonEnglish> nonEnglish = new ArrayList<>();

  ShardWriter(
      SampleCorpusGenerator.Options o,
      Path dir,
      Map<String, FileInfo> files,
      Map<String, Integer> docsPerSource) {
    this.o = o;
    this.dir = dir;
    this.rng = new SplittableRandom(o.seed);
    this.tf = new TextFactory(rng);
    this.sourceTexts = new SourceTexts(tf);
    this.lowQuality = new LowQualityText(tf);
    this.duplicates = new DuplicateText(tf);
    this.files = files;
    this.docsPerSource = docsPerSource;
  }

  /** Writes the shards, adds them to the files; returns the number of docs written. */
  int write() throws IOException {
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
                names[i],
                "shard",
                compressionOf(names[i]),
                w.lines(),
                w.lines(),
                0,
                SampleManifest.zeroReasons(),
                false,
                "lf",
                w.bytesWritten(),
                false,
                null));
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
      return exactDuplicate(key);
    }
    cut += o.nearDupRate;
    if (u < cut) {
      Base b = nearBase();
      if (b != null) {
        return nearDuplicate(key, b);
      }
    }
    cut += o.lowQualityRate;
    if (u < cut) {
      return lowQuality(key);
    }
    cut += o.nonEnglishRate;
    if (u < cut) {
      return nonEnglish(key);
    }
    return normal(key);
  }

  /** A copy of an earlier doc, exact or up to formatting. */
  private String exactDuplicate(DocKey key) {
    Base b = ring[rng.nextInt(ringSize)];
    String source = copySource(b.source);
    if (tf.chance(75)) {
      sb.append(b.text);
      exact.add(new SampleManifest.ExactDup(key, b.key));
    } else {
      List<String> changes = new ArrayList<>();
      sb.append(duplicates.formattingVariant(b.text, changes));
      variants.add(new SampleManifest.FormattingVariant(key, b.key, List.copyOf(changes)));
    }
    meta(source, "en", null);
    return source;
  }

  /** A word-edited copy of {@code b}. */
  private String nearDuplicate(DocKey key, Base b) {
    double rate = 0.02 + 0.28 * rng.nextDouble();
    DuplicateText.NearDup nd = duplicates.nearDuplicate(b.text, rate);
    sb.append(nd.text());
    near.add(
        new SampleManifest.NearDup(
            key, b.key, nd.edits() / (double) nd.baseWords(), nd.edits(), nd.baseWords()));
    meta(b.source, "en", null);
    return b.source;
  }

  /** A doc planted to fail one text quality rule. */
  private String lowQuality(DocKey key) {
    String rule = TEXT_RULES[rng.nextInt(TEXT_RULES.length)];
    String source = tf.chance(60) ? CC : C4;
    // Own builder: the bullet and ellipsis plants hold non-Latin-1 chars, which would switch
    // the shared builder to UTF-16 for good and slow every later doc down.
    StringBuilder lq = new StringBuilder(256);
    lowQuality.write(lq, rule);
    text = lq;
    low.add(new SampleManifest.LowQuality(key, rule));
    meta(source, "en", null);
    return source;
  }

  /** A doc in French, German or Spanish. */
  private String nonEnglish(DocKey key) {
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

  /** A normal English doc; kept in the ring as a duplicate base if small enough. */
  private String normal(DocKey key) {
    String source = pickSource();
    String title = sourceTexts.write(sb, source);
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

  private String timestamp() {
    // Fixed window 2017..2023 derived from the seed; never the clock.
    return Instant.ofEpochSecond(1_483_228_800L + rng.nextLong(200_000_000L)).toString();
  }

  private String url(String tld) {
    return "https://www."
        + tf.pick(Vocab.NOUNS)
        + tf.pick(Vocab.NOUNS)
        + "."
        + tld
        + "/"
        + tf.pick(Vocab.ADJECTIVES)
        + "-"
        + tf.pick(Vocab.NOUNS)
        + "-"
        + tf.between(1, 99999);
  }

  /** Fills {@link #meta} for a doc of {@code source} in {@code lang}. */
  private void meta(String source, String lang, String title) {
    meta.put("redpajama_set_name", source);
    String tld = lang.equals("en") ? tf.pick(Vocab.TLDS) : lang;
    switch (source) {
      case GITHUB -> {
        boolean py = sb.indexOf("def ") >= 0;
        String repo =
            tf.pick(Vocab.NAMES).toLowerCase()
                + "/"
                + tf.pick(Vocab.NOUNS)
                + "-"
                + tf.pick(Vocab.NOUNS);
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
      case BOOK ->
          meta.put("title", title != null ? title : "Untitled")
              .put("publication_date", tf.between(1850, 2015))
              .put("language", lang);
      case ARXIV -> {
        String id =
            String.format(
                "%02d%02d.%05d", tf.between(10, 23), tf.between(1, 12), tf.between(1, 99999));
        meta.put("arxiv_id", id)
            .put("url", "https://arxiv.org/abs/" + id)
            .put("timestamp", timestamp())
            .put("language", lang);
      }
      case WIKIPEDIA -> {
        String t = title != null ? title : TextFactory.capital(tf.pick(Vocab.NOUNS));
        meta.put("title", t)
            .put("url", "https://" + lang + ".wikipedia.org/wiki/" + t.replace(' ', '_'))
            .put("timestamp", timestamp())
            .put("language", lang);
      }
      case STACKEXCHANGE ->
          meta.put(
                  "url",
                  "https://"
                      + tf.pick(Vocab.STACK_SITES)
                      + "/questions/"
                      + tf.between(1000, 9_999_999))
              .put("question_score", tf.between(-2, 250))
              .put("timestamp", timestamp())
              .put("language", lang);
      default -> meta.put("url", url(tld)).put("timestamp", timestamp()).put("language", lang);
    }
  }
}
