package dev.slimspark.udfs.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a graph extension or a model loader needs to know about an ONNX model, read straight from
 * its protobuf bytes: the default-domain opset version (ModelProto.opset_import, field 8), the
 * graph's input and output names (GraphProto fields 11 and 12 of ModelProto.graph, field 7) and
 * each output's declared shape ({@code outputShapes}, same order as {@code outputs}: one entry per
 * dimension, its size, or {@link #UNKNOWN_DIM} for a symbolic or absent one; an empty list when the
 * graph declares no shape). Nodes and initializers are skipped without being copied, so this is
 * cheap even for large models.
 */
public record OnnxModelInfo(
    long opset, List<String> inputs, List<String> outputs, List<List<Long>> outputShapes) {
  /** A dimension without a fixed size (e.g. "batch_size"). */
  public static final long UNKNOWN_DIM = -1;

  /** The declared shape of output {@code name}, or null when the graph has no such output. */
  public List<Long> outputShape(String name) {
    int i = outputs.indexOf(name);
    return i < 0 ? null : outputShapes.get(i);
  }

  public static OnnxModelInfo read(Path onnx) throws IOException {
    return of(Files.readAllBytes(onnx));
  }

  public static OnnxModelInfo of(byte[] model) {
    long opset = -1;
    List<String> in = new ArrayList<>();
    List<String> out = new ArrayList<>();
    List<List<Long>> shapes = new ArrayList<>();
    for (Proto.Field f : Proto.fields(model, 0, model.length, 8)) {
      if (f.wire() != Proto.LEN) {
        continue;
      }
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
    }
    // The graph (field 7, possibly in several merged parts) is read in place: only its input and
    // output entries are copied.
    for (int[] g : Proto.spans(model, 0, model.length, 7)) {
      readIo(model, g, in, out, shapes);
    }
    if (opset < 0) {
      throw new IllegalArgumentException("no default-domain opset_import in the ONNX model");
    }
    return new OnnxModelInfo(opset, List.copyOf(in), List.copyOf(out), List.copyOf(shapes));
  }

  /** Inputs (GraphProto 11) and outputs (12, with shapes) of the graph part at {@code g}. */
  private static void readIo(
      byte[] model, int[] g, List<String> in, List<String> out, List<List<Long>> shapes) {
    for (int field : new int[] {11, 12}) {
      for (Proto.Field gf : Proto.fields(model, g[0], g[1], field)) {
        for (Proto.Field v : Proto.fields(gf.bytes())) {
          if (v.number() == 1) {
            (field == 11 ? in : out).add(v.string());
          }
        }
        if (field == 12) {
          shapes.add(shape(gf.bytes()));
        }
      }
    }
  }

  /**
   * ValueInfoProto.type (2) -> TypeProto.tensor_type (1) -> shape (2) -> dim (1): dim_value (1).
   */
  private static List<Long> shape(byte[] valueInfo) {
    List<Long> dims = new ArrayList<>();
    for (Proto.Field type : Proto.fields(valueInfo, 0, valueInfo.length, 2)) {
      for (Proto.Field tensor : Proto.fields(type.bytes(), 0, type.bytes().length, 1)) {
        for (Proto.Field shape : Proto.fields(tensor.bytes(), 0, tensor.bytes().length, 2)) {
          for (Proto.Field dim : Proto.fields(shape.bytes(), 0, shape.bytes().length, 1)) {
            long size = UNKNOWN_DIM;
            for (Proto.Field d : Proto.fields(dim.bytes())) {
              if (d.number() == 1 && d.wire() == Proto.VARINT) {
                size = d.varint();
              }
            }
            dims.add(size);
          }
        }
      }
    }
    return List.copyOf(dims);
  }
}
