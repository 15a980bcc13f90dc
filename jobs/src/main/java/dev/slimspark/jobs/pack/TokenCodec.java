package dev.slimspark.jobs.pack;

/**
 * Row tokens as bytes: little-endian uint16 when every id (and the pad id) is below 65536, as
 * lit-gpt and Megatron store small vocabularies, else little-endian int32. The dtype names are the
 * NumPy names trainers use.
 */
public final class TokenCodec {
  public static final String UINT16 = "uint16";
  public static final String INT32 = "int32";

  private TokenCodec() {}

  /** The narrowest dtype that holds ids in [minId, maxId]. */
  public static String dtypeFor(long minId, long maxId) {
    return minId >= 0 && maxId < 65536 ? UINT16 : INT32;
  }

  public static int bytesPerToken(String dtype) {
    return UINT16.equals(dtype) ? 2 : 4;
  }

  public static byte[] encode(int[] tokens, String dtype) {
    boolean u16 = UINT16.equals(dtype);
    byte[] out = new byte[tokens.length * (u16 ? 2 : 4)];
    int o = 0;
    for (int t : tokens) {
      out[o++] = (byte) t;
      out[o++] = (byte) (t >>> 8);
      if (!u16) {
        out[o++] = (byte) (t >>> 16);
        out[o++] = (byte) (t >>> 24);
      }
    }
    return out;
  }

  public static int[] decode(byte[] bytes, String dtype) {
    boolean u16 = UINT16.equals(dtype);
    int[] out = new int[bytes.length / (u16 ? 2 : 4)];
    int o = 0;
    for (int i = 0; i < out.length; i++) {
      int v = (bytes[o++] & 0xFF) | (bytes[o++] & 0xFF) << 8;
      if (!u16) {
        v |= (bytes[o++] & 0xFF) << 16 | (bytes[o++] & 0xFF) << 24;
      }
      out[i] = v;
    }
    return out;
  }
}
