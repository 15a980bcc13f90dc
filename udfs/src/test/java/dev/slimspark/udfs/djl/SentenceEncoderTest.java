package dev.slimspark.udfs.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SentenceEncoderTest {
  private static final List<String> TEXTS =
      List.of(
          "Shares rallied after the company raised its full-year guidance.",
          "Losses widened.",
          "The board will meet on Thursday to discuss the dividend.",
          "Regulators opened an investigation into the lender's accounting, sending the stock down eleven percent in early trading.",
          "Revenue up.",
          "Analysts kept their rating unchanged.",
          "Profit warning",
          "The chipmaker beat estimates on strong data-center demand and lifted its outlook for the second half.",
          "Nothing new today.",
          "Bond yields were flat.",
          "Margins compressed as input costs climbed.",
          "Record quarter",
          "CEO resigns amid probe",
          "Guidance reaffirmed",
          "Dividend cut by half",
          "Buyback expanded to five billion dollars",
          "Flat session for European equities");

  private static SentenceEncoder encoder() {
    return SentenceEncoder.get(ModelDir.resolve(ModelDir.BUILTIN_MINILM), Device.cpu(), 1, 256);
  }

  @Test
  void builtinModelGives384DimUnitVectors() {
    List<Encoded> out = encoder().encodeAll(TEXTS, 8);
    assertEquals(TEXTS.size(), out.size());
    for (Encoded e : out) {
      assertEquals(384, e.vector().length);
      double n = 0;
      for (float f : e.vector()) {
        n += f * f;
      }
      assertEquals(1.0, Math.sqrt(n), 1e-4);
      assertFalse(e.truncated());
      assertTrue(e.tokens() >= 3, "CLS + text + SEP");
    }
    // Related sentences are closer than unrelated ones.
    float[] cut = out.get(14).vector();
    assertTrue(dot(cut, out.get(1).vector()) > dot(cut, out.get(9).vector()) - 0.5);
    assertSame(encoder(), encoder(), "one model per JVM and key");
  }

  @Test
  void batchOneAndBatchSixteenGiveTheSameEmbeddings() {
    // float32 model: padding and batch mates must not change a text's embedding.
    SentenceEncoder fp32 =
        SentenceEncoder.get(ModelDir.resolve(ModelDir.BUILTIN_MINILM_FP32), Device.cpu(), 1, 256);
    List<Encoded> one = fp32.encodeAll(TEXTS, 1);
    List<Encoded> sixteen = fp32.encodeAll(TEXTS, 16);
    for (int i = 0; i < TEXTS.size(); i++) {
      float[] a = one.get(i).vector();
      float[] b = sixteen.get(i).vector();
      for (int k = 0; k < a.length; k++) {
        assertEquals(a[k], b[k], 1e-5, "text " + i + " dim " + k);
      }
      assertEquals(one.get(i).tokens(), sixteen.get(i).tokens());
    }
  }

  @Test
  void quantizedModelIsBatchStableToQuantizationNoise() {
    // int8 dynamic quantization scales per batch tensor: close, not identical (documented risk).
    List<Encoded> one = encoder().encodeAll(TEXTS, 1);
    List<Encoded> sixteen = encoder().encodeAll(TEXTS, 16);
    for (int i = 0; i < TEXTS.size(); i++) {
      assertTrue(dot(one.get(i).vector(), sixteen.get(i).vector()) > 0.98, "text " + i);
    }
  }

  @Test
  void truncationIsCountedNotSilent() {
    SentenceEncoder shortModel =
        SentenceEncoder.get(ModelDir.resolve(ModelDir.BUILTIN_MINILM), Device.cpu(), 1, 8);
    List<Encoded> out =
        shortModel.encode(List.of("one two", "one two three four five six seven eight nine ten"));
    assertFalse(out.get(0).truncated());
    assertEquals(4, out.get(0).tokens());
    assertTrue(out.get(1).truncated());
    assertEquals(8, out.get(1).tokens());
  }

  @Test
  void sortedBatchesRestoreOrder() {
    List<String> in = List.of("ccc", "a", "bb", "dddd", "");
    List<Integer> batchSizes = new ArrayList<>();
    List<String> out =
        Batching.sortedBatches(
            in,
            2,
            b -> {
              batchSizes.add(b.size());
              return b.stream().map(s -> s + "!").toList();
            });
    assertEquals(List.of("ccc!", "a!", "bb!", "dddd!", "!"), out);
    assertEquals(List.of(2, 2, 1), batchSizes);
  }

  @Test
  void aGpuTheRuntimeCannotUseIsAnErrorNotASilentCpuFallback() throws Exception {
    // The default build carries ONNX Runtime's CPU library; with -Pgpu on a CUDA machine the
    // model loads on the GPU instead and this check does not apply.
    org.junit.jupiter.api.Assumptions.assumeFalse(
        ai.onnxruntime.OrtEnvironment.getAvailableProviders()
            .contains(ai.onnxruntime.OrtProvider.CUDA),
        "CUDA build");
    Devices.GpuUnavailableException e =
        assertThrows(
            Devices.GpuUnavailableException.class,
            () ->
                SentenceEncoder.get(
                    ModelDir.resolve(ModelDir.BUILTIN_MINILM), Device.gpu(0), 1, 64));
    assertEquals("gpu(0)", e.device());
    assertTrue(e.reason().contains("CUDA"), e.reason());
  }

  @Test
  void missingFilesAreNamed() throws Exception {
    Path dir = Files.createTempDirectory("no-model");
    ModelDir.MissingModelFileException e =
        assertThrows(ModelDir.MissingModelFileException.class, () -> ModelDir.validate(dir));
    assertTrue(e.missing().endsWith("model.onnx"), e.getMessage());
    Files.write(dir.resolve("model.onnx"), new byte[] {1});
    e = assertThrows(ModelDir.MissingModelFileException.class, () -> ModelDir.validate(dir));
    assertTrue(e.missing().endsWith("tokenizer.json"), e.getMessage());
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
