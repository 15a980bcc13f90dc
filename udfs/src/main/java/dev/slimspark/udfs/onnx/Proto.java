package dev.slimspark.udfs.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The few pieces of the protocol-buffers wire format that ONNX files need: a writer for messages
 * (varint, 32-bit and length-delimited fields) and a reader that walks one message's fields without
 * a schema. Own implementation of the public wire-format spec; no protobuf library involved.
 */
public final class Proto {
  private Proto() {}

  static final int VARINT = 0;
  static final int I64 = 1;
  static final int LEN = 2;
  static final int I32 = 5;

  /** Builds one message; nested messages are built separately and added with {@link #msg}. */
  public static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private void tag(int field, int wire) {
      varint(((long) field << 3) | wire);
    }

    private void varint(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }

    /** An int64/int32/enum field (negative values take 10 bytes, as the spec says). */
    public Writer i64(int field, long v) {
      tag(field, VARINT);
      varint(v);
      return this;
    }

    /** A float field (fixed 32-bit little-endian). */
    public Writer f32(int field, float v) {
      tag(field, I32);
      int b = Float.floatToIntBits(v);
      for (int i = 0; i < 4; i++) {
        out.write((b >>> (8 * i)) & 0xFF);
      }
      return this;
    }

    /** A bytes field. */
    public Writer bytes(int field, byte[] b) {
      tag(field, LEN);
      varint(b.length);
      out.write(b, 0, b.length);
      return this;
    }

    /** A string field (UTF-8). */
    public Writer str(int field, String s) {
      return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    /** An embedded message field. */
    public Writer msg(int field, Writer m) {
      return bytes(field, m.toByteArray());
    }

    /** Copies one field of {@code b} as read by {@link #raw}, tag and payload, unchanged. */
    public Writer rawField(byte[] b, Raw f) {
      out.write(b, f.start(), f.end() - f.start());
      return this;
    }

    public byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  /**
   * One field of a message as it lies in the bytes: number, wire type, {@code [start, end)} of the
   * whole field (tag included) and where its payload starts.
   */
  public record Raw(int number, int wire, int start, int payloadStart, int end) {}

  /** Every field of the message in {@code b[from, to)}, in order, without copying any. */
  public static List<Raw> raw(byte[] b, int from, int to) {
    List<Raw> res = new ArrayList<>();
    int[] pos = {from};
    while (pos[0] < to) {
      int start = pos[0];
      long tag = readVarint(b, pos);
      int wire = (int) (tag & 7);
      int payload = pos[0];
      switch (wire) {
        case VARINT -> readVarint(b, pos);
        case I64 -> pos[0] += 8;
        case I32 -> pos[0] += 4;
        case LEN -> {
          int n = (int) readVarint(b, pos);
          payload = pos[0];
          pos[0] += n;
        }
        default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wire);
      }
      res.add(new Raw((int) (tag >>> 3), wire, start, payload, pos[0]));
    }
    return res;
  }

  /**
   * One field of a message as read: number, wire type, and its value (varint) or payload (bytes).
   */
  public record Field(int number, int wire, long varint, byte[] bytes) {
    public String string() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /**
   * The fields of one message, in order. Length-delimited payloads are copied, so call it on small
   * messages, or use {@link #fields(byte[], int, int, int)} to keep only the fields you need.
   */
  public static List<Field> fields(byte[] b) {
    return fields(b, 0, b.length, -1);
  }

  /**
   * The fields of the message in {@code b[from, to)}; with {@code only >= 0} just that field number
   * (others are skipped without copying).
   */
  public static List<Field> fields(byte[] b, int from, int to, int only) {
    List<Field> res = new ArrayList<>();
    int[] pos = {from};
    while (pos[0] < to) {
      long tag = readVarint(b, pos);
      int number = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      switch (wire) {
        case VARINT -> {
          long v = readVarint(b, pos);
          if (only < 0 || only == number) {
            res.add(new Field(number, wire, v, null));
          }
        }
        case I64 -> pos[0] += 8;
        case I32 -> {
          if (only < 0 || only == number) {
            res.add(
                new Field(
                    number,
                    wire,
                    ByteBuffer.wrap(b, pos[0], 4).order(ByteOrder.LITTLE_ENDIAN).getInt(),
                    null));
          }
          pos[0] += 4;
        }
        case LEN -> {
          int n = (int) readVarint(b, pos);
          if (n < 0 || pos[0] + n > to) {
            throw new IllegalArgumentException(
                "truncated protobuf field " + number + " at byte " + pos[0]);
          }
          if (only < 0 || only == number) {
            byte[] payload = new byte[n];
            System.arraycopy(b, pos[0], payload, 0, n);
            res.add(new Field(number, wire, 0, payload));
          }
          pos[0] += n;
        }
        default ->
            throw new IllegalArgumentException(
                "unsupported protobuf wire type " + wire + " at byte " + pos[0]);
      }
    }
    if (pos[0] != to) {
      throw new IllegalArgumentException("protobuf message overruns its end");
    }
    return res;
  }

  /**
   * Where the payloads of the length-delimited fields {@code number} of the message in {@code
   * b[from, to)} lie, each as {start, end}, in order, without copying them (a model's graph is
   * nearly all of its bytes). A message field that occurs several times is one merged message
   * (protobuf semantics), so callers read every span.
   */
  public static List<int[]> spans(byte[] b, int from, int to, int number) {
    List<int[]> res = new ArrayList<>();
    int[] pos = {from};
    while (pos[0] < to) {
      long tag = readVarint(b, pos);
      int wire = (int) (tag & 7);
      switch (wire) {
        case VARINT -> readVarint(b, pos);
        case I64 -> pos[0] += 8;
        case I32 -> pos[0] += 4;
        case LEN -> {
          int n = (int) readVarint(b, pos);
          if (n < 0 || pos[0] + n > to) {
            throw new IllegalArgumentException(
                "truncated protobuf field " + (tag >>> 3) + " at byte " + pos[0]);
          }
          if ((tag >>> 3) == number) {
            res.add(new int[] {pos[0], pos[0] + n});
          }
          pos[0] += n;
        }
        default ->
            throw new IllegalArgumentException(
                "unsupported protobuf wire type " + wire + " at byte " + pos[0]);
      }
    }
    return res;
  }

  private static long readVarint(byte[] b, int[] pos) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos[0] >= b.length) {
        throw new IllegalArgumentException("truncated protobuf varint");
      }
      int x = b[pos[0]++];
      v |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("malformed protobuf varint");
  }
}
