package dev.slimspark.jobs.label;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void handMadeConfusionMatrix() {
    // rows gold, columns predicted
    long[][] m = {{5, 1, 0}, {2, 3, 1}, {0, 1, 7}};
    Metrics x = new Metrics(List.of("a", "b", "c"), m);
    assertEquals(20, x.total());
    assertEquals(15.0 / 20, x.accuracy(), 1e-12);
    assertEquals(5.0 / 7, x.precision(0), 1e-12);
    assertEquals(3.0 / 6, x.recall(1), 1e-12);
    // F1 = 2TP / (2TP + FP + FN): a 10/13, b 6/11, c 14/16
    assertEquals(10.0 / 13, x.f1(0), 1e-12);
    assertEquals(6.0 / 11, x.f1(1), 1e-12);
    assertEquals(14.0 / 16, x.f1(2), 1e-12);
    assertEquals((10.0 / 13 + 6.0 / 11 + 14.0 / 16) / 3, x.macroF1(), 1e-12);
    // p_e = (6*7 + 6*5 + 8*8) / 20^2 = 0.34; kappa = (0.75 - 0.34) / 0.66
    assertEquals((0.75 - 0.34) / 0.66, x.kappa(), 1e-12);
  }

  @Test
  void perfectAndDegenerateAgreement() {
    assertEquals(1.0, new Metrics(List.of("a", "b"), new long[][] {{3, 0}, {0, 2}}).kappa(), 1e-12);
    // Both raters always say "a": p_e = 1, agreement is total.
    assertEquals(1.0, new Metrics(List.of("a", "b"), new long[][] {{4, 0}, {0, 0}}).kappa(), 1e-12);
    assertEquals(
        1.0, new Metrics(List.of("a", "b"), new long[][] {{4, 0}, {0, 0}}).macroF1(), 1e-12);
  }

  @Test
  void knnVoteTieBreaksDeterministically() {
    KnnVoteLabeler.Pool p =
        new KnnVoteLabeler.Pool(
            new String[] {"q", "x", "y", "z"},
            new float[][] {{1, 0}, {1, 0}, {0.8f, 0.6f}, {0.6f, 0.8f}},
            new String[] {"bull", "bear", "bull", "bear"});
    // The query's own id is never a neighbour even though it is the most similar item.
    KnnVoteLabeler.Vote v =
        KnnVoteLabeler.vote(p, new float[] {1, 0}, "q", 2, List.of("bear", "bull"));
    assertEquals(List.of("x", "y"), v.demoIds());
    // 1 bear vote (sim 1.0) vs 1 bull vote (sim 0.8): tie on votes, bear wins on summed similarity.
    assertEquals("bear", v.label());
    assertEquals(0.5, v.scores().get("bull"), 1e-12);
  }
}
