package dev.slimspark.jobs.decon;

import dev.slimspark.udfs.quality.TextNormalization;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What happens to one contaminated document: dropped, or cut (each match plus a window of chars on
 * each side removed, the remaining pieces joined by a line break). A document cut more than {@code
 * max_cuts} times, or left shorter than the filter's minimum length, is dropped instead.
 */
final class CutPolicy implements Serializable {
  private static final long serialVersionUID = 1L;

  static final String DROPPED = "dropped";
  static final String CUT = "cut";

  /** Why a document was dropped: decontaminate.policy = drop. */
  static final String BY_POLICY = "policy_drop";

  /** Why: more than decontaminate.max_cuts regions to cut. */
  static final String TOO_MANY_CUTS = "too_many_cuts";

  /** Why: what the cuts left is shorter than decontaminate.min_remaining_chars. */
  static final String TOO_SHORT = "too_short_after_cut";

  /**
   * The decision: action, why it was dropped (null when cut), the remaining text (null when
   * dropped) and the number of cuts.
   */
  record Decision(String action, String reason, String text, int cuts) {
    long byteLength() {
      return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }
  }

  private final DeconOptions.Policy policy;
  private final int window;
  private final int maxCuts;
  private final int minRemaining;

  CutPolicy(DeconOptions opts) {
    this.policy = opts.policy();
    this.window = opts.cutWindowChars();
    this.maxCuts = opts.maxCuts();
    this.minRemaining = opts.minRemainingChars();
  }

  /** Decides for {@code text} with matches {@code spans} ([start, end) char offsets). */
  Decision decide(String text, List<int[]> spans) {
    if (policy == DeconOptions.Policy.DROP) {
      return new Decision(DROPPED, BY_POLICY, null, 0);
    }
    List<int[]> regions = merged(spans, text.length());
    if (regions.size() > maxCuts) {
      return new Decision(DROPPED, TOO_MANY_CUTS, null, regions.size());
    }
    StringBuilder sb = new StringBuilder(text.length());
    int at = 0;
    for (int[] r : regions) {
      append(sb, text, at, r[0]);
      at = r[1];
    }
    append(sb, text, at, text.length());
    String rest = sb.toString();
    if (TextNormalization.slimPajamaLength(rest) < minRemaining) {
      return new Decision(DROPPED, TOO_SHORT, null, regions.size());
    }
    return new Decision(CUT, null, rest, regions.size());
  }

  private static void append(StringBuilder sb, String text, int from, int to) {
    if (to > from) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      sb.append(text, from, to);
    }
  }

  /** The spans widened by the window, clamped to the text, overlapping ones merged, in order. */
  private List<int[]> merged(List<int[]> spans, int length) {
    List<int[]> wide = new ArrayList<>();
    for (int[] s : spans) {
      wide.add(new int[] {Math.max(0, s[0] - window), Math.min(length, s[1] + window)});
    }
    wide.sort(Comparator.comparingInt((int[] s) -> s[0]).thenComparingInt(s -> s[1]));
    List<int[]> out = new ArrayList<>();
    for (int[] s : wide) {
      int[] last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && s[0] <= last[1]) {
        last[1] = Math.max(last[1], s[1]);
      } else {
        out.add(s);
      }
    }
    return out;
  }
}
