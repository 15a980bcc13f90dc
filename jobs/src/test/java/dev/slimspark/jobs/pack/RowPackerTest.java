package dev.slimspark.jobs.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The packers alone, without Spark: exact rows on small hand-made inputs. */
class RowPackerTest {
  static int[] doc(int len, int base) {
    int[] t = new int[len];
    for (int i = 0; i < len; i++) {
      t[i] = base + i;
    }
    return t;
  }

  static List<PackedRow> drain(RowPacker p) {
    List<PackedRow> out = new ArrayList<>(p.ready);
    p.ready.clear();
    return out;
  }

  @Test
  void concatCutsEveryRowAndDropsTheTail() {
    RowPacker p = RowPacker.create(PackOptions.Mode.CONCAT, 4, 0, 100);
    p.add("a", doc(3, 10));
    p.add("b", doc(6, 20));
    p.add("c", doc(2, 30));
    p.finish();
    List<PackedRow> rows = drain(p);
    assertEquals(2, rows.size());
    assertArrayEquals(new int[] {10, 11, 12, 20}, rows.get(0).tokens);
    assertArrayEquals(new int[] {3, 1}, rows.get(0).segmentLengths);
    assertArrayEquals(new int[] {21, 22, 23, 24}, rows.get(1).tokens);
    assertArrayEquals(new String[] {"b"}, rows.get(1).docIds);
    PackStats s = p.stats();
    assertEquals(11, s.tokensIn);
    assertEquals(3, s.tailTokensDropped); // b's last token and all of c
    assertEquals(1, s.docsSplit);
    assertEquals(1, s.docsInTail);
    assertEquals(s.tokensIn, s.rows * 4 - s.padTokens + s.tailTokensDropped);
  }

  @Test
  void bestFitKeepsFittingDocsWholeAndPadsMinimally() {
    RowPacker p = RowPacker.create(PackOptions.Mode.BEST_FIT, 10, 0, 1000);
    p.add("a", doc(6, 100));
    p.add("b", doc(3, 200));
    p.add("c", doc(4, 300));
    p.add("d", doc(25, 400)); // 2 full rows + 5
    p.add("e", doc(7, 500));
    p.finish();
    List<PackedRow> rows = drain(p);
    // Pieces 7,6,5,4,3 (decreasing): 7 -> r1, 6 -> r2, 5 -> r3, 4 -> r2 (room 4, exact), 3 -> r1
    // (room 3, exact).
    assertEquals(5, rows.size());
    int pad = 0;
    for (PackedRow r : rows) {
      pad += r.padCount;
      assertEquals(10, r.tokens.length);
    }
    assertEquals(5, pad);
    assertEquals(1, p.stats().docsSplit);
    PackedRow r1 = rows.get(2);
    assertArrayEquals(new String[] {"e", "b"}, r1.docIds);
    assertArrayEquals(new int[] {500, 501, 502, 503, 504, 505, 506, 200, 201, 202}, r1.tokens);
    assertTrue(p.stats().tailTokensDropped == 0);
  }
}
