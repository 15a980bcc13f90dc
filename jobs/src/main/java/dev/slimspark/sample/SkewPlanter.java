package dev.slimspark.sample;

import dev.slimspark.sample.SampleManifest.DocKey;
import dev.slimspark.sample.SampleManifest.FileInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The skew a real web corpus has, added beside the normal sample ({@link
 * SampleCorpusGenerator.Options#skew}): near-duplicate families (one huge boilerplate family, a few
 * smaller ones), documents of millions of characters, documents of 1-20 characters, one hot source
 * holding most bytes, and many tiny files beside a few large compressed ones.
 *
 * <p>A family is a template text (cookie banner, licence, footer) of about 2,000 characters; each
 * member fills its date and name slots at random and replaces up to two other words, so every
 * member is within a few dozen 13-char shingles of the template (member pairs mostly have Jaccard
 * above 0.9). Big documents at even positions of {@link SampleCorpusGenerator.Options#bigDocChars}
 * are one boilerplate member repeated (so they are family members: same shingle set up to the
 * seams); at odd positions they are unique prose.
 *
 * <p>Everything skewed goes to the hot source {@value SampleCorpusGenerator#CC}; hot-source
 * "filler" docs are added last until it holds {@link SampleCorpusGenerator.Options#hotShare} of all
 * bytes (and, in bytes mode, until the target is reached). Own random stream: the normal sample is
 * the same with or without skew (except that in bytes mode it gets the non-hot share of the
 * target).
 */
final class SkewPlanter {
  /** Input size at which the skew has its full size (the 1 GiB bench point). */
  static final long FULL_SCALE_BYTES = 1L << 30;

  static final int FULL_BOILERPLATE = 200_000;
  static final int[] FULL_FAMILIES = {20_000, 5_000, 1_000};
  static final int FULL_TINY_FILES = 5_000;

  /** Rough bytes per normal doc, to scale the skew in docs mode. */
  static final int APPROX_DOC_BYTES = 3_000;

  static final int TEMPLATE_CHARS = 2_000;
  private static final String[] KINDS = {
    "licence", "newsletter_footer", "terms_notice", "share_widget"
  };

  private final SampleCorpusGenerator.Options o;
  private final Path dir;
  private final SplittableRandom rng;
  private final TextFactory tf;
  private final SourceTexts sourceTexts;
  private final JsonlWriter.Meta meta = new JsonlWriter.Meta();
  private final StringBuilder sb = new StringBuilder(1 << 16);
  final Map<String, FileInfo> files = new TreeMap<>();
  int docs;
  long bytes;

  /** A family template: words, with the date and name slots. */
  private static final class Family {
    final String name;
    final String kind;
    final String[] words;
    final int dateSlot;
    final int nameSlot;
    final int size;
    final List<DocKey> members = new ArrayList<>();

    Family(String name, String kind, String[] words, int dateSlot, int nameSlot, int size) {
      this.name = name;
      this.kind = kind;
      this.words = words;
      this.dateSlot = dateSlot;
      this.nameSlot = nameSlot;
      this.size = size;
    }
  }

  SkewPlanter(SampleCorpusGenerator.Options o, Path dir) {
    this.o = o;
    this.dir = dir;
    this.rng = new SplittableRandom(o.seed ^ 0x3C6EF372FE94F82BL);
    this.tf = new TextFactory(rng);
    this.sourceTexts = new SourceTexts(tf);
  }

  /** The size factor: requested bytes over {@link #FULL_SCALE_BYTES}. */
  static double scale(SampleCorpusGenerator.Options o) {
    double requested = o.targetBytes > 0 ? o.targetBytes : (double) o.docs * APPROX_DOC_BYTES;
    return requested / FULL_SCALE_BYTES;
  }

  static int scaled(int full, double scale) {
    return (int) Math.max(2, Math.round(full * scale));
  }

  /**
   * Writes the skew files.
   *
   * @param normalBytes uncompressed bytes of the intact normal files already written
   * @param normalHotBytes how many of them belong to the hot source
   */
  SampleManifest.Skew plant(long normalBytes, long normalHotBytes) throws IOException {
    double s = scale(o);
    List<Family> families = new ArrayList<>();
    families.add(
        family(
            "boilerplate",
            "cookie_banner",
            o.boilerplateFamily >= 0 ? o.boilerplateFamily : scaled(FULL_BOILERPLATE, s)));
    int[] sizes = o.familySizes != null ? o.familySizes : scaleAll(FULL_FAMILIES, s);
    for (int i = 0; i < sizes.length; i++) {
      families.add(family("family-" + (i + 1), KINDS[i % KINDS.length], sizes[i]));
    }
    int tinyFiles = o.tinyFiles >= 0 ? o.tinyFiles : scaled(FULL_TINY_FILES, s);
    List<SampleManifest.BigDoc> big = new ArrayList<>();
    List<String> large = new ArrayList<>();
    long filler = 0;
    try (LargeFiles w = new LargeFiles(o.largeFiles)) {
      large.addAll(List.of(w.names));
      writeMembers(w, families);
      for (int i = 0; i < o.bigDocChars.length; i++) {
        big.add(bigDoc(w, families.get(0), o.bigDocChars[i], i % 2 == 0));
      }
      long hot = normalHotBytes + w.bytes();
      // Filler: hot-source docs until the hot share (and in bytes mode the target) is reached.
      while (hot < o.hotShare * (normalBytes + w.bytes())
          || (o.targetBytes > 0 && normalBytes + w.bytes() < o.targetBytes)) {
        long before = w.bytes();
        sb.setLength(0);
        sourceTexts.commonCrawl(sb);
        w.write(sb, hotMeta("filler"));
        hot += w.bytes() - before;
        filler++;
      }
      w.closeInto(files);
    }
    int tinyDocs = writeTinyFiles(tinyFiles);
    bytes = files.values().stream().mapToLong(FileInfo::uncompressedBytes).sum();
    long hotBytes = normalHotBytes + bytes;
    List<SampleManifest.Family> fam = new ArrayList<>();
    for (Family f : families) {
      fam.add(
          new SampleManifest.Family(f.name, f.kind, String.join(" ", f.words).length(), f.members));
    }
    return new SampleManifest.Skew(
        SampleCorpusGenerator.CC,
        hotBytes,
        normalBytes + bytes,
        Math.round(hotBytes * 10000.0 / (normalBytes + bytes)) / 10000.0,
        fam,
        big,
        tinyFiles,
        tinyDocs,
        filler,
        large);
  }

  private static int[] scaleAll(int[] full, double s) {
    int[] r = new int[full.length];
    for (int i = 0; i < full.length; i++) {
      r[i] = scaled(full[i], s);
    }
    return r;
  }

  /** A template of about {@link #TEMPLATE_CHARS} prose characters with a date and a name slot. */
  private Family family(String name, String kind, int size) {
    sb.setLength(0);
    sb.append(
            switch (kind) {
              case "cookie_banner" ->
                  "We use cookies to improve your experience on this site. Effective DATE.";
              case "licence" ->
                  "Permission is hereby granted to any person obtaining a copy. Copyright DATE.";
              case "newsletter_footer" ->
                  "You receive this newsletter because you subscribed on DATE.";
              case "terms_notice" -> "These terms of service apply from DATE to every visitor.";
              default -> "Share this page with your friends, posted on DATE.";
            })
        .append(' ');
    tf.prose(sb, sb.length(), TEMPLATE_CHARS, " ");
    sb.append(" Contact NAME for questions.");
    String[] words = sb.toString().split(" ");
    int date = -1;
    int who = -1;
    for (int i = 0; i < words.length; i++) {
      if (date < 0 && words[i].equals("DATE.")) {
        date = i;
      } else if (words[i].equals("NAME")) {
        who = i;
      }
    }
    return new Family(name, kind, words, date, who, size);
  }

  /** One member's text into {@link #sb}: slots filled, up to two other words replaced. */
  private void member(Family f) {
    sb.setLength(0);
    int e1 = tf.nextInt(3) > 0 ? tf.nextInt(f.words.length) : -1;
    int e2 = tf.chance(30) ? tf.nextInt(f.words.length) : -1;
    for (int i = 0; i < f.words.length; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      if (i == f.dateSlot) {
        sb.append(
            String.format(
                "%d-%02d-%02d.", tf.between(2015, 2024), tf.between(1, 12), tf.between(1, 28)));
      } else if (i == f.nameSlot) {
        sb.append(tf.pick(Vocab.NAMES));
      } else if (i == e1 || i == e2) {
        sb.append(tf.pick(Vocab.NOUNS));
      } else {
        sb.append(f.words[i]);
      }
    }
  }

  /** Members of all families, interleaved (a family is spread over files and positions). */
  private void writeMembers(LargeFiles w, List<Family> families) throws IOException {
    int most = families.stream().mapToInt(f -> f.size).max().orElse(0);
    for (int j = 0; j < most; j++) {
      for (Family f : families) {
        if (j < f.size) {
          member(f);
          f.members.add(w.write(sb, hotMeta(f.name)));
        }
      }
    }
  }

  private SampleManifest.BigDoc bigDoc(
      LargeFiles w, Family boilerplate, int chars, boolean inFamily) throws IOException {
    StringBuilder text = new StringBuilder(chars + TEMPLATE_CHARS * 2);
    if (inFamily) {
      member(boilerplate);
      String one = sb.toString();
      while (text.length() < chars) {
        text.append(one).append("\n\n");
      }
    } else {
      tf.prose(text, 0, chars, "\n\n");
    }
    DocKey key = w.write(text, hotMeta("big"));
    if (inFamily) {
      boilerplate.members.add(key);
    }
    return new SampleManifest.BigDoc(key, text.length(), inFamily ? boilerplate.name : null);
  }

  /** One doc of 1-20 characters per file. */
  private int writeTinyFiles(int n) throws IOException {
    for (int i = 0; i < n; i++) {
      String name = String.format("skew-tiny-%05d.jsonl", i);
      JsonlWriter w = new JsonlWriter(SampleCorpusGenerator.open(dir.resolve(name), "none"), false);
      sb.setLength(0);
      int len = tf.between(1, 20);
      while (sb.length() < len) {
        sb.append(tf.pick(Vocab.TINY_WORDS)).append(' ');
      }
      sb.setLength(len);
      w.writeDoc(sb, hotMeta("tiny"));
      w.close();
      docs++;
      files.put(
          name,
          new FileInfo(
              name,
              "skew_tiny",
              "none",
              1,
              1,
              0,
              SampleManifest.zeroReasons(),
              false,
              "lf",
              w.bytesWritten(),
              false,
              null));
    }
    return n;
  }

  private JsonlWriter.Meta hotMeta(String what) {
    meta.clear();
    meta.put("redpajama_set_name", SampleCorpusGenerator.CC)
        .put(
            "url",
            "https://www."
                + tf.pick(Vocab.NOUNS)
                + ".com/"
                + what
                + "/"
                + tf.between(1, 99_999_999))
        .put("language", "en");
    return meta;
  }

  /** The few large files, .jsonl.zst and .jsonl.gz in turn; docs dealt round-robin. */
  private final class LargeFiles implements AutoCloseable {
    final String[] names;
    final JsonlWriter[] writers;
    int next;

    LargeFiles(int n) throws IOException {
      names = new String[n];
      writers = new JsonlWriter[n];
      for (int i = 0; i < n; i++) {
        names[i] = String.format("skew-large-%05d.jsonl", i) + (i % 2 == 0 ? ".zst" : ".gz");
        writers[i] =
            new JsonlWriter(
                SampleCorpusGenerator.open(
                    dir.resolve(names[i]), SampleCorpusGenerator.compressionOf(names[i])),
                false);
      }
    }

    DocKey write(CharSequence text, JsonlWriter.Meta m) throws IOException {
      int i = next++ % writers.length;
      writers[i].writeDoc(text, m);
      docs++;
      return new DocKey(names[i], writers[i].lines());
    }

    long bytes() {
      long b = 0;
      for (JsonlWriter w : writers) {
        b += w.bytesWritten();
      }
      return b;
    }

    void closeInto(Map<String, FileInfo> out) throws IOException {
      for (int i = 0; i < writers.length; i++) {
        JsonlWriter w = writers[i];
        w.close();
        writers[i] = null;
        out.put(
            names[i],
            new FileInfo(
                names[i],
                "skew_large",
                SampleCorpusGenerator.compressionOf(names[i]),
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
    }

    @Override
    public void close() throws IOException {
      for (JsonlWriter w : writers) {
        if (w != null) {
          w.close();
        }
      }
    }
  }
}
