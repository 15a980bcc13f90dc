package dev.slimspark.jobs.export;

import java.io.DataOutput;
import java.io.IOException;

/**
 * lit-gpt's PackedDataset file, as TinyLlama's pretraining reads it (read from jzhang38/TinyLlama
 * lit_gpt/packed_dataset.py: {@code HDR_MAGIC = b"LITPKDS"}, {@code HDR_SIZE = 24}; {@code
 * PackedDatasetBuilder._write_chunk} writes the magic, {@code struct.pack("<Q", version)} with
 * version 1, {@code struct.pack("<B", code(dtype))}, {@code struct.pack("<Q", chunk_size)}, then
 * the tokens C-order; {@code PackedDatasetIterator} memory-maps each file at offset 24 and reads
 * blocks of block_size = seq_len + 1 tokens, taking dtype and chunk size from the first file's
 * header only). All integers little-endian. File names follow the builder: {@code
 * f"{prefix}_{counter:010d}.bin"}.
 *
 * <p>lit-gpt's dtype codes (its {@code dtypes} dict): 1 uint8, 2 int8, 3 int16, 4 int32, 5 int64, 6
 * float32, 7 float64, 8 uint16. Note 6/7 are swapped relative to Megatron's codes.
 */
public final class LitGptFormat {
  public static final byte[] MAGIC = {'L', 'I', 'T', 'P', 'K', 'D', 'S'};
  public static final long VERSION = 1;
  public static final int HEADER_BYTES = 24;
  public static final int CODE_INT32 = 4;
  public static final int CODE_UINT16 = 8;

  private LitGptFormat() {}

  public static int code(String dtype) {
    return "uint16".equals(dtype) ? CODE_UINT16 : CODE_INT32;
  }

  public static String fileName(String prefix, int index) {
    return String.format("%s_%010d.bin", prefix, index);
  }

  /** Writes the 24-byte header; chunkSize = blocks * (seq_len + 1) tokens. */
  public static void writeHeader(DataOutput out, String dtype, long chunkSize) throws IOException {
    out.write(MAGIC);
    out.writeLong(Long.reverseBytes(VERSION));
    out.writeByte(code(dtype));
    out.writeLong(Long.reverseBytes(chunkSize));
  }
}
