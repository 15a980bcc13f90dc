package dev.slimspark.sample;

import static dev.slimspark.sample.SampleCorpusGenerator.BAD_LINES_FILE;
import static dev.slimspark.sample.SampleCorpusGenerator.C4;
import static dev.slimspark.sample.SampleCorpusGenerator.DAMAGED_FILE;

import dev.slimspark.sample.SampleManifest.FileInfo;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the planted bad input of the sample corpus: {@code bad-lines.jsonl} (CRLF, a BOM, valid
 * docs mixed with malformed, non-object, text-less, invalid UTF-8 and blank lines) and {@code
 * damaged.jsonl.gz} (gzip cut mid-stream). Each file draws from its own {@link SplittableRandom}
 * derived from the seed, so neither shifts when the shard doc count changes.
 */
final class BadInputWriter {
  /** Valid docs in bad-lines.jsonl (the first line, carrying the BOM, is one of them). */
  private static final int BAD_LINES_VALID_DOCS = 12;

  /** Docs in damaged.jsonl.gz before it is cut. */
  private static final int DAMAGED_DOCS = 40;

  /**
   * One line of bad-lines.jsonl: raw bytes, or null for a valid doc; reason null for valid/blank.
   */
  private record Planted(byte[] raw, String reason) {}

  private final SampleCorpusGenerator.Options o;
  private final Path dir;

  /** Shared with the generator run: this writer adds its files and its docs per source. */
  private final Map<String, FileInfo> files;

  private final Map<String, Integer> docsPerSource;

  BadInputWriter(
      SampleCorpusGenerator.Options o,
      Path dir,
      Map<String, FileInfo> files,
      Map<String, Integer> docsPerSource) {
    this.o = o;
    this.dir = dir;
    this.files = files;
    this.docsPerSource = docsPerSource;
  }

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

  /** Writes bad-lines.jsonl and adds it to the files. */
  void writeBadLines() throws IOException {
    // Own stream, so the bad-lines file does not shift when the shard doc count changes.
    SplittableRandom r = new SplittableRandom(o.seed ^ 0x6A09E667F3BCC908L);
    List<Planted> lines = shuffledLines(r);
    Map<String, Integer> reasons = SampleManifest.zeroReasons();
    int blank = 0;
    JsonlWriter w =
        new JsonlWriter(
            new BufferedOutputStream(Files.newOutputStream(dir.resolve(BAD_LINES_FILE))), true);
    try {
      w.writeRaw(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
      TextFactory t = new TextFactory(r);
      SourceTexts texts = new SourceTexts(t);
      JsonlWriter.Meta dm = new JsonlWriter.Meta();
      StringBuilder text = new StringBuilder();
      for (Planted p : lines) {
        if (p.raw == null) {
          text.setLength(0);
          texts.c4(text);
          dm.clear();
          dm.put("redpajama_set_name", C4)
              .put(
                  "url",
                  "https://www.example-" + t.pick(Vocab.NOUNS) + ".org/" + t.between(1, 9999))
              .put("language", "en");
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
            BAD_LINES_FILE,
            "bad_lines",
            "none",
            w.lines(),
            BAD_LINES_VALID_DOCS,
            blank,
            reasons,
            true,
            "crlf",
            w.bytesWritten(),
            false,
            null));
  }

  /**
   * The lines of bad-lines.jsonl in file order, shuffled with {@code r}; the first line is a valid
   * doc (it carries the BOM).
   */
  private static List<Planted> shuffledLines(SplittableRandom r) {
    List<Planted> lines = plantedLines();
    for (int i = 1; i < BAD_LINES_VALID_DOCS; i++) {
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
    return lines;
  }

  /** One line per bad-line reason variant, then the blank lines. */
  private static List<Planted> plantedLines() {
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
    lines.add(
        new Planted(
            concat("{\"text\": \"caf", new byte[] {(byte) 0xC3, 0x28}, " au lait\", " + m + "}"),
            "invalid_utf8"));
    lines.add(
        new Planted(
            concat("{\"text\": \"price ", new byte[] {(byte) 0xFF}, " list\", " + m + "}"),
            "invalid_utf8"));
    lines.add(bad("", null));
    lines.add(bad("   ", null));
    lines.add(bad("\t", null));
    return lines;
  }

  /** Writes damaged.jsonl.gz (gzip cut mid-stream) and adds it to the files. */
  void writeDamaged() throws IOException {
    SplittableRandom r = new SplittableRandom(o.seed ^ 0xBB67AE8584CAA73BL);
    TextFactory t = new TextFactory(r);
    SourceTexts texts = new SourceTexts(t);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    JsonlWriter w = new JsonlWriter(new GZIPOutputStream(gz), false);
    JsonlWriter.Meta dm = new JsonlWriter.Meta();
    StringBuilder text = new StringBuilder();
    int docs = DAMAGED_DOCS;
    for (int i = 0; i < docs; i++) {
      text.setLength(0);
      texts.c4(text);
      dm.clear();
      dm.put("redpajama_set_name", C4)
          .put("url", "https://www.example-" + t.pick(Vocab.NOUNS) + ".net/" + t.between(1, 9999))
          .put("language", "en");
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
            DAMAGED_FILE,
            "damaged",
            "gzip",
            w.lines(),
            docs,
            0,
            SampleManifest.zeroReasons(),
            false,
            "lf",
            w.bytesWritten(),
            true,
            readable));
  }

  /**
   * Decompresses a truncated gzip stream with {@link GZIPInputStream} and counts the '\n' bytes it
   * returns before it throws; that is the number of complete lines a byte-level reader gets.
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
