package dev.slimspark.jobs.pack;

import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.Status;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pack summary: per split rows, tokens in (sampled), tokens packed, pad, padding fraction,
 * dropped tail tokens, documents split (and their share), shards; the mix (target vs achieved share
 * and epochs per source); and the reconciliation {@code tokens_packed = tokens_in -
 * tail_tokens_dropped} and {@code rows * (seq_len + 1) = tokens_packed + pad_tokens}.
 */
final class PackSummary {
  private PackSummary() {}

  static void fill(JobSummary s, PackOptions c, PackResult result, long committedRows) {
    CorpusScan scan = result.scan();
    MixPlan plan = result.plan();
    Map<String, long[]> perSplit = result.perSplit();
    long rowsPerShard = result.rowsPerShard();
    Map<String, Integer> firstShard = result.firstShard();
    String dtype = result.dtype();
    int partitions = result.partitions();
    long docsNatural = 0;
    long tokensNatural = 0;
    for (CorpusScan.Cell cell : scan.cells) {
      docsNatural += cell.docs;
      tokensNatural += cell.tokens;
    }
    Map<String, Long> planned = new TreeMap<>();
    for (MixPlan.Entry e : plan.entries) {
      planned.merge(e.split, e.sampledTokens, Long::sum);
    }
    boolean ok = true;
    long rows = 0;
    long packedTokens = 0;
    long pad = 0;
    long tail = 0;
    Map<String, Object> splits = new TreeMap<>();
    for (Map.Entry<String, long[]> e : perSplit.entrySet()) {
      long[] v = e.getValue();
      long r = v[0];
      long padT = v[1];
      long docs = v[2];
      long in = v[3];
      long packedT = r * c.rowTokens() - padT;
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rows", r);
      m.put("docs", docs);
      m.put("tokens_in", in);
      m.put("tokens_packed", packedT);
      m.put("pad_tokens", padT);
      m.put("padding_fraction", MixPlan.round(r == 0 ? 0 : (double) padT / (r * c.rowTokens())));
      m.put("tail_tokens_dropped", v[5]);
      m.put("docs_split", v[4]);
      m.put("docs_split_share", MixPlan.round(docs == 0 ? 0 : (double) v[4] / docs));
      m.put("docs_in_dropped_tail", v[6]);
      int first = firstShard.getOrDefault(e.getKey(), 0);
      m.put("first_shard", first);
      m.put("shards", (r + rowsPerShard - 1) / rowsPerShard);
      splits.put(e.getKey(), m);
      ok &= packedT == in - v[5];
      ok &= in == planned.getOrDefault(e.getKey(), 0L);
      rows += r;
      packedTokens += packedT;
      pad += padT;
      tail += v[5];
    }
    s.count("docs_in", docsNatural)
        .count("tokens_in", tokensNatural)
        .count("tokens_sampled", plan.sampledTokens())
        .count("rows", rows)
        .count("tokens_packed", packedTokens)
        .count("pad_tokens", pad)
        .count(
            "padding_fraction",
            MixPlan.round(rows == 0 ? 0 : (double) pad / (rows * c.rowTokens())))
        .count("tail_tokens_dropped", tail)
        .count("pad_id_violations", scan.docsWithPad)
        .count("by_split", splits)
        .count("mix", plan.describe());
    s.put("mode", c.mode() == PackOptions.Mode.CONCAT ? "concat" : "best-fit");
    s.put("seq_len", c.seqLen());
    s.put("dtype", dtype);
    s.put("partitions", partitions);
    s.put("rows_per_shard", rowsPerShard);
    s.put("committed_rows", committedRows);
    ok &= committedRows == rows;
    s.put("reconciled", ok);
    if (!ok) {
      s.status(Status.ERROR);
    }
  }
}
