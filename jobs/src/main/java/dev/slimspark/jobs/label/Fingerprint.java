package dev.slimspark.jobs.label;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** SHA-256 fingerprints of model files and settings (labeler ids, model versions). */
final class Fingerprint {
  private static final Map<String, String> FILES = new ConcurrentHashMap<>();

  private Fingerprint() {}

  /** Hex SHA-256 of a file's bytes, cached per (path, size, mtime). */
  static String file(Path p) {
    try {
      String key =
          p.toAbsolutePath() + "|" + Files.size(p) + "|" + Files.getLastModifiedTime(p).toMillis();
      return FILES.computeIfAbsent(key, k -> hash(p));
    } catch (IOException e) {
      throw new IllegalStateException("cannot fingerprint " + p, e);
    }
  }

  private static String hash(Path p) {
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        sha.update(buf, 0, n);
      }
      return hex(sha.digest());
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot fingerprint " + p, e);
    }
  }

  /** Hex SHA-256 of the parts joined by newlines. */
  static String of(String... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
      return hex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(byte[] d) {
    StringBuilder sb = new StringBuilder();
    for (byte b : d) {
      sb.append(String.format("%02x", b));
    }
    return sb.toString();
  }
}
