package dev.slimspark.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimspark.TestSpark;
import dev.slimspark.jobs.stats.SampleLake;
import dev.slimspark.lake.Lake;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Every SQL query in notebooks/*.ipynb (the string inside {@code spark.sql("""...""")} of a code
 * cell) runs against the sample pipeline's tables, registered as views by name the way the
 * notebooks' setup cell and {@code slimspark sql} do, and returns at least one row.
 */
class NotebookQueriesTest {
  private static final Pattern SQL =
      Pattern.compile("spark\\.sql\\(\\s*\"\"\"(.*?)\"\"\"", Pattern.DOTALL);

  @Test
  void everyNotebookQueryRunsOnTheSampleTables() throws IOException {
    Path dir = Path.of(System.getProperty("slimspark.repo.root", "..")).resolve("notebooks");
    List<Path> notebooks = new ArrayList<>();
    try (var s = Files.list(dir)) {
      s.filter(p -> p.toString().endsWith(".ipynb")).sorted().forEach(notebooks::add);
    }
    assertTrue(notebooks.size() >= 2, "notebooks: " + notebooks);
    SparkSession spark = TestSpark.session();
    SqlCommand.registerTables(spark, new Lake(spark, SampleLake.get().lake.toString()));
    ObjectMapper json = new ObjectMapper();
    int total = 0;
    for (Path nb : notebooks) {
      List<String> queries = queries(json.readTree(nb.toFile()));
      assertFalse(queries.isEmpty(), nb + " has no spark.sql query");
      for (String q : queries) {
        List<Row> rows;
        try {
          rows = spark.sql(q).limit(20).collectAsList();
        } catch (Exception e) {
          fail(nb.getFileName() + ": query failed: " + e.getMessage().split("\n")[0] + "\n" + q);
          return;
        }
        assertFalse(rows.isEmpty(), nb.getFileName() + ": query returned no rows:\n" + q);
        total++;
      }
    }
    assertTrue(total >= 8, total + " queries");
  }

  static List<String> queries(JsonNode notebook) {
    List<String> out = new ArrayList<>();
    for (JsonNode cell : notebook.get("cells")) {
      if (!"code".equals(cell.get("cell_type").asText())) {
        continue;
      }
      StringBuilder src = new StringBuilder();
      JsonNode s = cell.get("source");
      if (s.isArray()) {
        s.forEach(line -> src.append(line.asText()));
      } else {
        src.append(s.asText());
      }
      Matcher m = SQL.matcher(src);
      while (m.find()) {
        out.add(m.group(1).trim());
      }
    }
    return out;
  }
}
