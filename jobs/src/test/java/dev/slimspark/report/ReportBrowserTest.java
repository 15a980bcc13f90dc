package dev.slimspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimspark.jobs.stats.SampleLake;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Loads the sample report in headless Chromium from a file:// URL (no network: background
 * networking, component updates and sync off) and checks the rendered DOM: the inline script marked
 * the page data-ok="true" with every chart drawn, no console error, and a screenshot. CI installs
 * chromium (.ci/run) and sets SLIMSPARK_REQUIRE_BROWSER=1, so there a missing browser fails; on a
 * developer machine without it the test is skipped.
 */
class ReportBrowserTest {
  static String chromium() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
        File f = new File(dir, name);
        if (f.canExecute()) {
          return f.getPath();
        }
      }
    }
    return null;
  }

  @Test
  void chromiumRendersEveryChartWithoutErrors() throws Exception {
    String browser = chromium();
    if (browser == null) {
      String msg =
          "chromium is not installed: apt-get install -y --no-install-recommends chromium (.ci/run does this)";
      if ("1".equals(System.getenv("SLIMSPARK_REQUIRE_BROWSER")) || System.getenv("CI") != null) {
        fail(msg);
      }
      Assumptions.assumeTrue(false, msg);
    }
    Report.Paths p = SampleLake.get().report();
    String url = p.html().toAbsolutePath().toUri().toString();
    Path target = Path.of("target").toAbsolutePath();
    Path png = target.resolve("report.png");
    Files.deleteIfExists(png);

    Result dom = run(browser, List.of("--dump-dom", url));
    assertTrue(
        dom.stdout.contains("data-ok=\"true\""), "page not marked ok; stderr:\n" + dom.stderr);
    JsonNode charts = new ObjectMapper().readTree(p.json().toFile()).get("charts");
    assertTrue(dom.stdout.contains("data-charts=\"" + charts.size() + "\""), "chart count");
    for (JsonNode c : charts) {
      assertTrue(
          dom.stdout.contains("id=\"" + c.get("id").asText() + "\""),
          "chart not in DOM: " + c.get("id"));
    }
    for (String bad : List.of("Uncaught", "ERROR:CONSOLE", ":CONSOLE(")) {
      assertFalse(dom.stderr.contains(bad), "console message in the browser log:\n" + dom.stderr);
    }

    Result shot =
        run(
            browser,
            List.of("--screenshot=" + png, "--window-size=1200,2400", "--hide-scrollbars", url));
    assertTrue(Files.size(png) > 10_000, "screenshot too small; stderr:\n" + shot.stderr);
  }

  record Result(String stdout, String stderr) {}

  private static Result run(String browser, List<String> extra)
      throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("slimspark-chromium-");
    Path out = Files.createTempFile("chromium-out", ".txt");
    Path err = Files.createTempFile("chromium-err", ".txt");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile,
                "--enable-logging=stderr",
                "--v=0"));
    cmd.addAll(extra);
    Process proc =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!proc.waitFor(90, TimeUnit.SECONDS)) {
      proc.destroyForcibly();
      fail("chromium did not finish in 90 s: " + Files.readString(err, StandardCharsets.UTF_8));
    }
    assertEquals(
        0,
        proc.exitValue(),
        "chromium exit code; stderr:\n" + Files.readString(err, StandardCharsets.UTF_8));
    return new Result(
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
