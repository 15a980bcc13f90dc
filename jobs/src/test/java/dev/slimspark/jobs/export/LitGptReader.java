package dev.slimspark.jobs.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a lit-gpt PackedDataset file the way TinyLlama's PackedDatasetIterator does, written from
 * the format description alone (not from our writer): 7 bytes "LITPKDS", uint64 LE version (1),
 * uint8 dtype code (lit-gpt: 4 = int32, 8 = uint16), uint64 LE chunk size in tokens; the tokens
 * follow at byte 24 and are read in blocks of block_size tokens.
 */
final class LitGptReader {
  final int dtypeCode;
  final long chunkSize;
  final long[] tokens;

  LitGptReader(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[7];
    b.get(magic);
    if (!new String(magic, StandardCharsets.US_ASCII).equals("LITPKDS")) {
      throw new IOException("bad magic in " + file);
    }
    if (b.getLong() != 1) {
      throw new IOException("bad version in " + file);
    }
    dtypeCode = b.get() & 0xFF;
    chunkSize = b.getLong();
    if (b.position() != 24) {
      throw new IllegalStateException("header is 24 bytes");
    }
    int width = dtypeCode == 8 ? 2 : dtypeCode == 4 ? 4 : -1;
    if (width < 0) {
      throw new IOException("unexpected dtype code " + dtypeCode);
    }
    if (b.remaining() != chunkSize * width) {
      throw new IOException(
          "file holds " + b.remaining() + " token bytes, header says " + chunkSize + " tokens");
    }
    tokens = new long[(int) chunkSize];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = width == 2 ? (b.getShort() & 0xFFFF) : b.getInt();
    }
  }

  /** Block i of blockSize tokens, as the iterator slices it. */
  long[] block(int i, int blockSize) {
    long[] out = new long[blockSize];
    System.arraycopy(tokens, i * blockSize, out, 0, blockSize);
    return out;
  }
}
