package dev.slimspark.jobs.stats;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slimspark.TestSpark;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The fixed bins: log2 edges exact at powers of two, closed ratios keep 1.0, overflow and nulls.
 */
class BinsTest {
  @Test
  void binsAndBounds() {
    StructType schema = new StructType().add("v", DataTypes.DoubleType, true);
    List<Row> rows = new ArrayList<>();
    for (Double d :
        Arrays.asList(0.0, 1.0, 2.0, 3.0, 4.0, 1023.0, 1024.0, null, 0.52, 1.0 - 1e-9, 25.0)) {
      rows.add(RowFactory.create(d));
    }
    Dataset<Row> df = TestSpark.session().createDataFrame(rows, schema);
    Bins log2 = Bins.log2();
    Bins ratio = Bins.closed(0, 0.05, 20);
    Bins linear = Bins.linear(0, 1, 20);
    List<Row> out =
        df.select(
                log2.bin(col("v")).as("l"),
                ratio.bin(col("v")).as("r"),
                linear.bin(col("v")).as("n"))
            .select(
                col("l"),
                log2.lower(col("l")),
                log2.upper(col("l")),
                col("r"),
                col("n"),
                linear.upper(col("n")))
            .collectAsList();
    int[] wantLog2 = {0, 1, 2, 2, 3, 10, 11, -1, 0, 0, 5};
    for (int i = 0; i < wantLog2.length; i++) {
      assertEquals(
          wantLog2[i], out.get(i).isNullAt(0) ? null : out.get(i).getInt(0), "log2 of row " + i);
    }
    assertEquals(512.0, out.get(5).getDouble(1)); // 1023 in [512, 1024)
    assertEquals(1024.0, out.get(5).getDouble(2));
    assertEquals(1024.0, out.get(6).getDouble(1));
    assertEquals(19, out.get(1).getInt(3)); // ratio 1.0 stays in the last closed bin
    assertEquals(19, out.get(9).getInt(3));
    assertEquals(10, out.get(8).getInt(3)); // 0.52 → [0.5, 0.55)
    assertEquals(20, out.get(10).getInt(4)); // 25 → overflow bin, no upper bound
    assertEquals(true, out.get(10).isNullAt(5));
    assertEquals(-1, out.get(7).getInt(3)); // null → missing bin
    assertEquals("linear(0,0.05,20,closed)", ratio.describe());
  }
}
