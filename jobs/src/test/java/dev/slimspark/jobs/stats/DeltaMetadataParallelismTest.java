package dev.slimspark.jobs.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.slimspark.TestSpark;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The snapshot-partition cap holds while stats runs, then goes; a user's own setting is kept. */
class DeltaMetadataParallelismTest {
  private static final String KEY = DeltaMetadataParallelism.KEY;

  @Test
  void capsToTheCoresWhileOpenAndRestores() {
    SparkSession spark = TestSpark.session();
    String shared =
        spark.conf().contains(KEY) ? spark.conf().get(KEY) : null; // TestSpark sets its own
    spark.conf().unset(KEY);
    try {
      int cores = spark.sparkContext().defaultParallelism();
      try (DeltaMetadataParallelism p = DeltaMetadataParallelism.forStats(spark)) {
        assertEquals(Integer.toString(Math.min(50, cores)), spark.conf().get(KEY));
      }
      assertFalse(spark.conf().contains(KEY), "unset again after stats");
    } finally {
      restore(spark, shared);
    }
  }

  @Test
  void keepsTheUsersSetting() {
    SparkSession spark = TestSpark.session();
    String shared = spark.conf().contains(KEY) ? spark.conf().get(KEY) : null;
    spark.conf().set(KEY, "7");
    try {
      try (DeltaMetadataParallelism p = DeltaMetadataParallelism.forStats(spark)) {
        assertEquals("7", spark.conf().get(KEY));
      }
      assertEquals("7", spark.conf().get(KEY));
    } finally {
      restore(spark, shared);
    }
  }

  private static void restore(SparkSession spark, String value) {
    if (value == null) {
      spark.conf().unset(KEY);
    } else {
      spark.conf().set(KEY, value);
    }
  }
}
