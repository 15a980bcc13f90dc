package dev.slimspark.jobs.dedup;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.min;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connected components of an undirected edge list of long nodes by alternating large-star and
 * small-star rounds (Kiveris, Lattanzi, Mirrokni, Rastogi, Vassilvitskii, "Connected Components in
 * MapReduce and Beyond", SoCC 2014); O(log^2 n) rounds, each a few shuffles.
 *
 * <ul>
 *   <li>Large-star: every node u links each strictly larger neighbour v to m(u), the minimum of u's
 *       closed neighbourhood.
 *   <li>Small-star: every node u links itself and each smaller neighbour v to the minimum of its
 *       closed smaller neighbourhood.
 * </ul>
 *
 * At the fixpoint each component is a star around its minimum node, so the output {@code (node,
 * root)} lists every non-minimum node with its component minimum (roots themselves are not listed).
 * Only aggregates (min per node) and joins of a big edge side against a unique-key side are used: a
 * 100k-member component is linear work in one task, never a group held in memory. Lineage is cut
 * every round. Fails if not converged after {@code maxCcIterations} rounds rather than returning a
 * labelling that is not a partition into components.
 */
public final class ConnectedComponentsStep {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectedComponentsStep.class);

  /** Assignment plus counts. */
  public record Result(Dataset<Row> assignment, int iterations, long nonRootNodes) {}

  private ConnectedComponentsStep() {}

  /**
   * @param edges {@code (src, dst)} long columns, any orientation, duplicates and loops allowed
   */
  public static Result run(Dataset<Row> edges, DedupOptions opts) {
    // Canonical orientation u > v; self-loops carry no connectivity.
    Dataset<Row> e =
        Lineage.cut(
            edges
                .select(
                    greatest(col(Cols.SRC), col(Cols.DST)).as("u"),
                    least(col(Cols.SRC), col(Cols.DST)).as("v"))
                .where(col("u").notEqual(col("v")))
                .distinct(),
            opts);
    long size = e.count();
    int round = 0;
    while (true) {
      if (round >= opts.maxCcIterations()) {
        Lineage.release(e);
        throw new IllegalStateException(
            "connected components did not converge in " + round + " rounds");
      }
      round++;
      Dataset<Row> next = Lineage.cut(smallStar(largeStar(e)), opts);
      // Both are sets: equal iff same size and one contains the other.
      long nextSize = next.count();
      boolean same = nextSize == size && next.except(e).isEmpty();
      size = nextSize;
      Lineage.release(e);
      e = next;
      LOG.debug("cc round {} done, converged={}", round, same);
      if (same) {
        break;
      }
    }
    Dataset<Row> assignment = e.select(col("u").as(Cols.NODE), col("v").as(Cols.ROOT));
    long n = assignment.count();
    LOG.info("connected components: converged after {} rounds, {} non-root nodes", round, n);
    return new Result(assignment, round, n);
  }

  /** (u > v) edges → large-star edges, same orientation. */
  static Dataset<Row> largeStar(Dataset<Row> e) {
    Dataset<Row> sym =
        e.select(col("u"), col("v")).union(e.select(col("v").as("u"), col("u").as("v")));
    Dataset<Row> mins = sym.groupBy("u").agg(min("v").as("mv"));
    return sym.join(mins, "u")
        .where(col("v").gt(col("u")))
        .select(col("v").as("u"), least(col("u"), col("mv")).as("v"))
        .distinct();
  }

  /** (u > v) edges → small-star edges, same orientation. */
  static Dataset<Row> smallStar(Dataset<Row> e) {
    // In u > v orientation each row already lists a smaller neighbour v of u.
    Dataset<Row> mins = e.groupBy("u").agg(min("v").as("m"));
    Dataset<Row> neighbours =
        e.join(mins, "u")
            .where(col("v").notEqual(col("m")))
            .select(col("v").as("u"), col("m").as("v"));
    return neighbours.union(mins.select(col("u"), col("m").as("v"))).distinct();
  }
}
