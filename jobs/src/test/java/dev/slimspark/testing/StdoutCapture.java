package dev.slimspark.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Captures what this JVM prints on {@code System.out} (the CLI's JSON summary lines) and
 * {@code System.err} (its problem/cause/fix messages) until closed; logging is unaffected (its
 * appenders hold their own streams).
 */
public final class StdoutCapture implements AutoCloseable {
  private final PrintStream out = System.out;
  private final PrintStream err = System.err;
  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

  public StdoutCapture() {
    System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
  }

  public String stdout() {
    return outBytes.toString(StandardCharsets.UTF_8);
  }

  public String stderr() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  /** The non-empty lines printed on stdout. */
  public List<String> lines() {
    return stdout().lines().filter(l -> !l.isBlank()).toList();
  }

  @Override
  public void close() {
    System.setOut(out);
    System.setErr(err);
  }
}
