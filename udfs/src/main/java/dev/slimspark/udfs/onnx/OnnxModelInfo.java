package dev.slimspark.udfs.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a graph extension needs to know about an ONNX model, read straight from its protobuf bytes:
 * the default-domain opset version (ModelProto.opset_import, field 8) and the graph's input and
 * output names (GraphProto fields 11 and 12 of ModelProto.graph, field 7). Nodes and initializers
 * are skipped without being copied, so this is cheap even for large models.
 */
public record OnnxModelInfo(long opset, List<String> inputs, List<String> outputs) {

  public static OnnxModelInfo read(Path onnx) throws IOException {
    return of(Files.readAllBytes(onnx));
  }

  public static OnnxModelInfo of(byte[] model) {
    long opset = -1;
    List<String> in = new ArrayList<>();
    List<String> out = new ArrayList<>();
    for (Proto.Field f : Proto.fields(model)) {
      if (f.number() == 8 && f.wire() == Proto.LEN) {
        String domain = "";
        long version = -1;
        for (Proto.Field o : Proto.fields(f.bytes())) {
          if (o.number() == 1) {
            domain = o.string();
          } else if (o.number() == 2) {
            version = o.varint();
          }
        }
        if (domain.isEmpty() || domain.equals("ai.onnx")) {
          opset = Math.max(opset, version);
        }
      } else if (f.number() == 7 && f.wire() == Proto.LEN) {
        byte[] g = f.bytes();
        for (int field : new int[] {11, 12}) {
          for (Proto.Field gf : Proto.fields(g, 0, g.length, field)) {
            for (Proto.Field v : Proto.fields(gf.bytes())) {
              if (v.number() == 1) {
                (field == 11 ? in : out).add(v.string());
              }
            }
          }
        }
      }
    }
    if (opset < 0) {
      throw new IllegalArgumentException("no default-domain opset_import in the ONNX model");
    }
    return new OnnxModelInfo(opset, List.copyOf(in), List.copyOf(out));
  }
}
