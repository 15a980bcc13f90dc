package dev.slimspark.udfs.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardReaderTest {
  @TempDir Path dir;

  private static final ShardReader.Opener LOCAL = p -> Files.newInputStream(Path.of(p));

  private List<IngestRecord> read(Path file, ShardReader.Options o) {
    List<IngestRecord> out = new ArrayList<>();
    try (ShardReader r = new ShardReader(file.toString(), LOCAL, o)) {
      r.forEachRemaining(out::add);
    }
    IngestRecord s = out.get(out.size() - 1);
    assertEquals(IngestRecord.Kind.FILE_SUMMARY, s.kind);
    assertEquals(s.linesRead, s.docs + s.quarantined + s.blank, "lines must reconcile");
    assertEquals(
        o.emitDocs ? s.docs : 0, out.stream().filter(r -> r.kind == IngestRecord.Kind.DOC).count());
    assertEquals(
        s.quarantined, out.stream().filter(r -> r.kind == IngestRecord.Kind.QUARANTINE).count());
    return out;
  }

  private List<IngestRecord> read(Path file) {
    return read(file, new ShardReader.Options());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      o.writeBytes(p);
    }
    return o.toByteArray();
  }

  private static IngestRecord at(List<IngestRecord> rs, long line) {
    return rs.stream()
        .filter(r -> r.kind != IngestRecord.Kind.FILE_SUMMARY && r.lineNumber == line)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void everyBadLineKindGetsItsReason() throws IOException {
    Path f = dir.resolve("mixed.jsonl");
    byte[] content =
        concat(
            bytes(
                "\uFEFF{\"text\":\"first doc\",\"meta\":{\"redpajama_set_name\":\"RedPajamaC4\",\"n\":1.50e3}}\r\n"),
            bytes("{\"text\": \"unterminated\r\n"),
            bytes("[1,2,3]\r\n"),
            bytes("42\r\n"),
            bytes("{\"meta\":{}}\r\n"),
            bytes("{\"text\":null}\r\n"),
            bytes("{\"text\":42}\r\n"),
            bytes("{\"text\":{\"a\":1}}\r\n"),
            concat(bytes("{\"text\":\"bad "), new byte[] {(byte) 0xC3, 0x28}, bytes("\"}\r\n")),
            concat(bytes("{\"text\":\"lone "), new byte[] {(byte) 0xFF}, bytes("\"}\r\n")),
            bytes("\r\n"),
            bytes("   \t \r\n"),
            bytes("{\"text\":\"a\",\"text\":\"b\"}\r\n"),
            bytes("{\"text\":\"ok\"} trailing\r\n"),
            bytes("{\"id\":\"x\\u0041\",\"text\":\"last \\u00e9\",\"stats\":{\"k\":[1, 2]}}"));
    Files.write(f, content);
    List<IngestRecord> rs = read(f);
    IngestRecord s = rs.get(rs.size() - 1);
    assertEquals(15, s.linesRead);
    assertEquals(2, s.docs);
    assertEquals(2, s.blank);
    assertEquals(11, s.quarantined);
    assertEquals("none", s.compression);

    IngestRecord first = at(rs, 1);
    assertEquals(IngestRecord.Kind.DOC, first.kind);
    assertEquals("first doc", first.text);
    assertEquals("RedPajamaC4", first.source);
    // meta is kept byte for byte, number format included.
    assertEquals("{\"redpajama_set_name\":\"RedPajamaC4\",\"n\":1.50e3}", first.metaJson);
    assertNull(first.extraJson);
    assertEquals(32, first.docId.length());

    assertEquals("malformed_json", at(rs, 2).reason);
    assertEquals("not_json_object", at(rs, 3).reason);
    assertEquals("not_json_object", at(rs, 4).reason);
    assertEquals("missing_text", at(rs, 5).reason);
    assertEquals("null_text", at(rs, 6).reason);
    assertEquals("text_not_string", at(rs, 7).reason);
    assertEquals("text_not_string", at(rs, 8).reason);
    assertEquals("invalid_utf8", at(rs, 9).reason);
    assertTrue(at(rs, 9).detail.contains("0xC3"), at(rs, 9).detail);
    assertEquals("invalid_utf8", at(rs, 10).reason);
    assertEquals("malformed_json", at(rs, 13).reason); // duplicate key
    assertEquals("malformed_json", at(rs, 14).reason); // trailing content
    IngestRecord last = at(rs, 15);
    assertEquals("last \u00e9", last.text);
    assertEquals("unknown", last.source);
    assertEquals("{\"id\":\"x\\u0041\",\"stats\":{\"k\":[1, 2]}}", last.extraJson);
    assertEquals(7, last.byteLength);
    // A counting pass classifies every line the same way without emitting documents.
    ShardReader.Options counting = new ShardReader.Options();
    counting.emitDocs = false;
    List<IngestRecord> cs = read(f, counting);
    IngestRecord cSum = cs.get(cs.size() - 1);
    assertEquals(s.docs, cSum.docs);
    assertEquals(s.quarantined, cSum.quarantined);
    assertEquals(s.blank, cSum.blank);
    assertEquals(11, cs.size() - 1);
    // The raw prefix keeps the exact bytes for inspection.
    assertArrayEquals(bytes("[1,2,3]"), at(rs, 3).rawPrefix);
  }

  @Test
  void repairModeReplacesInvalidBytesAndFlagsTheDoc() throws IOException {
    Path f = dir.resolve("bad-utf8.jsonl");
    Files.write(f, concat(bytes("{\"text\":\"caf"), new byte[] {(byte) 0xE9}, bytes(" noir\"}\n")));
    ShardReader.Options o = new ShardReader.Options();
    o.repairUtf8 = true;
    List<IngestRecord> rs = read(f, o);
    IngestRecord d = at(rs, 1);
    assertEquals(IngestRecord.Kind.DOC, d.kind);
    assertEquals("caf\uFFFD noir", d.text);
    assertTrue(d.utf8Repaired);
    assertEquals(1, rs.get(rs.size() - 1).repaired);
  }

  @Test
  void fortyMegabyteLineIsQuarantinedWithBoundedMemory() throws IOException {
    Path f = dir.resolve("huge.jsonl");
    try (OutputStream o = Files.newOutputStream(f)) {
      o.write(bytes("{\"text\":\"small\"}\n{\"text\":\""));
      byte[] block = new byte[1 << 20];
      Arrays.fill(block, (byte) 'a');
      for (int i = 0; i < 40; i++) {
        o.write(block);
      }
      o.write(bytes("\"}\n{\"text\":\"after\"}\n"));
    }
    ShardReader.Options o = new ShardReader.Options();
    o.maxLineBytes = 1 << 20; // the default (32 MiB) would also quarantine 40 MB
    List<IngestRecord> rs = read(f, o);
    IngestRecord q = at(rs, 2);
    assertEquals("line_too_long", q.reason);
    assertEquals(40L * (1 << 20) + 11, q.lineBytes);
    assertEquals(1024, q.rawPrefix.length);
    assertEquals("after", at(rs, 3).text);
    // Default limit: the same line is quarantined too.
    List<IngestRecord> rs2 = read(f);
    assertEquals("line_too_long", at(rs2, 2).reason);
  }

  private byte[] corpus(int docs) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < docs; i++) {
      sb.append("{\"text\":\"document number ")
          .append(i)
          .append(" with some filler text ")
          .append("x".repeat(i % 50))
          .append("\"}\n");
    }
    return bytes(sb.toString());
  }

  @Test
  void truncatedGzipKeepsLinesBeforeTheDamage() throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream o = new GZIPOutputStream(gz)) {
      o.write(corpus(5000));
    }
    byte[] full = gz.toByteArray();
    Path whole = dir.resolve("ok.jsonl.gz");
    Files.write(whole, full);
    List<IngestRecord> ok = read(whole);
    assertEquals(5000, ok.get(ok.size() - 1).docs);
    assertEquals("gzip", ok.get(ok.size() - 1).compression);

    Path cut = dir.resolve("cut.jsonl.gz");
    Files.write(cut, Arrays.copyOf(full, full.length / 2));
    List<IngestRecord> rs = read(cut);
    IngestRecord s = rs.get(rs.size() - 1);
    assertTrue(s.damaged);
    assertTrue(s.docs > 1000 && s.docs < 5000, "docs before damage: " + s.docs);
    assertEquals(1, s.quarantined);
    IngestRecord q = rs.get(rs.size() - 2);
    assertEquals("corrupt_compressed_file", q.reason);
    assertEquals(s.docs + 1, q.lineNumber);
    assertTrue(q.byteOffset > 0 && q.byteOffset <= full.length / 2);
    // Every kept doc is intact and in order.
    for (int i = 0; i < s.docs; i++) {
      assertTrue(rs.get(i).text.startsWith("document number " + i + " "));
    }
  }

  @Test
  void truncatedAndCorruptZstd() throws IOException {
    ByteArrayOutputStream zs = new ByteArrayOutputStream();
    try (ZstdOutputStream o = new ZstdOutputStream(zs)) {
      o.write(corpus(5000));
    }
    byte[] full = zs.toByteArray();
    Path whole = dir.resolve("ok.jsonl.zst");
    Files.write(whole, full);
    List<IngestRecord> ok = read(whole);
    assertEquals(5000, ok.get(ok.size() - 1).docs);
    assertEquals("zstd", ok.get(ok.size() - 1).compression);

    Path cut = dir.resolve("cut.jsonl.zst");
    Files.write(cut, Arrays.copyOf(full, full.length / 2));
    List<IngestRecord> rs = read(cut);
    IngestRecord s = rs.get(rs.size() - 1);
    assertTrue(s.damaged);
    assertEquals("corrupt_compressed_file", rs.get(rs.size() - 2).reason);
    assertTrue(s.docs < 5000);

    byte[] flipped = full.clone();
    for (int i = full.length / 3; i < full.length / 3 + 64; i++) {
      flipped[i] ^= 0x5A;
    }
    Path bad = dir.resolve("flipped.jsonl.zst");
    Files.write(bad, flipped);
    List<IngestRecord> rb = read(bad);
    assertTrue(rb.get(rb.size() - 1).damaged);
    assertEquals("corrupt_compressed_file", rb.get(rb.size() - 2).reason);
  }

  @Test
  void misnamedAndMissingFiles() throws IOException {
    Path fake = dir.resolve("plain.jsonl.gz");
    Files.write(fake, bytes("{\"text\":\"not gzip\"}\n"));
    List<IngestRecord> rs = read(fake);
    // Compression is detected by content: a plain file with a .gz name is read as plain.
    assertEquals(IngestRecord.Kind.DOC, rs.get(0).kind);
    assertEquals("not gzip", rs.get(0).text);
    assertEquals("none", rs.get(1).compression);
    assertEquals(1, rs.get(1).docs);

    Path empty = dir.resolve("empty.jsonl.zst");
    Files.write(empty, new byte[0]);
    List<IngestRecord> re = read(empty);
    assertEquals("corrupt_compressed_file", re.get(0).reason);
    assertTrue(re.get(0).detail.contains("empty"), re.get(0).detail);

    List<IngestRecord> missing = read(dir.resolve("nope.jsonl"));
    assertEquals("unreadable_file", missing.get(0).reason);
    assertEquals(1, missing.get(1).quarantined);
    assertTrue(missing.get(1).damaged);
    assertEquals(0, missing.get(1).linesRead - 1);
  }

  @Test
  void docIdsAreStableAndDistinct() {
    DocIds a = new DocIds();
    DocIds b = new DocIds();
    assertEquals(a.of("s3a://b/x.jsonl", 7), b.of("s3a://b/x.jsonl", 7));
    assertFalse(a.of("s3a://b/x.jsonl", 7).equals(a.of("s3a://b/x.jsonl", 8)));
  }

  @Test
  void pathRegexNamesSourceWhenMetaHasNone() throws IOException {
    Path f = dir.resolve("arxiv_000.jsonl");
    Files.write(
        f,
        bytes("{\"text\":\"t\"}\n{\"text\":\"u\",\"meta\":{\"redpajama_set_name\":\"Wiki\"}}\n"));
    ShardReader.Options o = new ShardReader.Options();
    o.pathSourceRegex = "/([a-z]+)_\\d+\\.jsonl";
    List<IngestRecord> rs = read(f, o);
    assertEquals("arxiv", at(rs, 1).source);
    assertEquals("Wiki", at(rs, 2).source);
  }

  @Test
  void utf8Validator() {
    assertEquals(-1, Utf8.firstInvalid(bytes("h\u00e9\u4e2d\uD83D\uDE00"), 0, 10));
    assertEquals(0, Utf8.firstInvalid(new byte[] {(byte) 0xC0, (byte) 0x80}, 0, 2)); // overlong
    assertEquals(0, Utf8.firstInvalid(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, 0, 3));
    assertEquals(1, Utf8.firstInvalid(new byte[] {'a', (byte) 0xE4, (byte) 0xB8}, 0, 3));
  }

  @Test
  void idBaseMakesDocIdsIndependentOfWhereTheCorpusLives() throws IOException {
    Path a = dir.resolve("a/corpus/shard.jsonl");
    Path b = dir.resolve("b/corpus/shard.jsonl");
    for (Path p : List.of(a, b)) {
      Files.createDirectories(p.getParent());
      Files.writeString(p, "{\"text\":\"one\"}\n{\"text\":\"two\"}\n");
    }
    ShardReader.Options plain = new ShardReader.Options();
    List<IngestRecord> fullA = read(a, plain);
    // Default (no base): the full path is hashed, as before the option existed.
    assertEquals(new DocIds().of(a.toString(), 1), fullA.get(0).docId);
    assertFalse(fullA.get(0).docId.equals(read(b, plain).get(0).docId));
    ShardReader.Options baseA = new ShardReader.Options();
    baseA.idBase = dir.resolve("a") + "/";
    ShardReader.Options baseB = new ShardReader.Options();
    baseB.idBase = dir.resolve("b") + "/";
    List<IngestRecord> relA = read(a, baseA);
    List<IngestRecord> relB = read(b, baseB);
    assertEquals(new DocIds().of("corpus/shard.jsonl", 2), relA.get(1).docId);
    assertEquals(relA.get(0).docId, relB.get(0).docId);
    assertEquals(relA.get(1).docId, relB.get(1).docId);
    // The file column keeps the real path: only the id is path-independent.
    assertEquals(a.toString(), relA.get(0).file);
  }
}
