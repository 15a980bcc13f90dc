package dev.slimspark.udfs.tokenize.spm;

import dev.slimspark.udfs.onnx.Proto;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Reads a SentencePiece {@code tokenizer.model} (the ModelProto of sentencepiece_model.proto, read
 * field by field with {@link Proto}; no protobuf library) into a {@link BpeModel}.
 *
 * <p>Merges are derived the way SentencePiece's BPE encoder applies them: two adjacent symbols
 * merge when their concatenation is a NORMAL piece, the higher piece score first, the leftmost
 * first among equal scores. Equal scores therefore get equal ranks here.
 *
 * <p>Accepted: model_type BPE, byte_fallback, the identity normalizer (no precompiled character
 * map), add_dummy_prefix either way, remove_extra_whitespaces off, whitespace escaped as U+2581 and
 * treated as a prefix. Refused with a message naming the setting: Unigram models, NFKC and other
 * normalization rules, USER_DEFINED and UNUSED pieces (these need greedy matching and
 * re-segmentation this encoder does not do); the {@code hf} kind handles those through
 * tokenizer.json.
 */
final class SpmModelReader {
  private static final int NORMAL = 1;
  private static final int UNKNOWN = 2;
  private static final int CONTROL = 3;
  private static final int USER_DEFINED = 4;
  private static final int UNUSED = 5;
  private static final int BYTE = 6;
  private static final int MODEL_TYPE_BPE = 2;

  private SpmModelReader() {}

  record Piece(String text, float score, int type) {}

  /** Settings read from the model, for checks and for the encoder. */
  record Settings(boolean addDummyPrefix) {}

  static BpeModel read(byte[] model, String name, Settings[] settingsOut) throws IOException {
    List<Piece> pieces = new ArrayList<>();
    List<Proto.Field> trainer = List.of();
    List<Proto.Field> normalizer = List.of();
    try {
      for (Proto.Field f : Proto.fields(model)) {
        if (f.number() == 1 && f.wire() == 2) {
          pieces.add(piece(f.bytes()));
        } else if (f.number() == 2 && f.wire() == 2) {
          trainer = Proto.fields(f.bytes());
        } else if (f.number() == 3 && f.wire() == 2) {
          normalizer = Proto.fields(f.bytes());
        }
      }
    } catch (IllegalArgumentException e) {
      throw new IOException(name + " is not a SentencePiece model (" + e.getMessage() + ")", e);
    }
    if (pieces.isEmpty()) {
      throw new IOException(name + " is not a SentencePiece model: it holds no pieces");
    }
    checkTrainer(trainer, name);
    boolean dummyPrefix = checkNormalizer(normalizer, name);
    settingsOut[0] = new Settings(dummyPrefix);
    return build(pieces, name);
  }

  private static Piece piece(byte[] b) {
    String text = "";
    float score = 0;
    int type = NORMAL;
    for (Proto.Field f : Proto.fields(b)) {
      switch (f.number()) {
        case 1 -> text = f.string();
        case 2 -> score = Float.intBitsToFloat((int) f.varint());
        case 3 -> type = (int) f.varint();
        default -> {}
      }
    }
    return new Piece(text, score, type);
  }

  private static long varint(List<Proto.Field> fields, int number, long dflt) {
    long v = dflt;
    for (Proto.Field f : fields) {
      if (f.number() == number && f.wire() == 0) {
        v = f.varint();
      }
    }
    return v;
  }

  private static void checkTrainer(List<Proto.Field> trainer, String name) throws IOException {
    long type = varint(trainer, 3, 1);
    if (type != MODEL_TYPE_BPE) {
      throw new IOException(
          name
              + " is a SentencePiece "
              + (type == 1 ? "Unigram" : "type-" + type)
              + " model; the sentencepiece kind encodes BPE models (Llama-2, TinyLlama, Mistral). Use tokenize.tokenizer.kind=hf with its tokenizer.json.");
    }
    if (varint(trainer, 35, 0) == 0) {
      throw new IOException(
          name
              + ": byte_fallback is off; the sentencepiece kind needs byte fallback. Use tokenize.tokenizer.kind=hf.");
    }
    if (varint(trainer, 24, 0) != 0) {
      throw new IOException(
          name
              + ": treat_whitespace_as_suffix is on, which the sentencepiece kind does not support. Use tokenize.tokenizer.kind=hf.");
    }
  }

