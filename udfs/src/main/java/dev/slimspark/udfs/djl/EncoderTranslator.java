package dev.slimspark.udfs.djl;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.ArrayList;
import java.util.List;

/**
 * DJL Translator of a BERT-family ONNX encoder: a batch of texts in, one {@link Encoded} per text
 * out. Pre-processing tokenizes without padding (then pads to the longest text of the batch, not to
 * a fixed length, which is what makes length-sorted batches cheap) and truncates to the max length,
 * recording which texts were cut. Post-processing pools {@code last_hidden_state} ("mean": over the
 * attention mask, as sentence-transformers does for all-MiniLM-L6-v2; "cls": the first token's
 * state, as BGE does) and L2-normalizes. Each result carries the token ids the model saw.
 */
final class EncoderTranslator implements NoBatchifyTranslator<String[], List<Encoded>> {
  private static final String ENCODINGS = "encodings";
  private final HuggingFaceTokenizer tokenizer;
  private final boolean typeIds;
  private final boolean logits;
  private final boolean cls;

  /**
   * @param logits when true the graph is a sequence classifier: its {@code logits} output is
   *     returned raw per text (vector = logits), no pooling or normalization
   * @param pooling "mean" or "cls"
   */
  EncoderTranslator(
      HuggingFaceTokenizer tokenizer, boolean typeIds, boolean logits, String pooling) {
    if (!pooling.equals("mean") && !pooling.equals("cls")) {
      throw new IllegalArgumentException("pooling must be mean or cls, got " + pooling);
    }
    this.tokenizer = tokenizer;
    this.typeIds = typeIds;
    this.logits = logits;
    this.cls = pooling.equals("cls");
  }

  @Override
  public NDList processInput(TranslatorContext ctx, String[] texts) {
    Encoding[] enc = tokenizer.batchEncode(texts);
    ctx.setAttachment(ENCODINGS, enc);
    int b = enc.length;
    int len = 1;
    for (Encoding e : enc) {
      len = Math.max(len, e.getIds().length);
    }
    long[] ids = new long[b * len];
    long[] mask = new long[b * len];
    long[] types = new long[b * len];
    for (int i = 0; i < b; i++) {
      long[] x = enc[i].getIds();
      long[] t = enc[i].getTypeIds();
      System.arraycopy(x, 0, ids, i * len, x.length);
      System.arraycopy(t, 0, types, i * len, t.length);
      for (int j = 0; j < x.length; j++) {
        mask[i * len + j] = 1;
      }
    }
    NDManager m = ctx.getNDManager();
    Shape shape = new Shape(b, len);
    NDArray a = m.create(ids, shape);
    a.setName("input_ids");
    NDArray am = m.create(mask, shape);
    am.setName("attention_mask");
    NDList list = new NDList(a, am);
    if (typeIds) {
      NDArray tt = m.create(types, shape);
      tt.setName("token_type_ids");
      list.add(tt);
    }
    return list;
  }

  @Override
  public List<Encoded> processOutput(TranslatorContext ctx, NDList out) {
    Encoding[] enc = (Encoding[]) ctx.getAttachment(ENCODINGS);
    if (logits) {
      NDArray l = out.get("logits") != null ? out.get("logits") : out.get(0);
      int c = (int) l.getShape().get(1);
      float[] d = l.toFloatArray();
      List<Encoded> res = new ArrayList<>(enc.length);
      for (int i = 0; i < enc.length; i++) {
        float[] v = new float[c];
        System.arraycopy(d, i * c, v, 0, c);
        res.add(new Encoded(v, enc[i].getIds().length, enc[i].exceedMaxLength(), enc[i].getIds()));
      }
      return res;
    }
    NDArray hidden = out.get("last_hidden_state");
    if (hidden == null) {
      hidden = out.get(0);
    }
    long[] s = hidden.getShape().getShape();
    int b = (int) s[0];
    int len = (int) s[1];
    int h = (int) s[2];
    float[] data = hidden.toFloatArray();
    List<Encoded> res = new ArrayList<>(b);
    for (int i = 0; i < b; i++) {
      int n = enc[i].getIds().length;
      double[] acc = new double[h];
      for (int j = 0; j < (cls ? 1 : n); j++) {
        int base = (i * len + j) * h;
        for (int k = 0; k < h; k++) {
          acc[k] += data[base + k];
        }
      }
      double norm = 0;
      for (int k = 0; k < h; k++) {
        acc[k] /= cls ? 1 : Math.max(1, n);
        norm += acc[k] * acc[k];
      }
      // Same epsilon as torch.nn.functional.normalize, so an all-zero vector stays finite.
      norm = Math.max(Math.sqrt(norm), 1e-12);
      float[] v = new float[h];
      for (int k = 0; k < h; k++) {
        v[k] = (float) (acc[k] / norm);
      }
      res.add(new Encoded(v, n, enc[i].exceedMaxLength(), enc[i].getIds()));
    }
    return res;
  }
}
