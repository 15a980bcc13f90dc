package dev.slimspark.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.TestSpark;
import dev.slimspark.spark.Sessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class LakeTest {
  private static final SparkSession SPARK = TestSpark.session();

  /** 2,000 rows in 2 tasks, kept alternating, so every task writes both partition values. */
  private static Dataset<Row> rows() {
    return SPARK
        .range(0, 2_000, 1, 2)
        .selectExpr(
            "cast(id as string) as doc_id", "repeat('x', 100) as text", "id % 2 = 0 as kept");
  }

  /** The largest execution memory any task of {@code write} reserved (a sort's pages). */
  private static long peakExecutionMemory(Runnable write) throws Exception {
    AtomicLong peak = new AtomicLong();
    SparkListener l =
        new SparkListener() {
          @Override
          public void onTaskEnd(SparkListenerTaskEnd e) {
            if (e.taskMetrics() != null) {
              peak.accumulateAndGet(e.taskMetrics().peakExecutionMemory(), Math::max);
            }
          }
        };
    SPARK.sparkContext().addSparkListener(l);
    try {
      write.run();
      SPARK.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      SPARK.sparkContext().removeSparkListener(l);
    }
    return peak.get();
  }

  @Test
  void partitionedByFewValuesWritesWithoutSortingTheTaskOutput() throws Exception {
    Lake lake = new Lake(SPARK, TestSpark.newDir("lake-few").toString());
    long sorted =
        peakExecutionMemory(() -> lake.write(rows(), "sorted", SaveMode.Overwrite, "{}", "kept"));
    long open =
        peakExecutionMemory(
            () ->
                lake.writeFewPartitionValues(rows(), "open", SaveMode.Overwrite, "{}", 2, "kept"));

    assertTrue(
        sorted > 0, "a plain partitioned write sorts each task's rows by the partition column");
    assertEquals(0, open, "one open file per value: no sort, no execution memory");
    for (String t : new String[] {"sorted", "open"}) {
      assertEquals(1_000, lake.read(t).where("kept").count());
      assertEquals(1_000, lake.read(t).where("not kept").count());
      assertTrue(
          Files.isDirectory(Path.of(lake.path(t).replace("file:", "")).resolve("kept=true")));
    }
    assertEquals(
        lake.read("sorted").orderBy("doc_id").collectAsList(),
        lake.read("open").orderBy("doc_id").collectAsList());
    assertFalse(SPARK.conf().contains(Lake.MAX_OPEN_WRITERS), "the setting is scoped to the write");
  }

  @Test
  void aUserSettingOfOpenWritersIsKept() throws Exception {
    Lake lake = new Lake(SPARK, TestSpark.newDir("lake-few-user").toString());
    SPARK.conf().set(Lake.MAX_OPEN_WRITERS, 7);
    try {
      lake.writeFewPartitionValues(rows(), "t", SaveMode.Overwrite, "{}", 2, "kept");
      assertEquals("7", SPARK.conf().get(Lake.MAX_OPEN_WRITERS));
    } finally {
      SPARK.conf().unset(Lake.MAX_OPEN_WRITERS);
    }
    assertEquals(2_000, lake.read("t").count());
  }

  @Test
  void tablesAreWrittenInRowGroupsOfAtMost32MiB() throws Exception {
    Lake lake = new Lake(SPARK, TestSpark.newDir("lake-rowgroups").toString());
    // ~77 MB of incompressible text in one task: Parquet's default would make one row group.
    Dataset<Row> text =
        SPARK
            .range(0, 300_000, 1, 1)
            .selectExpr(
                "id",
                "concat(sha2(cast(id as string), 512), sha2(cast(-id as string), 512)) as text");
    lake.write(text, "wide", SaveMode.Overwrite, "{}");

    Path dir = Path.of(lake.path("wide").replace("file:", ""));
    Path file;
    try (Stream<Path> files = Files.list(dir)) {
      file = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    List<BlockMetaData> groups;
    try (ParquetFileReader r =
        ParquetFileReader.open(
            HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
      groups = r.getFooter().getBlocks();
    }
    assertTrue(groups.size() >= 2, "77 MB in row groups of 32 MiB: " + groups.size() + " group(s)");
    for (BlockMetaData g : groups) {
      assertTrue(
          g.getCompressedSize() <= Sessions.ROW_GROUP_BYTES + (2 << 20),
          "row group of " + g.getCompressedSize() + " bytes");
    }
    assertEquals(300_000, lake.read("wide").count());
  }
}