  /** Checks the normalizer is the identity that only escapes spaces; returns add_dummy_prefix. */
  private static boolean checkNormalizer(List<Proto.Field> normalizer, String name)
      throws IOException {
    String rule = "";
    boolean charsmap = false;
    for (Proto.Field f : normalizer) {
      if (f.number() == 1 && f.wire() == 2) {
        rule = f.string();
      } else if (f.number() == 2 && f.wire() == 2 && f.bytes().length > 0) {
        charsmap = true;
      }
    }
    if (charsmap || !(rule.isEmpty() || rule.equals("identity"))) {
      throw new IOException(
          name
              + ": normalization rule '"
              + rule
              + "' (a character map) is not supported by the sentencepiece kind, which only escapes spaces. Use tokenize.tokenizer.kind=hf.");
    }
    if (varint(normalizer, 4, 1) != 0) {
      throw new IOException(
          name
              + ": remove_extra_whitespaces is on, which the sentencepiece kind does not support. Use tokenize.tokenizer.kind=hf.");
    }
    if (varint(normalizer, 5, 1) == 0) {
      throw new IOException(
          name
              + ": escape_whitespaces is off, which the sentencepiece kind does not support. Use tokenize.tokenizer.kind=hf.");
    }
    return varint(normalizer, 3, 1) != 0;
  }

  private static BpeModel build(List<Piece> pieces, String name) throws IOException {
    BpeModel.Builder b = new BpeModel.Builder(name, pieces.size());
    TreeSet<Float> scores = new TreeSet<>();
    for (int id = 0; id < pieces.size(); id++) {
      Piece p = pieces.get(id);
      if (p.type() == USER_DEFINED || p.type() == UNUSED) {
        throw new IOException(
            name
                + ": piece "
                + id
                + " ('"
                + p.text()
                + "') is "
                + (p.type() == USER_DEFINED ? "USER_DEFINED" : "UNUSED")
                + ", which the sentencepiece kind does not support. Use tokenize.tokenizer.kind=hf.");
      }
      b.piece(id, p.text(), p.type() == NORMAL);
      if (p.type() == NORMAL) {
        scores.add(p.score());
      }
    }
    // Dense ranks: the highest score merges first; equal scores share a rank (leftmost wins).
    java.util.Map<Float, Integer> rankOf = new java.util.HashMap<>();
    int r = 0;
    for (Float s : scores.descendingSet()) {
      rankOf.put(s, r++);
    }
    for (int id = 0; id < pieces.size(); id++) {
      Piece p = pieces.get(id);
      if (p.type() == NORMAL) {
        addSplits(b, p.text(), id, rankOf.get(p.score()));
      }
    }
    return b.build();
  }

  /** Every way {@code piece} can form from two symbols (pieces or single characters). */
  private static void addSplits(BpeModel.Builder b, String piece, int id, int rank) {
    for (int k = piece.offsetByCodePoints(0, 1);
        k < piece.length();
        k = piece.offsetByCodePoints(k, 1)) {
      int left = symbol(b, piece.substring(0, k));
      int right = symbol(b, piece.substring(k));
      if (left >= 0 && right >= 0) {
        b.merge(left, right, rank, id);
      }
    }
  }

  private static int symbol(BpeModel.Builder b, String s) {
    Integer id = b.textPiece(s);
    if (id != null) {
      return id;
    }
    return s.codePointCount(0, s.length()) == 1 ? b.symbolForChar(s) : -1;
  }
}
