package dev.slimspark.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Table equality for tests that compare a run elsewhere (cluster, S3) with a local run. */
public final class SameRows {
  private SameRows() {}

  /** {@code actual} and {@code expected} hold the same rows, duplicates counted. */
  public static void assertSameRows(
      Dataset<Row> actual, Dataset<Row> expected, String table, String where) {
    assertEquals(expected.count(), actual.count(), table);
    assertEquals(
        0, actual.exceptAll(expected).count(), table + ": rows only in the " + where + " run");
    assertEquals(0, expected.exceptAll(actual).count(), table + ": rows only in the local run");
  }
}
