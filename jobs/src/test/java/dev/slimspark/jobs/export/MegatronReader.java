package dev.slimspark.jobs.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a Megatron-LM indexed dataset (prefix.idx + prefix.bin) as Megatron's _IndexReader and
 * IndexedDataset do, written from the format description alone: .idx = "MMIDIDX\0\0", uint64
 * version 1, uint8 dtype code (Megatron: 4 int32, 8 uint16), uint64 sequence count, uint64 document
 * count, int32 lengths, int64 byte pointers, int64 document indices, all little-endian; .bin = raw
 * tokens; sequence i is lengths[i] tokens at byte pointers[i].
 */
final class MegatronReader {
  final int dtypeCode;
  final int[] lengths;
  final long[] pointers;
  final long[] documentIndices;
  private final ByteBuffer bin;

  MegatronReader(Path prefix) throws IOException {
    ByteBuffer idx =
        ByteBuffer.wrap(Files.readAllBytes(Path.of(prefix + ".idx")))
            .order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[9];
    idx.get(magic);
    if (!Arrays.equals(magic, new byte[] {'M', 'M', 'I', 'D', 'I', 'D', 'X', 0, 0})) {
      throw new IOException("bad index header in " + prefix);
    }
    if (idx.getLong() != 1) {
      throw new IOException("bad version");
    }
    dtypeCode = idx.get() & 0xFF;
    int sequences = (int) idx.getLong();
    int documents = (int) idx.getLong();
    lengths = new int[sequences];
    pointers = new long[sequences];
    documentIndices = new long[documents];
    for (int i = 0; i < sequences; i++) {
      lengths[i] = idx.getInt();
    }
    for (int i = 0; i < sequences; i++) {
      pointers[i] = idx.getLong();
    }
    for (int i = 0; i < documents; i++) {
      documentIndices[i] = idx.getLong();
    }
    if (idx.hasRemaining()) {
      throw new IOException(idx.remaining() + " trailing bytes in index");
    }
    bin =
        ByteBuffer.wrap(Files.readAllBytes(Path.of(prefix + ".bin")))
            .order(ByteOrder.LITTLE_ENDIAN);
  }

  int size() {
    return lengths.length;
  }

  long[] sequence(int i) {
    int width = dtypeCode == 8 ? 2 : 4;
    long[] out = new long[lengths[i]];
    for (int k = 0; k < out.length; k++) {
      int at = (int) (pointers[i] + (long) k * width);
      out[k] = width == 2 ? (bin.getShort(at) & 0xFFFF) : bin.getInt(at);
    }
    return out;
  }
}
