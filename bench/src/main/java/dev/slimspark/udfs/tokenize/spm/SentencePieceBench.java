package dev.slimspark.udfs.tokenize.spm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimspark.udfs.tokenize.HfTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Benchmark (not a test): the pure-Java SentencePiece-BPE encoder against its references on whole
 * corpora, in one run: ids compared document by document with HF tokenizers (DJL), line by line
 * with SentencePiece's {@code spm_encode}; then speed per core of each on the same text (CPU time
 * of the encoding thread, or of the spm_encode process), and the ratios.
 *
 * <pre>
 * bin/bench-tokenizer --tokenizer DIR [--mb 100] [--no-spm] INPUT...
 * </pre>
 *
 * DIR holds tokenizer.model and tokenizer.json. INPUT: JSONL files (their "text" field, one
 * document per line; .gz too) or directories: their JSONL files likewise, their other text files
 * (sorted; .gz decompressed; only valid UTF-8) one document each. Each INPUT gets an equal share of
 * --mb. Ours is timed with a fresh instance (cold part cache) after a JIT warm-up on a different
 * instance; DJL with the stage's chunk size (65,536 chars).
 */
public final class SentencePieceBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> TEXT_SUFFIXES =
      List.of(
          ".py",
          ".txt",
          ".rst",
          ".md",
          ".html",
          ".htm",
          ".java",
          ".c",
          ".h",
          ".pm",
          ".pod",
          ".pl",
          ".json",
          ".csv",
          ".xml",
          ".js",
          ".css",
          ".sh",
          ".tex",
          ".1",
          ".5",
          ".8",
          "copyright",
          "changelog",
          "README",
          "NEWS");

  private SentencePieceBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = null;
    double mb = 100;
    boolean spm = true;
    List<Path> inputs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--tokenizer" -> dir = Path.of(args[++i]);
        case "--mb" -> mb = Double.parseDouble(args[++i]);
        case "--no-spm" -> spm = false;
        default -> inputs.add(Path.of(args[i]));
      }
    }
    if (dir == null || inputs.isEmpty()) {
      System.err.println(
          "usage: SentencePieceBench --tokenizer DIR [--mb 100] [--no-spm] INPUT...");
      System.exit(2);
    }
    List<String> docs = read(inputs, (long) (mb * 1e6));
    long bytes = docs.stream().mapToLong(d -> d.getBytes(StandardCharsets.UTF_8).length).sum();
    long chars = docs.stream().mapToLong(String::length).sum();
    System.out.printf(
        "corpus: %d documents, %.1f MB UTF-8, %d chars, from %s%n",
        docs.size(), bytes / 1e6, chars, inputs);

    Path model = dir.resolve("tokenizer.model");
    Path json = dir.resolve("tokenizer.json");
    SentencePieceBpe ours = SentencePieceBpe.load(model);
    try (HfTokenizer djl = HfTokenizer.load(json, HfTokenizer.DEFAULT_CHUNK_CHARS)) {
      compareWithDjl(docs, ours, SentencePieceBpe.load(json), djl);
      Path lines = Files.createTempFile("spm-bench", ".txt");
      try {
        Files.writeString(lines, String.join("\n", docs) + "\n");
        double spmCpu = spm ? compareWithSpmEncode(lines, model, ours) : Double.NaN;
        speed(docs, bytes, model, djl, spmCpu);
        linear(docs, ours);
      } finally {
        Files.deleteIfExists(lines);
      }
    }
  }

  private static void compareWithDjl(
      List<String> docs, SentencePieceBpe ours, SentencePieceBpe oursJson, HfTokenizer djl) {
    int diffModel = 0;
    int diffJson = 0;
    int diffUtf8 = 0;
    long tokens = 0;
    for (String d : docs) {
      int[] ref = djl.encode(d);
      tokens += ref.length;
      diffModel += Arrays.equals(ref, ours.encode(d)) ? 0 : 1;
      diffJson += Arrays.equals(ref, oursJson.encode(d)) ? 0 : 1;
      byte[] b = d.getBytes(StandardCharsets.UTF_8);
      diffUtf8 += Arrays.equals(ref, ours.encodeUtf8(b, 0, b.length).ids()) ? 0 : 1;
    }
    System.out.printf(
        "EQUAL vs HF tokenizers (DJL): %d tokens; documents differing: %d (tokenizer.model),"
            + " %d (tokenizer.json), %d (tokenizer.model, from UTF-8 bytes)%n",
        tokens, diffModel, diffJson, diffUtf8);
  }

  /** Line-by-line ids vs spm_encode; returns spm_encode's CPU seconds (user + sys). */
  private static double compareWithSpmEncode(Path lines, Path model, SentencePieceBpe ours)
      throws Exception {
    Path ids = Files.createTempFile("spm-bench", ".ids");
    try {
      String cmd =
          "TIMEFORMAT='%3U %3S'; time (spm_encode --model='"
              + model
              + "' --output_format=id < '"
              + lines
              + "' > '"
              + ids
              + "')";
      Process p = new ProcessBuilder("bash", "-c", cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (p.waitFor() != 0) {
        throw new IOException("spm_encode failed: " + out);
      }
      String[] t = out.split("\\s+");
      double cpu = Double.parseDouble(t[t.length - 2]) + Double.parseDouble(t[t.length - 1]);
      String[] textLines = Files.readString(lines).split("\n", -1);
      int differing = 0;
      int n = 0;
      try (BufferedReader r = Files.newBufferedReader(ids)) {
        for (String ref; (ref = r.readLine()) != null; n++) {
          StringBuilder sb = new StringBuilder();
          for (int id : ours.encode(textLines[n])) {
            sb.append(sb.length() == 0 ? "" : " ").append(id);
          }
          differing += sb.toString().equals(ref.trim()) ? 0 : 1;
        }
      }
      System.out.printf("EQUAL vs spm_encode: %d lines; lines differing: %d%n", n, differing);
      return cpu;
    } finally {
      Files.deleteIfExists(ids);
    }
  }

  private static void speed(
      List<String> docs, long bytes, Path model, HfTokenizer djl, double spmCpu)
      throws IOException {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    SentencePieceBpe warm = SentencePieceBpe.load(model);
    for (int i = 0; i < docs.size() / 10; i++) {
      warm.encode(docs.get(i));
    }
    SentencePieceBpe fresh = SentencePieceBpe.load(model);
    long t0 = mx.getCurrentThreadCpuTime();
    long sink = 0;
    for (String d : docs) {
      sink += fresh.encode(d).length;
    }
    double ours = bytes / 1e6 / ((mx.getCurrentThreadCpuTime() - t0) / 1e9);
    List<byte[]> utf8 = new java.util.ArrayList<>();
    for (String d : docs) {
      utf8.add(d.getBytes(StandardCharsets.UTF_8));
    }
    SentencePieceBpe fromBytes = SentencePieceBpe.load(model);
    t0 = mx.getCurrentThreadCpuTime();
    for (byte[] b : utf8) {
      sink += fromBytes.encodeUtf8(b, 0, b.length).ids().length;
    }
    double oursUtf8 = bytes / 1e6 / ((mx.getCurrentThreadCpuTime() - t0) / 1e9);
    t0 = mx.getCurrentThreadCpuTime();
    for (String d : docs) {
      sink += djl.encode(d).length;
    }
    double hf = bytes / 1e6 / ((mx.getCurrentThreadCpuTime() - t0) / 1e9);
    double spm = bytes / 1e6 / spmCpu;
    System.out.printf(
        "SPEED MB/s per core (CPU time): ours %.2f (from UTF-8 bytes %.2f), HF tokenizers (DJL)"
            + " %.2f, spm_encode %.2f  [%d]%n",
        ours, oursUtf8, hf, spm, sink % 10);
    System.out.printf("RATIO ours/spm_encode %.2f, ours/HF %.2f%n", ours / spm, ours / hf);
  }

  /**
   * One document of 1M, 4M and 16M characters (the corpus concatenated), and 1M and 4M characters
   * with no cut point at all (one letter repeated): chars/s should not fall as length grows.
   */
  private static void linear(List<String> docs, SentencePieceBpe ours) {
    StringBuilder all = new StringBuilder();
    for (int i = 0; all.length() < 16_000_000 && i < docs.size(); i++) {
      all.append(docs.get(i)).append('\n');
    }
    for (int m : new int[] {1, 4, 16}) {
      if (all.length() >= m * 1_000_000) {
        timeOne("corpus text", all.substring(0, m * 1_000_000), ours);
      }
    }
    for (int m : new int[] {1, 4}) {
      timeOne("one letter", "a".repeat(m * 1_000_000), ours);
    }
  }

  private static void timeOne(String what, String doc, SentencePieceBpe t) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    t.encode(doc.substring(0, Math.min(doc.length(), 100_000)));
    long t0 = mx.getCurrentThreadCpuTime();
    int n = t.encode(doc).length;
    double s = (mx.getCurrentThreadCpuTime() - t0) / 1e9;
    System.out.printf(
        "LINEAR %-11s %,11d chars: %.3f s, %.2f M chars/s, %,d tokens%n",
        what, doc.length(), s, doc.length() / 1e6 / s, n);
  }

  private static List<String> read(List<Path> inputs, long maxBytes) throws IOException {
    List<String> docs = new ArrayList<>();
    long[] total = {0};
    for (int i = 0; i < inputs.size(); i++) {
      // Each input gets an equal share of the budget, so the first cannot crowd out the rest.
      long share = maxBytes * (i + 1) / inputs.size();
      readInput(inputs.get(i), docs, total, share);
    }
    return docs;
  }

  private static void readInput(Path in, List<String> docs, long[] total, long maxBytes)
      throws IOException {
    if (!Files.isDirectory(in)) {
      readJsonl(in, docs, total, maxBytes);
      return;
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(in)) {
      files = s.filter(Files::isRegularFile).filter(f -> textLike(f) || jsonl(f)).sorted().toList();
    }
    for (Path f : files) {
      if (total[0] >= maxBytes) {
        break;
      }
      if (jsonl(f)) {
        readJsonl(f, docs, total, maxBytes);
      } else {
        addDoc(docs, total, decodeOrNull(readMaybeGz(f)));
      }
    }
  }

  private static void readJsonl(Path f, List<String> docs, long[] total, long maxBytes)
      throws IOException {
    try (BufferedReader r =
        new BufferedReader(new java.io.InputStreamReader(open(f), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null && total[0] < maxBytes; ) {
        JsonNode n = line.isBlank() ? null : JSON.readTree(line);
        addDoc(docs, total, n == null || !n.has("text") ? null : n.get("text").asText());
      }
    }
  }

  private static void addDoc(List<String> docs, long[] total, String text) {
    if (text != null && !text.isBlank()) {
      docs.add(text);
      total[0] += text.getBytes(StandardCharsets.UTF_8).length;
    }
  }

  private static boolean jsonl(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(".jsonl") || n.endsWith(".jsonl.gz");
  }

  private static boolean textLike(Path p) {
    String n = p.getFileName().toString().replaceFirst("\\.gz$", "");
    return !Files.isSymbolicLink(p) && TEXT_SUFFIXES.stream().anyMatch(n::endsWith);
  }

  private static InputStream open(Path f) throws IOException {
    InputStream in = Files.newInputStream(f);
    return f.toString().endsWith(".gz") ? new GZIPInputStream(in) : in;
  }

  private static byte[] readMaybeGz(Path f) throws IOException {
    try (InputStream in = open(f)) {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static String decodeOrNull(byte[] b) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
