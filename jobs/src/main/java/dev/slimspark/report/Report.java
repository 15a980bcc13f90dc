package dev.slimspark.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.slimspark.lake.Lake;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the report: {@code FILE.html} (self-contained, open it from disk) and its JSON twin {@code
 * FILE.json} with the same numbers. Reads only the stats_* tables (run the stats stage first) plus
 * which pipeline tables exist. Output is deterministic for the same lake.
 */
public final class Report {
  /** Where the two files went. */
  public record Paths(Path html, Path json) {}

  private Report() {}

  public static Paths write(Lake lake, Path html) throws IOException {
    ReportData data = ReportData.load(lake);
    String page = HtmlReport.render(data);
    Path json = jsonTwin(html);
    Path dir = html.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Files.writeString(html, page, StandardCharsets.UTF_8);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(json.toFile(), data.root());
    return new Paths(html, json);
  }

  /** report.html → report.json (any other name: NAME.json appended). */
  public static Path jsonTwin(Path html) {
    String n = html.getFileName().toString();
    String base = n.endsWith(".html") ? n.substring(0, n.length() - 5) : n;
    return html.resolveSibling(base + ".json");
  }
}
