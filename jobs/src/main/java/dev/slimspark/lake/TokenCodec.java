package dev.slimspark.lake;

/**
 * Token ids as bytes (docs_tokens' and packed_rows' {@code tokens} columns): little-endian uint16
 * when every id (and the pad id) is below 65536, as lit-gpt and Megatron store small vocabularies,
 * else little-endian int32. The dtype names are the NumPy names trainers use. In SQL, without this
 * class, {@link #SQL_DECODE} turns the bytes back into ids.
 */
public final class TokenCodec {
  public static final String UINT16 = "uint16";
  public static final String INT32 = "int32";

  /**
   * Spark SQL expression (no UDF: it runs in plain PySpark too) that decodes a uint16 {@code
   * tokens} column into {@code array<int>}, e.g. {@code SELECT doc_id, <this> AS ids FROM
   * docs_tokens}. Slow (a string conversion per token): for looking at rows, not for scans.
   */
  public static final String SQL_DECODE_UINT16 =
      "transform(filter(sequence(0, octet_length(tokens) div 2), i -> i < octet_length(tokens) div 2), "
          + "i -> cast(conv(hex(substr(tokens, 2 * i + 2, 1)) || hex(substr(tokens, 2 * i + 1, 1)), 16, 10) AS int))";

  /** Like {@link #SQL_DECODE_UINT16} for int32 {@code tokens} (ids are below 2^31). */
  public static final String SQL_DECODE_INT32 =
      "transform(filter(sequence(0, octet_length(tokens) div 4), i -> i < octet_length(tokens) div 4), "
          + "i -> cast(conv(hex(substr(tokens, 4 * i + 4, 1)) || hex(substr(tokens, 4 * i + 3, 1)) || "
          + "hex(substr(tokens, 4 * i + 2, 1)) || hex(substr(tokens, 4 * i + 1, 1)), 16, 10) AS int))";

  /**
   * {@link #SQL_DECODE_UINT16} or {@link #SQL_DECODE_INT32} by the row's {@code dtype} column: the
   * ids of docs_tokens or packed_rows rows as {@code array<int>}.
   */
  public static final String SQL_DECODE =
      "CASE dtype WHEN '"
          + UINT16
          + "' THEN "
          + SQL_DECODE_UINT16
          + " ELSE "
          + SQL_DECODE_INT32
          + " END";

  private TokenCodec() {}

  /** The narrowest dtype that holds ids in [minId, maxId]. */
  public static String dtypeFor(long minId, long maxId) {
    return minId >= 0 && maxId < 65536 ? UINT16 : INT32;
  }

  public static int bytesPerToken(String dtype) {
    return UINT16.equals(dtype) ? 2 : 4;
  }

  /** {@code tokens} as bytes of {@code dtype}; fails when an id does not fit it. */
  public static byte[] encode(int[] tokens, String dtype) {
    return encode(tokens, -1, -1, dtype);
  }

  /**
   * {@code bos} (when >= 0), {@code ids}, then {@code eos} (when >= 0) as bytes of {@code dtype},
   * written in one pass (no intermediate int[] with the boundaries).
   *
   * @throws IllegalArgumentException when an id is outside uint16's range for uint16: writing its
   *     low 16 bits would silently give another token
   */
  public static byte[] encode(int[] ids, int bos, int eos, String dtype) {
    byte[] out = new byte[encodedLength(ids.length, bos, eos, dtype)];
    encodeInto(ids, bos, eos, UINT16.equals(dtype), out);
    return out;
  }

  /** Bytes {@link #encode(int[], int, int, String)} writes for {@code n} ids. */
  public static int encodedLength(int n, int bos, int eos, String dtype) {
    return (n + (bos >= 0 ? 1 : 0) + (eos >= 0 ? 1 : 0)) * bytesPerToken(dtype);
  }

  /**
   * What {@link #encode(int[], int, int, String)} returns, written at the start of {@code out} (at
   * least {@link #encodedLength} long), so a task can reuse one buffer for every document.
   *
   * @return the number of bytes written
   */
  public static int encodeInto(int[] ids, int bos, int eos, boolean u16, byte[] out) {
    int o = 0;
    if (bos >= 0) {
      o = put(out, o, bos, u16);
    }
    for (int t : ids) {
      o = put(out, o, t, u16);
    }
    if (eos >= 0) {
      o = put(out, o, eos, u16);
    }
    return o;
  }

  private static int put(byte[] out, int o, int t, boolean u16) {
    if (u16 && (t & 0xFFFF0000) != 0) {
      throw new IllegalArgumentException("token id " + t + " does not fit uint16");
    }
    out[o++] = (byte) t;
    out[o++] = (byte) (t >>> 8);
    if (!u16) {
      out[o++] = (byte) (t >>> 16);
      out[o++] = (byte) (t >>> 24);
    }
    return o;
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
