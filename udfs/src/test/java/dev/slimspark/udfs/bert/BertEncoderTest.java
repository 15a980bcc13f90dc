package dev.slimspark.udfs.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.slimspark.udfs.djl.Encoded;
import dev.slimspark.udfs.djl.LanguageModel;
import dev.slimspark.udfs.djl.ModelDir;
import dev.slimspark.udfs.djl.SentenceEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PyTorch BERT built from a float ONNX encoder's weights reproduces that encoder (ONNX Runtime)
 * on real sentences of several lengths, padded together in one batch; and weights written back into
 * the graph are what ONNX Runtime then runs.
 */
class BertEncoderTest {
  private static final Logger LOG = LoggerFactory.getLogger(BertEncoderTest.class);

  /** Stated in the docs: the measured difference is about 1e-6; float32 rounding allows this. */
  static final double MAX_ABS_DIFF = 1e-4;

  private static final List<String> TEXTS =
      List.of(
          "Shares rallied after the company raised its full-year guidance.",
          "Losses widened.",
          "$AAPL down 3% premarket as iPhone sales miss estimates",
          "Regulators opened an investigation into the lender's accounting, sending the stock down"
              + " eleven percent in early trading.",
          "Guidance reaffirmed");

  @Test
  void bgeSmallFloatMatchesTheOnnxEncoder() throws Exception {
    double d = maxAbsDiff(ModelDir.BUILTIN_BGE_SMALL_FP32, "cls");
    LOG.info("bge-small-en-v1.5 fp32: max |PyTorch - ONNX| over pooled embeddings = {}", d);
    assertTrue(d < MAX_ABS_DIFF, "max abs difference " + d);
  }

  private static double maxAbsDiff(String spec, String pooling) throws Exception {
    Path dir = ModelDir.resolve(spec);
    List<Encoded> onnx =
        SentenceEncoder.get(dir, Device.cpu(), 1, 128, false, pooling).encodeAll(TEXTS, 8);
    Torch.configure(1);
    BertWeights w = BertWeights.read(Files.readAllBytes(ModelDir.onnxFile(dir)));
    try (BertEncoder bert = new BertEncoder(w, Device.cpu())) {
      float[][] mine = pooled(bert, dir, pooling);
      double max = 0;
      for (int i = 0; i < TEXTS.size(); i++) {
        float[] a = onnx.get(i).vector();
        assertEquals(a.length, mine[i].length);
        for (int j = 0; j < a.length; j++) {
          max = Math.max(max, Math.abs(a[j] - mine[i][j]));
        }
      }
      return max;
    }
  }

  static float[][] pooled(BertEncoder bert, Path dir, String pooling) throws Exception {
    List<long[]> ids = new ArrayList<>();
    try (HuggingFaceTokenizer tok = LanguageModel.tokenizer(ModelDir.tokenizerFile(dir))) {
      for (String t : TEXTS) {
        ids.add(tok.encode(t).getIds());
      }
    }
    try (ai.djl.ndarray.NDManager m = bert.manager().newSubManager()) {
      NDList in = BertEncoder.batch(m, ids);
      NDArray z = BertEncoder.pool(bert.forward(in.get(0), in.get(1)), in.get(1), pooling);
      float[] flat = z.toFloatArray();
      int h = bert.hidden();
      float[][] res = new float[TEXTS.size()][h];
      for (int i = 0; i < res.length; i++) {
        System.arraycopy(flat, i * h, res[i], 0, h);
      }
      return res;
    }
  }

  @Test
  void writtenBackWeightsAreTheGraphsNewWeights(@TempDir Path tmp) throws Exception {
    Path dir = ModelDir.resolve(ModelDir.BUILTIN_MINILM_FP32);
    byte[] model = Files.readAllBytes(ModelDir.onnxFile(dir));
    BertWeights w = BertWeights.read(model);
    String name = "encoder.layer.5.output.dense.bias";
    float[] bias = w.get(name).data().clone();
    bias[7] += 0.5f;
    byte[] changed = w.replaced(model, Map.of(name, bias));
    BertWeights again = BertWeights.read(changed);
    assertEquals(0.5f, again.get(name).data()[7] - w.get(name).data()[7], 1e-6);
    assertEquals(w.tensors().keySet(), again.tensors().keySet());
    // The rewritten graph still runs in ONNX Runtime, and the change moves its output.
    Files.write(tmp.resolve("model.onnx"), changed);
    Files.copy(ModelDir.tokenizerFile(dir), tmp.resolve("tokenizer.json"));
    float[] before =
        SentenceEncoder.get(dir, Device.cpu(), 1, 64)
            .encode(List.of("Losses widened."))
            .get(0)
            .vector();
    float[] after =
        SentenceEncoder.get(tmp, Device.cpu(), 1, 64)
            .encode(List.of("Losses widened."))
            .get(0)
            .vector();
    double diff = 0;
    for (int i = 0; i < before.length; i++) {
      diff = Math.max(diff, Math.abs(before[i] - after[i]));
    }
    assertTrue(diff > 1e-3, "the new bias changed the embedding: " + diff);
    assertThrows(IllegalArgumentException.class, () -> w.get("no.such.weight"));
  }
}
