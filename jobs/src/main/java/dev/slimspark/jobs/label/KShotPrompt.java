package dev.slimspark.jobs.label;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Builds a k-shot prompt and fits it to the token budget. {@code template} holds {@code {demos}}
 * and {@code {text}}; each demonstration is {@code demoTemplate} with {@code {text}} and {@code
 * {label}} (the label's verbalizer), concatenated in prompt order. Placeholders are substituted in
 * one pass over the template, so a document containing "{demos}" stays literal text.
 *
 * <p>Over-long prompts are never cut silently: first demonstrations are dropped, the first in
 * prompt order first (for knn the least similar); then the query text is cut at a token boundary,
 * keeping its start ({@code truncation = "right"}, the default) or its end ({@code "left"}). The
 * whole prompt is re-tokenized after each cut, so the result is exactly what the model sees.
 */
record KShotPrompt(
    String template, String demoTemplate, List<String> verbalizers, String truncation)
    implements Serializable {
  /**
   * A fitted prompt: token ids, the demonstrations kept (pool indices), whether anything was cut.
   */
  record Fitted(long[] ids, List<Integer> demos, boolean truncated) {}

  /** {@code template} with each {@code {name}} replaced by the value of the same name. */
  static String render(String template, String... nameValues) {
    StringBuilder sb = new StringBuilder(template.length() + 256);
    int i = 0;
    outer:
    while (i < template.length()) {
      for (int p = 0; p < nameValues.length; p += 2) {
        String ph = "{" + nameValues[p] + "}";
        if (template.startsWith(ph, i)) {
          sb.append(nameValues[p + 1]);
          i += ph.length();
          continue outer;
        }
      }
      sb.append(template.charAt(i++));
    }
    return sb.toString();
  }

  String render(Demonstrations pool, List<Integer> demos, String text) {
    StringBuilder d = new StringBuilder();
    for (int i : demos) {
      d.append(render(demoTemplate, "text", pool.text(i), "label", verbalizers.get(pool.label(i))));
    }
    return render(template, "demos", d.toString(), "text", text);
  }

  /**
   * The prompt's ids within {@code budget} tokens; {@code encode(text, special)} is the model's
   * tokenizer. Returns null when even the empty query without demonstrations does not fit.
   */
  Fitted fit(
      BiFunction<String, Boolean, Encoding> encode,
      Demonstrations pool,
      List<Integer> demos,
      String text,
      int budget) {
    List<Integer> d = new ArrayList<>(demos);
    long[] ids = encode.apply(render(pool, d, text), true).getIds();
    boolean cut = false;
    while (ids.length > budget && !d.isEmpty()) {
      d.remove(0);
      cut = true;
      ids = encode.apply(render(pool, d, text), true).getIds();
    }
    if (ids.length <= budget) {
      return new Fitted(ids, d, cut);
    }
    CharSpan[] spans = encode.apply(text, false).getCharTokenSpans();
    int keep = spans.length - (ids.length - budget);
    String t = text;
    while (ids.length > budget) {
      if (keep <= 0 || t.isEmpty()) {
        if (t.isEmpty()) {
          return null;
        }
        t = "";
      } else {
        t = cut(text, spans, keep);
      }
      ids = encode.apply(render(pool, d, t), true).getIds();
      // A cut can merge or split tokens at the seam: shrink by the remaining excess and retry.
      keep -= Math.max(1, ids.length - budget);
    }
    return new Fitted(ids, d, true);
  }

  /**
   * The first (right truncation) or last (left) {@code keep} tokens of {@code text}, by char span.
   */
  private String cut(String text, CharSpan[] spans, int keep) {
    int at;
    if (truncation.equals("left")) {
      CharSpan s = spans[spans.length - keep];
      at = s == null ? 0 : Math.min(text.length(), s.getStart());
      if (at > 0 && Character.isLowSurrogate(text.charAt(at))) {
        at--;
      }
      return text.substring(at);
    }
    CharSpan s = spans[keep - 1];
    at = s == null ? text.length() : Math.min(text.length(), s.getEnd());
    if (at > 0 && at < text.length() && Character.isLowSurrogate(text.charAt(at))) {
      at++;
    }
    return text.substring(0, at);
  }
}
