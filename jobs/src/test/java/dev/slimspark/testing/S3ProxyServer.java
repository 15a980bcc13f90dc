package dev.slimspark.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * S3Proxy (org.gaul:s3proxy, jar-with-dependencies copied to target/s3proxy by the build) serving a
 * local directory as S3 on 127.0.0.1: each bucket is a sub-directory of {@code basedir}. Runs as
 * its own JVM because its bundled libraries clash with Spark's. Requests must be signed (AWS v2 or
 * v4) with the given identity and credential.
 */
public final class S3ProxyServer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private S3ProxyServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts the server and waits (at most 90 s, S3Proxy needs ~15 s on 2 busy cores) until it
   * answers.
   */
  public static S3ProxyServer start(Path basedir, Path workDir, String identity, String credential)
      throws IOException {
    return start(basedir, workDir, identity, credential, ChildProcesses.freePort());
  }

  /**
   * Starts the server on a given port (a restart keeps the endpoint clients are configured with).
   */
  public static S3ProxyServer start(
      Path basedir, Path workDir, String identity, String credential, int port) throws IOException {
    Path jar = Path.of(System.getProperty("slimspark.s3proxy.jar", "target/s3proxy/s3proxy.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "S3Proxy jar missing at " + jar + ": run the tests through Maven (the build copies it)");
    }
    Path props = workDir.resolve("s3proxy.properties");
    Files.writeString(
        props,
        String.join(
            "\n",
            "s3proxy.endpoint=http://127.0.0.1:" + port,
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + identity,
            "s3proxy.credential=" + credential,
            "jclouds.provider=filesystem",
            "jclouds.filesystem.basedir=" + basedir.toAbsolutePath(),
            ""));
    Path log = workDir.resolve("s3proxy-" + port + "-" + System.nanoTime() + ".log");
    Process p =
        ChildProcesses.start(
            List.of(
                ChildProcesses.java(),
                "-Xmx256m",
                "-jar",
                jar.toString(),
                "--properties",
                props.toString()),
            Map.of(),
            log);
    S3ProxyServer server = new S3ProxyServer(p, port, log);
    try {
      ChildProcesses.await(
          "S3Proxy on port " + port, server::answers, Duration.ofSeconds(90), p, log);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** Any HTTP answer (403 for an unsigned request) means the server is up. */
  private boolean answers() {
    try {
      HttpURLConnection c =
          (HttpURLConnection) URI.create(endpoint() + "/").toURL().openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      int code = c.getResponseCode();
      c.disconnect();
      return code > 0;
    } catch (IOException e) {
      return false;
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public Path log() {
    return log;
  }

  public int port() {
    return port;
  }

  /** Kills the server at once (SIGKILL): requests in flight fail, as when a store goes away. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    ChildProcesses.stop(process);
  }
}
