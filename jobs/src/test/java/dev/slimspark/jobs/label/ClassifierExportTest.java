package dev.slimspark.jobs.label;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimspark.TestSpark;
import dev.slimspark.udfs.djl.Encoded;
import dev.slimspark.udfs.djl.ModelDir;
import dev.slimspark.udfs.djl.SentenceEncoder;
import dev.slimspark.udfs.onnx.OnnxModelInfo;
import dev.slimspark.udfs.text.TokenNgrams;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The head appended to the encoder's ONNX graph computes what {@link LinearHead} computes in Java:
 * same logits (1e-4) and labels on a few dozen texts, for both poolings, with token n-gram features
 * on. Weights are seeded random (every term and dimension matters, not only the ones a trained head
 * happens to use); bigram buckets are few, so hash collisions occur and must agree too.
 */
class ClassifierExportTest {
  private static final List<String> LABELS = List.of("bearish", "bullish", "neutral");

  static List<String> texts() throws IOException {
    List<String> out = new ArrayList<>();
    List<String> lines =
        Files.readAllLines(
            Path.of("src/main/resources/label/finance_sentences.csv"), StandardCharsets.UTF_8);
    for (String l : lines.subList(1, 31)) {
      out.add(l.substring(l.indexOf(',') + 1, l.lastIndexOf(',')).replace("\"", ""));
    }
    // Repeated terms (counts > 1), a lone word, punctuation and a cashtag.
    out.add("Shares fell, shares fell again, and shares fell once more");
    out.add("Downgrade");
    out.add("$TSLA beats; $TSLA up 5% pre-market!!");
    return out;
  }

  static LinearHead randomHead(
      Path tokenizer, String pooling, int hidden, long seed, boolean zeroEmbedding)
      throws IOException {
    Random r = new Random(seed);
    TokenNgrams ng = new TokenNgrams(TokenNgrams.vocabSize(tokenizer), 512);
    float[][] w = new float[3][hidden];
    float[] b = new float[3];
    float[] idf = new float[ng.dims()];
    float[][] wl = new float[3][ng.dims()];
    for (int c = 0; c < 3; c++) {
      b[c] = (float) r.nextGaussian();
      for (int k = 0; k < hidden; k++) {
        w[c][k] = zeroEmbedding ? 0f : (float) r.nextGaussian();
      }
      for (int k = 0; k < ng.dims(); k++) {
        wl[c][k] = (float) r.nextGaussian();
      }
    }
    for (int k = 0; k < idf.length; k++) {
      // A fifth of the terms unseen (idf 0): they must add nothing, in the norm too.
      idf[k] = r.nextInt(5) == 0 ? 0f : 1f + 4f * r.nextFloat();
    }
    return new LinearHead(LABELS, pooling, w, b, ng, idf, wl);
  }

  @Test
  void onnxLogitsMatchTheJavaHeadForBothPoolings() throws IOException {
    List<String> texts = texts();
    for (String[] enc :
        new String[][] {{ModelDir.BUILTIN_MINILM, "mean"}, {ModelDir.BUILTIN_BGE_SMALL, "cls"}}) {
      Path encDir = ModelDir.resolve(enc[0]);
      LinearHead head = randomHead(encDir.resolve("tokenizer.json"), enc[1], 384, 7, false);
      Path dir = TestSpark.newDir("export-" + enc[1]);
      FineTunedModel.write(dir, encDir, head, 256, "test-version", Map.of());
      OnnxModelInfo info = OnnxModelInfo.read(dir.resolve("model.onnx"));
      assertTrue(info.outputs().contains("logits"), info.toString());
      FineTunedModel loaded = FineTunedModel.load(dir.toString(), 128);
      assertEquals(LABELS, loaded.labels());
      assertEquals(256, loaded.maxLength());
      LinearHead reread = LinearHead.read(dir.resolve("head.json"), new ObjectMapper());

      SentenceEncoder java = SentenceEncoder.get(encDir, Device.cpu(), 1, 256, false, enc[1]);
      SentenceEncoder onnx = SentenceEncoder.get(dir, Device.cpu(), 1, 256, true);
      for (String t : texts) {
        // One text per forward pass: int8 activation scales then match exactly between the two
        // graphs.
        Encoded e = java.encode(List.of(t)).get(0);
        double[] want = head.logits(e.vector(), e.ids());
        assertArrayEquals(want, reread.logits(e.vector(), e.ids()), 1e-9, "head.json round trip");
        float[] got = onnx.encode(List.of(t)).get(0).vector();
        assertEquals(3, got.length);
        for (int c = 0; c < 3; c++) {
          assertEquals(
              want[c],
              got[c],
              1e-4 * Math.max(1, Math.abs(want[c])),
              enc[0] + " class " + c + ": " + t);
        }
        assertEquals(HeadFeatures.argmax(want), HeadFeatures.argmax(loaded.scores(got)), t);
      }
    }
  }

  @Test
  void tokenNgramPartIsExactUnderPadding() throws IOException {
    // Embedding weights zero: the logits are the n-gram part alone, which does not depend on int8
    // activation scales, so padded batches must give the Java values of each text.
    Path encDir = ModelDir.resolve(ModelDir.BUILTIN_MINILM);
    LinearHead lexOnly = randomHead(encDir.resolve("tokenizer.json"), "mean", 384, 11, true);
    Path dir = TestSpark.newDir("export-lex");
    FineTunedModel.write(dir, encDir, lexOnly, 256, "v", Map.of());
    SentenceEncoder onnx = SentenceEncoder.get(dir, Device.cpu(), 1, 256, true);
    SentenceEncoder java = SentenceEncoder.get(encDir, Device.cpu(), 1, 256, false);
    List<String> texts = texts();
    List<Encoded> batched = onnx.encodeAll(texts, 16);
    List<Encoded> plain = java.encodeAll(texts, 16);
    for (int i = 0; i < texts.size(); i++) {
      double[] want = lexOnly.logits(plain.get(i).vector(), plain.get(i).ids());
      for (int c = 0; c < 3; c++) {
        assertEquals(want[c], batched.get(i).vector()[c], 1e-4, texts.get(i));
      }
    }
  }
}
