package dev.slimspark.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import dev.slimspark.errors.UserError;
import dev.slimspark.jobs.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The table catalog agrees with {@code data-schemas/} and with the registered stages, and a missing
 * input table's error names the catalog's producer, on a real (empty) local lake.
 */
class TableTest {
  private static final Path REPO = Path.of(System.getProperty("slimspark.repo.root", ".."));

  @Test
  void everyTableHasItsSchemaFileAndEverySchemaFileHasATable() throws IOException {
    TreeSet<String> files = new TreeSet<>();
    try (var s = Files.list(REPO.resolve(Table.SCHEMA_DIR))) {
      s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json"))
          .forEach(n -> files.add(n.substring(0, n.length() - ".json".length())));
    }
    TreeSet<String> catalog = new TreeSet<>(Table.ids(Arrays.asList(Table.values())));
    assertEquals(files, catalog, "data-schemas/*.json vs the catalog");
    for (Table t : Table.values()) {
      assertTrue(Files.isRegularFile(REPO.resolve(t.schemaFile())), t.schemaFile());
    }
  }

  @Test
  void schemaFilesNameTheirTableAndHoldItsPartitionColumns() throws IOException {
    ObjectMapper json = new ObjectMapper();
    for (Table t : Table.values()) {
      JsonNode node = json.readTree(REPO.resolve(t.schemaFile()).toFile());
      assertEquals(t.id(), node.path("table").asText(), t.schemaFile());
      List<String> columns = new ArrayList<>();
      node.path("schema").path("fields").forEach(f -> columns.add(f.path("name").asText()));
      assertTrue(
          columns.containsAll(t.partitionBy()),
          t + " partitioned by " + t.partitionBy() + ", columns " + columns);
    }
  }

  @Test
  void everyProducerIsARegisteredStage() {
    for (Table t : Table.values()) {
      if (t == Table.RUNS) {
        assertEquals(Table.ANY_STAGE, t.producer(), "the runner appends to runs after every stage");
      } else {
        assertTrue(
            Pipeline.find(t.producer()) != null,
            t + ": producer '" + t.producer() + "' is no stage");
      }
    }
  }

  @Test
  void namesLookUpTheirEntryAndOtherNamesHaveNone() {
    for (Table t : Table.values()) {
      assertEquals(t, Table.named(t.id()).orElseThrow());
    }
    assertTrue(Table.named("my_table").isEmpty());
    assertEquals("the stage that writes my_table", Table.producerOf("my_table"));
  }

  /** A stage run on an empty lake fails on its input, naming the catalog's producer of it. */
  @Test
  void aMissingInputTableNamesTheCatalogsProducer() {
    Path lake = TestSpark.newDir("catalog-lake");
    Map<String, Table> firstInput =
        Map.of(
            "filter",
            Table.DOCS_RAW,
            "dedup",
            Table.DOCS_FILTERED,
            "pack",
            Table.DOCS_TOKENS,
            "export",
            Table.PACKED_ROWS);
    for (Map.Entry<String, Table> e : firstInput.entrySet()) {
      Table input = e.getValue();
      UserError u =
          assertThrows(
              UserError.class,
              () -> Stages.run(e.getKey(), Stages.config("lake=" + Stages.q(lake))),
              e.getKey());
      assertMissing(u, input.id(), input.producer());
    }
  }

  /** A table named in config is looked up in the catalog; one outside it gets a generic writer. */
  @Test
  void readingByNameLooksTheProducerUp() {
    Lake lake = new Lake(TestSpark.session(), TestSpark.newDir("catalog-by-name").toString());
    assertMissing(
        assertThrows(UserError.class, () -> lake.read("docs_dedup")), "docs_dedup", "dedup");
    assertMissing(
        assertThrows(UserError.class, () -> lake.read(Table.LABEL_EVAL)), "label_eval", "evaluate");
    assertMissing(
        assertThrows(UserError.class, () -> lake.read("my_table")),
        "my_table",
        "the stage that writes my_table");
  }

  private static void assertMissing(UserError u, String table, String producer) {
    assertTrue(u.problem().startsWith("Delta table '" + table + "' not found"), u.render());
    assertEquals(
        "The stage that writes it (" + producer + ") has not run against this lake.",
        u.why(),
        u.render());
    assertTrue(
        u.fix().startsWith("Run `bin/slimspark " + producer + " --conf FILE` first"), u.render());
  }
}
