package dev.slimspark.udfs.tokenize.spm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads a Hugging Face {@code tokenizer.json} of the SentencePiece-BPE family (Llama-2, TinyLlama,
 * Mistral: a BPE model with byte_fallback, spaces replaced by U+2581 and one prepended) into a
 * {@link BpeModel}. Merge ranks are the positions in {@code model.merges}, as in the Rust library.
 *
 * <p>Two spellings of the normalization are accepted: the normalizer sequence {@code Prepend("▁"),
 * Replace(" ", "▁")} with no pre-tokenizer (the older Llama files), or no normalizer and a {@code
 * Metaspace} pre-tokenizer that does not split (newer files). Anything else (other normalizers or
 * pre-tokenizers, dropout, subword prefixes, ignore_merges, non-special added tokens) is refused
 * with a message naming it: the {@code hf} kind runs those.
 *
 * <p>Special added tokens are vocabulary only: their text inside a document is ordinary text (the
 * {@code TextTokenizer} contract). The known defect of Llama-2 copies derived from
 * hf-internal-testing (id 31353 keyed "" instead of U+2028) is repaired, as {@code HfTokenizer}
 * does, so ids match SentencePiece's.
 */
final class HfBpeReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SPACE = "\u2581";

  private HfBpeReader() {}

  static BpeModel read(byte[] json, String name) throws IOException {
    JsonNode root = JSON.readTree(json);
    JsonNode model = root.path("model");
    if (!"BPE".equals(model.path("type").asText())) {
      throw new IOException(
          name
              + ": model type is '"
              + model.path("type").asText()
              + "', not BPE; the sentencepiece kind encodes SentencePiece-BPE tokenizers (Llama-2, TinyLlama, Mistral). Use tokenize.tokenizer.kind=hf.");
    }
    refuse(name, !model.path("byte_fallback").asBoolean(false), "byte_fallback is off");
    refuse(
        name,
        !model.path("dropout").isNull() && !model.path("dropout").isMissingNode(),
        "BPE dropout is set");
    refuse(
        name,
        !model.path("continuing_subword_prefix").asText("").isEmpty(),
        "continuing_subword_prefix is set");
    refuse(
        name, !model.path("end_of_word_suffix").asText("").isEmpty(), "end_of_word_suffix is set");
    refuse(name, model.path("ignore_merges").asBoolean(false), "ignore_merges is on");
    checkNormalization(root, name);

    Map<String, Integer> vocab = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      vocab.put(e.getKey(), e.getValue().asInt());
    }
    repairLlama2LineSeparator(vocab);
    Map<String, Boolean> special = new HashMap<>();
    for (JsonNode t : root.path("added_tokens")) {
      refuse(
          name,
          !t.path("special").asBoolean(false),
          "added token '" + t.path("content").asText() + "' is not special");
      special.put(t.path("content").asText(), true);
      vocab.putIfAbsent(t.path("content").asText(), t.path("id").asInt());
    }
    String unk = model.path("unk_token").asText("");
    int size = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    BpeModel.Builder b = new BpeModel.Builder(name, size);
    for (Map.Entry<String, Integer> e : vocab.entrySet()) {
      String p = e.getKey();
      boolean isByte = p.length() == 6 && p.startsWith("<0x") && p.endsWith(">");
      b.piece(
          e.getValue(), p, !isByte && !special.containsKey(p) && !p.equals(unk) && !p.isEmpty());
    }
    int rank = 0;
    for (JsonNode m : model.path("merges")) {
      String left;
      String right;
      if (m.isArray()) {
        left = m.get(0).asText();
        right = m.get(1).asText();
      } else {
        String s = m.asText();
        int sp = s.indexOf(' ');
        refuse(name, sp <= 0, "merge '" + s + "' is not two pieces");
        left = s.substring(0, sp);
        right = s.substring(sp + 1);
      }
      Integer l = b.textPiece(left);
      Integer r = b.textPiece(right);
      Integer merged = b.textPiece(left + right);
      refuse(
          name,
          l == null || r == null || merged == null,
          "merge '" + left + " " + right + "' names a piece that text cannot produce");
      b.merge(l, r, rank++, merged);
    }
    return b.build();
  }

  private static void checkNormalization(JsonNode root, String name) throws IOException {
    JsonNode norm = root.path("normalizer");
    JsonNode pre = root.path("pre_tokenizer");
    boolean noPre = pre.isNull() || pre.isMissingNode();
    boolean noNorm = norm.isNull() || norm.isMissingNode();
    if (noPre
        && "Sequence".equals(norm.path("type").asText())
        && norm.path("normalizers").size() == 2) {
      JsonNode a = norm.path("normalizers").get(0);
      JsonNode c = norm.path("normalizers").get(1);
      boolean ok =
          "Prepend".equals(a.path("type").asText())
              && SPACE.equals(a.path("prepend").asText())
              && "Replace".equals(c.path("type").asText())
              && " ".equals(c.path("pattern").path("String").asText(null))
              && SPACE.equals(c.path("content").asText());
      if (ok) {
        return;
      }
    }
    if (noNorm && "Metaspace".equals(pre.path("type").asText())) {
      String scheme =
          pre.path("prepend_scheme")
              .asText(pre.path("add_prefix_space").asBoolean(true) ? "always" : "never");
      boolean ok =
          SPACE.equals(pre.path("replacement").asText())
              && !pre.path("split").asBoolean(true)
              && (scheme.equals("first") || scheme.equals("always"));
      if (ok) {
        return;
      }
    }
    throw new IOException(
        name
            + ": its normalizer/pre_tokenizer is not SentencePiece's (prepend U+2581, spaces to U+2581, no splitting): "
            + norm
            + " / "
            + pre
            + ". Use tokenize.tokenizer.kind=hf.");
  }

  private static void refuse(String name, boolean bad, String what) throws IOException {
    if (bad) {
      throw new IOException(
          name
              + ": "
              + what
              + ", which the sentencepiece kind does not support. Use tokenize.tokenizer.kind=hf.");
    }
  }

  /**
   * Llama-2 signature (32000 ids, "▁Hello" = 15043, "" = 31353, no U+2028): key 31353 as U+2028.
   */
  private static void repairLlama2LineSeparator(Map<String, Integer> vocab) {
    Integer empty = vocab.get("");
    if (vocab.size() == 32000
        && empty != null
        && empty == 31353
        && Integer.valueOf(15043).equals(vocab.get(SPACE + "Hello"))
        && !vocab.containsKey("\u2028")) {
      vocab.remove("");
      vocab.put("\u2028", 31353);
    }
  }
}
