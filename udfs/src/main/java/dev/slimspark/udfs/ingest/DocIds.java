package dev.slimspark.udfs.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Stable document ids: the first 128 bits of SHA-256 over "file path \n line number", as 32 hex
 * characters. Same file path and line → same id on every run; 128 bits keep collisions negligible
 * at 10^12 documents. Moving the input to another path changes ids (the path is the identity),
 * unless an id base is given: {@link #idPath} strips that prefix first, so the same corpus under
 * {@code s3a://bucket/corpus/} and {@code file:/data/corpus/} gets the same ids.
 *
 * <p>Not thread-safe (one digest per instance); use one per task.
 */
public final class DocIds {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private final MessageDigest sha;

  public DocIds() {
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
  }

  /**
   * The part of {@code file} that identifies a document: {@code file} itself when {@code idBase} is
   * null or empty (the default), else {@code file} without the {@code idBase} prefix. The caller
   * checks that every input lies under the base (see the ingest stage); a file outside it would
   * keep its full path, which is still a stable id but no longer a path-independent one.
   *
   * @param idBase a fully qualified directory prefix ending in "/", or null/empty
   */
  public static String idPath(String file, String idBase) {
    if (idBase == null || idBase.isEmpty() || !file.startsWith(idBase)) {
      return file;
    }
    return file.substring(idBase.length());
  }

  public String of(String file, long lineNumber) {
    sha.reset();
    sha.update(file.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) '\n');
    sha.update(Long.toString(lineNumber).getBytes(StandardCharsets.US_ASCII));
    byte[] d = sha.digest();
    char[] out = new char[32];
    for (int i = 0; i < 16; i++) {
      out[2 * i] = HEX[(d[i] >> 4) & 0xF];
      out[2 * i + 1] = HEX[d[i] & 0xF];
    }
    return new String(out);
  }
}
