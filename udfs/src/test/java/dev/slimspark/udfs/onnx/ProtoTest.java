package dev.slimspark.udfs.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProtoTest {
  @Test
  void writerOutputFollowsTheWireFormat() {
    // Field 1 varint 150 -> 08 96 01 (the protobuf documentation's example).
    assertArrayEquals(
        new byte[] {0x08, (byte) 0x96, 0x01}, new Proto.Writer().i64(1, 150).toByteArray());
    // Field 2 string "ab" -> 12 02 61 62.
    assertArrayEquals(
        new byte[] {0x12, 0x02, 0x61, 0x62}, new Proto.Writer().str(2, "ab").toByteArray());
    // Negative int64 takes ten bytes.
    assertEquals(11, new Proto.Writer().i64(1, -1).toByteArray().length);
  }

  @Test
  void readerRoundTripsNestedMessagesAndSkipsOtherFields() {
    byte[] inner = new Proto.Writer().str(1, "logits").i64(3, -7).f32(2, 1.5f).toByteArray();
    byte[] outer = new Proto.Writer().i64(1, 9).bytes(7, inner).i64(8, 300).toByteArray();
    List<Proto.Field> all = Proto.fields(outer);
    assertEquals(3, all.size());
    assertEquals(300, all.get(2).varint());
    List<Proto.Field> only = Proto.fields(outer, 0, outer.length, 7);
    assertEquals(1, only.size());
    List<Proto.Field> in = Proto.fields(only.get(0).bytes());
    assertEquals("logits", in.get(0).string());
    assertEquals(-7, in.get(1).varint());
    assertEquals(1.5f, Float.intBitsToFloat((int) in.get(2).varint()));
    // Cut inside the embedded message (the last field, 8 = 300, is 3 bytes).
    byte[] cut = java.util.Arrays.copyOf(outer, outer.length - 5);
    assertThrows(IllegalArgumentException.class, () -> Proto.fields(cut));
  }

  @Test
  void appendedFragmentMergesIntoTheGraph() {
    // A minimal "model": opset 11, graph with inputs input_ids/attention_mask and one output.
    byte[] vi1 = new Proto.Writer().str(1, "input_ids").toByteArray();
    byte[] vi2 = new Proto.Writer().str(1, "attention_mask").toByteArray();
    byte[] vo = new Proto.Writer().str(1, "last_hidden_state").toByteArray();
    byte[] graph = new Proto.Writer().bytes(11, vi1).bytes(11, vi2).bytes(12, vo).toByteArray();
    byte[] opset = new Proto.Writer().str(1, "").i64(2, 11).toByteArray();
    byte[] model = new Proto.Writer().i64(1, 7).bytes(8, opset).bytes(7, graph).toByteArray();
    byte[] merged =
        ClassifierGraph.append(model, "mean", new float[][] {{1f, 2f}}, new float[] {0.5f}, null);
    OnnxModelInfo info = OnnxModelInfo.of(merged);
    assertEquals(11, info.opset());
    assertEquals(List.of("input_ids", "attention_mask"), info.inputs());
    assertEquals(List.of("last_hidden_state", "logits"), info.outputs());
    assertThrows(
        IllegalArgumentException.class,
        () -> ClassifierGraph.append(merged, "mean", new float[][] {{1f}}, new float[] {0f}, null));
  }
}
