package dev.slimspark.udfs.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.List;

/**
 * DJL Translator of one ONNX call with named inputs prepared in plain Java arrays and one named
 * float output copied back (ONNX Runtime's Java API hands outputs out as copies anyway). The
 * language-model scoring logic stays in plain Java ({@link LanguageModel}), testable without DJL.
 */
final class OnnxCall implements NoBatchifyTranslator<List<OnnxCall.Tensor>, OnnxCall.Output> {
  /** One named input: exactly one of the arrays is set. */
  record Tensor(String name, long[] longs, float[] floats, boolean[] bools, long[] shape) {
    static Tensor of(String name, long[] data, long... shape) {
      return new Tensor(name, data, null, null, shape);
    }

    static Tensor of(String name, float[] data, long... shape) {
      return new Tensor(name, null, data, null, shape);
    }

    static Tensor of(String name, boolean[] data, long... shape) {
      return new Tensor(name, null, null, data, shape);
    }
  }

  /** The output's values (row-major) and shape. */
  record Output(float[] data, long[] shape) {}

  private final String output;

  OnnxCall(String output) {
    this.output = output;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, List<Tensor> in) {
    NDManager m = ctx.getNDManager();
    NDList list = new NDList(in.size());
    for (Tensor t : in) {
      Shape s = new Shape(t.shape());
      NDArray a =
          t.longs() != null
              ? m.create(t.longs(), s)
              : t.floats() != null ? m.create(t.floats(), s) : m.create(t.bools(), s);
      a.setName(t.name());
      list.add(a);
    }
    return list;
  }

  @Override
  public Output processOutput(TranslatorContext ctx, NDList out) {
    NDArray o = out.get(output) != null ? out.get(output) : out.get(0);
    return new Output(o.toFloatArray(), o.getShape().getShape());
  }
}
