package dev.slimspark.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Captures what this JVM prints on {@code System.out} (the CLI's JSON summary lines) and {@code
 * System.err} (its problem/cause/fix messages) until closed; logging is unaffected (its appenders
 * hold their own streams).
 */
public final class StdoutCapture implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
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

  /** "job=status" of each JSON summary line printed, in order. */
  public List<String> jobStatuses() {
    List<String> out = new ArrayList<>();
    for (String l : lines()) {
      try {
        JsonNode n = JSON.readTree(l);
        out.add(n.path("job").asText() + "=" + n.path("status").asText());
      } catch (JsonProcessingException e) {
        throw new AssertionError("stdout line is not JSON: " + l, e);
      }
    }
    return out;
  }

  @Override
  public void close() {
    System.setOut(out);
    System.setErr(err);
  }
}
