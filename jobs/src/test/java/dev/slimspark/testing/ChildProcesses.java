package dev.slimspark.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Helpers for tests that start servers as separate processes (S3Proxy, Spark standalone master and
 * workers): loopback-only free ports, bounded waits that fail with the process's log, and a stop
 * that also ends the process's children (a worker's executors).
 */
public final class ChildProcesses {
  private static final Logger LOG = LoggerFactory.getLogger(ChildProcesses.class);

  private ChildProcesses() {}

  /** A TCP port free on 127.0.0.1 right now (another process could still take it: rare). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** This JVM's java executable: children run on the same Java as the tests. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * This JVM's classpath entries, for child JVMs of the same code: surefire may hide them in its
   * booter jar's manifest; the test runner's own jars are left out (children don't need them).
   */
  public static List<String> classPath() {
    List<String> out = new java.util.ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (e.contains("surefirebooter")) {
        try (java.util.jar.JarFile jf = new java.util.jar.JarFile(e)) {
          for (String u : jf.getManifest().getMainAttributes().getValue("Class-Path").split(" ")) {
            if (!u.isBlank()) {
              out.add(Path.of(java.net.URI.create(u)).toString());
            }
          }
        } catch (IOException x) {
          throw new IllegalStateException("cannot read the surefire booter jar " + e, x);
        }
      } else if (!e.isBlank()) {
        out.add(e);
      }
    }
    out.removeIf(e -> e.contains("surefire") && !new java.io.File(e).isDirectory());
    return out;
  }

  /** Starts {@code command} with stdout and stderr going to {@code log}. */
  public static Process start(List<String> command, Map<String, String> env, Path log) {
    return start(command, env, log, null);
  }

  /**
   * Starts {@code command} in {@code dir} (null: this JVM's) with stdout and stderr going to {@code
   * log}.
   */
  public static Process start(List<String> command, Map<String, String> env, Path log, Path dir) {
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      LOG.info("started pid {}: {}", p.pid(), command.get(command.size() - 1));
      return p;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + command, e);
    }
  }

  /**
   * Polls {@code ready} every 250 ms until it holds; fails after {@code max} or when {@code p}
   * exits.
   */
  public static void await(String what, BooleanSupplier ready, Duration max, Process p, Path log) {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (ready.getAsBoolean()) {
        return;
      }
      if (p != null && !p.isAlive()) {
        throw new IllegalStateException(
            what + ": process exited with " + p.exitValue() + "\n" + tail(log));
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(what + ": not ready after " + max + "\n" + tail(log));
  }

  /** Ends {@code p} and its descendants: politely first, forcibly after 10 s. Null-safe. */
  public static void stop(Process p) {
    if (p == null) {
      return;
    }
    List<ProcessHandle> children = p.descendants().toList();
    p.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  /** The last 4000 characters of a log file, for failure messages. */
  public static String tail(Path log) {
    if (log == null || !Files.exists(log)) {
      return "";
    }
    try {
      String s = Files.readString(log, StandardCharsets.UTF_8);
      return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }
}
