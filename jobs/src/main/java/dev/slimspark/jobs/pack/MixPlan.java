package dev.slimspark.jobs.pack;

import dev.slimspark.errors.UserErrors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How many copies of each document go into packing, per (split, source): {@code whole} epochs of
 * every document plus one more copy of the documents whose mix bucket is below {@code limit} (a
 * seeded fractional sample). Each split keeps its natural total token count T and source s gets
 * weight_s x T tokens: rate_s = weight_s x T / T_s (may be above 1: upsampling). The limit is
 * chosen on the bucket histogram so the fractional sample's tokens are as close as possible to the
 * target, i.e. within one bucket (1/16384 of the source) or one document.
 */
final class MixPlan {
  /** The plan for one (split, source). */
  static final class Entry {
    final String split;
    final String source;
    final long naturalDocs;
    final long naturalTokens;
    final double targetShare;
    int whole = 1;
    int limit;
    long sampledDocs;
    long sampledTokens;

    Entry(String split, String source, long docs, long tokens, double targetShare) {
      this.split = split;
      this.source = source;
      this.naturalDocs = docs;
      this.naturalTokens = tokens;
      this.targetShare = targetShare;
    }

    double epochs() {
      return naturalTokens == 0 ? 0 : (double) sampledTokens / naturalTokens;
    }
  }

  final List<Entry> entries = new ArrayList<>();

  static MixPlan build(CorpusScan scan, Map<String, Double> mix) {
    // split -> source -> bucket -> {docs, tokens}
    Map<String, Map<String, TreeMap<Integer, long[]>>> hist = new TreeMap<>();
    for (CorpusScan.Cell c : scan.cells) {
      hist.computeIfAbsent(c.split, k -> new TreeMap<>())
          .computeIfAbsent(c.source, k -> new TreeMap<>())
          .put(c.bucket, new long[] {c.docs, c.tokens});
    }
    if (!mix.isEmpty()) {
      TreeSet<String> unlisted = new TreeSet<>();
      hist.values().forEach(m -> unlisted.addAll(m.keySet()));
      unlisted.removeAll(mix.keySet());
      if (!unlisted.isEmpty()) {
        throw UserErrors.of(
            "The corpus has sources that pack.mix does not list: " + unlisted + ".",
            "With a mix, every source needs a weight so that no data is dropped silently.",
            "Add them to pack.mix (weight 0 drops a source), e.g. --set pack.mix."
                + unlisted.first()
                + "=0.1.");
      }
      Map<String, TreeMap<Integer, long[]>> train =
          hist.getOrDefault(PackedRowsTable.TRAIN, Map.of());
      for (Map.Entry<String, Double> w : mix.entrySet()) {
        if (w.getValue() > 0 && tokens(train.get(w.getKey())) == 0) {
          throw UserErrors.of(
              "pack.mix gives source '"
                  + w.getKey()
                  + "' weight "
                  + w.getValue()
                  + " but the corpus has no "
                  + "training tokens from it.",
              "Its target share cannot be reached by resampling nothing.",
              "Check the source name (sources are: "
                  + hist.getOrDefault(PackedRowsTable.TRAIN, Map.of()).keySet()
                  + ") or set its weight to 0.");
        }
      }
    }
    MixPlan plan = new MixPlan();
    for (Map.Entry<String, Map<String, TreeMap<Integer, long[]>>> sp : hist.entrySet()) {
      long total = 0;
      for (TreeMap<Integer, long[]> h : sp.getValue().values()) {
        total += tokens(h);
      }
      for (Map.Entry<String, TreeMap<Integer, long[]>> src : sp.getValue().entrySet()) {
        TreeMap<Integer, long[]> h = src.getValue();
        long t = tokens(h);
        long d = 0;
        for (long[] v : h.values()) {
          d += v[0];
        }
        double share =
            mix.isEmpty() ? (total == 0 ? 0 : (double) t / total) : mix.get(src.getKey());
        Entry e = new Entry(sp.getKey(), src.getKey(), d, t, share);
        if (mix.isEmpty() || t == 0) {
          e.whole = mix.isEmpty() ? 1 : 0;
          e.sampledDocs = mix.isEmpty() ? d : 0;
          e.sampledTokens = mix.isEmpty() ? t : 0;
        } else {
          choose(e, h, share * total);
        }
        plan.entries.add(e);
      }
    }
    return plan;
  }

  /** Whole epochs plus the bucket limit whose cumulative tokens come closest to the remainder. */
  private static void choose(Entry e, TreeMap<Integer, long[]> h, double target) {
    long t = e.naturalTokens;
    e.whole = (int) Math.floor(target / t);
    double frac = target - (double) e.whole * t;
    long cumTokens = 0;
    long cumDocs = 0;
    int limit = 0;
    for (Map.Entry<Integer, long[]> b : h.entrySet()) {
      long next = cumTokens + b.getValue()[1];
      if (Math.abs(next - frac) >= Math.abs(cumTokens - frac)) {
        break;
      }
      cumTokens = next;
      cumDocs += b.getValue()[0];
      limit = b.getKey() + 1;
    }
    e.limit = limit;
    e.sampledTokens = (long) e.whole * t + cumTokens;
    e.sampledDocs = (long) e.whole * e.naturalDocs + cumDocs;
  }

  private static long tokens(TreeMap<Integer, long[]> h) {
    long t = 0;
    if (h != null) {
      for (long[] v : h.values()) {
        t += v[1];
      }
    }
    return t;
  }

  long sampledTokens() {
    long t = 0;
    for (Entry e : entries) {
      t += e.sampledTokens;
    }
    return t;
  }

  /** Summary: per split, per source target share, achieved share of sampled tokens and epochs. */
  Map<String, Object> describe() {
    Map<String, Object> out = new TreeMap<>();
    Map<String, Long> totals = new TreeMap<>();
    Map<String, Long> naturalTotals = new TreeMap<>();
    for (Entry e : entries) {
      totals.merge(e.split, e.sampledTokens, Long::sum);
      naturalTotals.merge(e.split, e.naturalTokens, Long::sum);
    }
    for (Entry e : entries) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("target_share", round(e.targetShare));
      long tot = totals.get(e.split);
      m.put("tokens_target", Math.round(e.targetShare * naturalTotals.get(e.split)));
      m.put("achieved_share", round(tot == 0 ? 0 : (double) e.sampledTokens / tot));
      m.put("epochs", round(e.epochs()));
      m.put("docs_natural", e.naturalDocs);
      m.put("tokens_natural", e.naturalTokens);
      m.put("docs_sampled", e.sampledDocs);
      m.put("tokens_sampled", e.sampledTokens);
      @SuppressWarnings("unchecked")
      Map<String, Object> s =
          (Map<String, Object>) out.computeIfAbsent(e.split, k -> new TreeMap<String, Object>());
      s.put(e.source, m);
    }
    return out;
  }

  static double round(double v) {
    return Math.round(v * 1e6) / 1e6;
  }
}
