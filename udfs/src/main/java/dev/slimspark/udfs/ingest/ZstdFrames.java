package dev.slimspark.udfs.ingest;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Walks the frame and block headers of a zstd file (RFC 8878) without decompressing, to say where
 * damage starts. The decompressor reads ahead, so the bytes it has consumed when it fails are not
 * the position of the damage; this walk finds the first byte that does not start a frame (garbage
 * appended after valid frames) or a block with the reserved type.
 */
final class ZstdFrames {
  /** Every byte belongs to a complete frame. */
  static final long CLEAN = -1;

  /** The file ends inside a frame (truncation): the end of the file is where the damage is. */
  static final long TRUNCATED = -2;

  private static final int ZSTD_MAGIC = 0xFD2FB528;

  private ZstdFrames() {}

  /**
   * The offset of the first byte that is not part of a valid frame, {@link #TRUNCATED} or {@link
   * #CLEAN}.
   */
  static long firstBadByte(InputStream in) throws IOException {
    long pos = 0;
    byte[] b = new byte[4];
    while (true) {
      int n = in.readNBytes(b, 0, 4);
      if (n == 0) {
        return CLEAN;
      }
      if (n < 4) {
        return pos;
      }
      int magic = le(b, 4);
      try {
        if (magic == ZSTD_MAGIC) {
          long end = frame(in, pos + 4);
          if (end < 0) {
            return -end - 1;
          }
          pos = end;
        } else if ((magic & 0xFFFFFFF0) == 0x184D2A50) {
          long size = Integer.toUnsignedLong(le(read(in, 4), 4));
          in.skipNBytes(size);
          pos += 8 + size;
        } else {
          return pos;
        }
      } catch (EOFException e) {
        return TRUNCATED;
      }
    }
  }

  /** Reads one frame after its magic; returns its end, or -(offset of a corrupt block) - 1. */
  private static long frame(InputStream in, long pos) throws IOException {
    int fhd = read(in, 1)[0] & 0xFF;
    int fcsFlag = fhd >>> 6;
    boolean singleSegment = (fhd & 0x20) != 0;
    boolean checksum = (fhd & 0x04) != 0;
    int dictIdSize = new int[] {0, 1, 2, 4}[fhd & 0x03];
    int fcsSize = new int[] {singleSegment ? 1 : 0, 2, 4, 8}[fcsFlag];
    int header = (singleSegment ? 0 : 1) + dictIdSize + fcsSize;
    in.skipNBytes(header);
    pos += 1 + header;
    boolean last = false;
    while (!last) {
      int h = le(read(in, 3), 3);
      last = (h & 1) != 0;
      int type = (h >>> 1) & 3;
      int size = h >>> 3;
      if (type == 3) {
        return -pos - 1;
      }
      long data = type == 1 ? 1 : size;
      in.skipNBytes(data);
      pos += 3 + data;
    }
    if (checksum) {
      in.skipNBytes(4);
      pos += 4;
    }
    return pos;
  }

  private static byte[] read(InputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      throw new EOFException();
    }
    return b;
  }

  private static int le(byte[] b, int n) {
    int v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = (v << 8) | (b[i] & 0xFF);
    }
    return v;
  }
}
