package dev.slimspark.jobs.export;

import java.io.DataOutput;
import java.io.IOException;

/**
 * Megatron-LM's indexed dataset (read from NVIDIA/Megatron-LM
 * megatron/core/datasets/indexed_dataset.py): the {@code .bin} file is the raw tokens, C-order, no
 * header; the {@code .idx} file is {@code _INDEX_HEADER = b"MMIDIDX\x00\x00"} (9 bytes), version
 * {@code <Q} = 1, dtype code {@code <B}, sequence count {@code <Q}, document count {@code <Q}, then
 * sequence lengths (int32 each), sequence pointers (int64 byte offsets into .bin) and document
 * indices (int64; the builder starts with [0] and appends the sequence count at each document end,
 * so there are documents + 1 entries and the last equals the sequence count, which the reader
 * asserts). Little-endian throughout.
 *
 * <p>Megatron's {@code DType} codes: 1 uint8, 2 int8, 3 int16, 4 int32, 5 int64, 6 float64, 7
 * float32, 8 uint16. We write one sequence and one document per packed row (seq_len + 1 tokens,
 * padding included). Risk: Megatron's GPTDataset re-windows documents itself (samples of seq_length
 * + 1 tokens with stride seq_length), so rows are not its samples one-to-one.
 */
public final class MegatronFormat {
  public static final byte[] MAGIC = {'M', 'M', 'I', 'D', 'I', 'D', 'X', 0, 0};
  public static final long VERSION = 1;
  public static final int CODE_INT32 = 4;
  public static final int CODE_UINT16 = 8;

  private MegatronFormat() {}

  public static int code(String dtype) {
    return "uint16".equals(dtype) ? CODE_UINT16 : CODE_INT32;
  }

  public static String prefix(String prefix, int index) {
    return String.format("%s_%010d", prefix, index);
  }

  /**
   * Writes a whole .idx for {@code rows} sequences of {@code rowTokens} tokens, one document each.
   */
  public static void writeIndex(
      DataOutput out, String dtype, long rows, int rowTokens, int bytesPerToken)
      throws IOException {
    out.write(MAGIC);
    out.writeLong(Long.reverseBytes(VERSION));
    out.writeByte(code(dtype));
    out.writeLong(Long.reverseBytes(rows));
    out.writeLong(Long.reverseBytes(rows + 1));
    for (long i = 0; i < rows; i++) {
      out.writeInt(Integer.reverseBytes(rowTokens));
    }
    long rowBytes = (long) rowTokens * bytesPerToken;
    for (long i = 0; i < rows; i++) {
      out.writeLong(Long.reverseBytes(i * rowBytes));
    }
    for (long i = 0; i <= rows; i++) {
      out.writeLong(Long.reverseBytes(i));
    }
  }
}
