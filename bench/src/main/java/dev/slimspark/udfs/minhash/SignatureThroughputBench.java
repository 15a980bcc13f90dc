package dev.slimspark.udfs.minhash;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Micro-benchmark (not a test): single-thread MinHash signature throughput.
 *
 * <p>Run: {@code bin/slimspark bench main SignatureThroughputBench}
 */
public final class SignatureThroughputBench {
  private SignatureThroughputBench() {}

  public static void main(String[] args) {
    SplittableRandom rnd = new SplittableRandom(1);
    String[] vocab = new String[50_000];
    for (int i = 0; i < vocab.length; i++) {
      StringBuilder w = new StringBuilder();
      int len = 2 + rnd.nextInt(9);
      for (int j = 0; j < len; j++) {
        w.append((char) ('a' + rnd.nextInt(26)));
      }
      vocab[i] = w.toString();
    }
    String[] docs = new String[2000];
    long bytes = 0;
    for (int d = 0; d < docs.length; d++) {
      StringBuilder sb = new StringBuilder();
      while (sb.length() < 20_000) {
        sb.append(vocab[rnd.nextInt(vocab.length)]);
        sb.append(rnd.nextInt(12) == 0 ? ", " : " ");
      }
      docs[d] = sb.toString();
      bytes += docs[d].getBytes(StandardCharsets.UTF_8).length;
    }
    run(
        "word 5-gram slimpajama",
        new Shingler(ShingleType.WORD, 5, Normalization.SLIMPAJAMA, 1),
        docs,
        bytes);
    run(
        "word 5-gram as-is",
        new Shingler(ShingleType.WORD, 5, Normalization.AS_IS, 1),
        docs,
        bytes);
    run(
        "char 13-gram slimpajama",
        new Shingler(ShingleType.CHAR, 13, Normalization.SLIMPAJAMA, 1),
        docs,
        bytes);
    // One 50 MB document: memory stays bounded by the String itself.
    StringBuilder big = new StringBuilder(50_000_000);
    while (big.length() < 50_000_000) {
      big.append(vocab[rnd.nextInt(vocab.length)]).append(' ');
    }
    String bigDoc = big.toString();
    MinHasher mh =
        new MinHasher(128, 7, new Shingler(ShingleType.WORD, 5, Normalization.SLIMPAJAMA, 1));
    long t0 = System.nanoTime();
    int n = mh.signature(bigDoc, new long[128]);
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "single 50 MB doc, word 5-gram: %d shingles in %.2f s (%.1f MB/s), heap used %d MB%n",
        n,
        s,
        bigDoc.length() / 1e6 / s,
        (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
  }

  private static void run(String name, Shingler shingler, String[] docs, long bytes) {
    MinHasher mh = new MinHasher(128, 7, shingler);
    long[] sig = new long[128];
    long sink = 0;
    for (int rep = 0; rep < 3; rep++) { // warm-up
      for (String d : docs) {
        mh.signature(d, sig);
        sink += sig[0];
      }
    }
    int reps = 3;
    long t0 = System.nanoTime();
    for (int rep = 0; rep < reps; rep++) {
      for (String d : docs) {
        mh.signature(d, sig);
        sink += sig[0];
      }
    }
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "%-26s 128 perms: %.1f MB/s (UTF-8 bytes), %.0f docs/s  [%d]%n",
        name, reps * bytes / 1e6 / s, reps * docs.length / s, sink & 1);
  }
}
