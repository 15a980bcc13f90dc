package dev.slimspark.udfs.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads '\n'-terminated lines as raw bytes with a hard cap on the bytes held per line, so a 40 MB
 * line costs at most {@code maxLineBytes} of memory. A trailing '\r' (CRLF files) is removed. The
 * caller reads the current line from {@link #bytes()} / {@link #length()} after {@link #next()}.
 */
final class BoundedLineReader {
  private static final int READ_CHUNK = 1 << 16;
  private static final int INITIAL_LINE = 1 << 12;

  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] chunk = new byte[READ_CHUNK];
  private int chunkPos;
  private int chunkLen;
  private boolean eof;

  private byte[] line = new byte[INITIAL_LINE];
  private int lineLen;
  private long lineTotalBytes;
  private boolean tooLong;
  private long lineStartOffset;
  private long offset;
  private boolean sawNewline;

  BoundedLineReader(InputStream in, int maxLineBytes) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * Advances to the next line. Returns false at end of input. Throws the stream's IOException when
   * the underlying (possibly compressed) stream fails; the bytes of the partial line read so far
   * stay available through {@link #bytes()}.
   */
  boolean next() throws IOException {
    lineLen = 0;
    lineTotalBytes = 0;
    tooLong = false;
    sawNewline = false;
    lineStartOffset = offset;
    if (line.length > maxLineBytes && line.length > INITIAL_LINE) {
      // Give back memory a huge earlier line took; the next huge line regrows it.
      line = new byte[INITIAL_LINE];
    }
    boolean any = false;
    while (true) {
      if (chunkPos == chunkLen) {
        if (eof || !fill()) {
          break;
        }
      }
      any = true;
      int start = chunkPos;
      int nl = -1;
      for (int i = start; i < chunkLen; i++) {
        if (chunk[i] == '\n') {
          nl = i;
          break;
        }
      }
      int end = nl >= 0 ? nl : chunkLen;
      append(start, end - start);
      chunkPos = nl >= 0 ? nl + 1 : chunkLen;
      offset += chunkPos - start;
      if (nl >= 0) {
        sawNewline = true;
        break;
      }
    }
    if (!any) {
      return false;
    }
    if (!tooLong && lineLen > 0 && line[lineLen - 1] == '\r') {
      lineLen--;
      lineTotalBytes--;
    }
    return true;
  }

  private boolean fill() throws IOException {
    int n = in.read(chunk, 0, READ_CHUNK);
    while (n == 0) {
      n = in.read(chunk, 0, READ_CHUNK);
    }
    if (n < 0) {
      eof = true;
      chunkPos = chunkLen = 0;
      return false;
    }
    chunkPos = 0;
    chunkLen = n;
    return true;
  }

  private void append(int from, int n) {
    lineTotalBytes += n;
    if (tooLong) {
      return;
    }
    if ((long) lineLen + n > maxLineBytes) {
      // Keep what fits (the quarantine row shows a prefix of it), drop the rest as it streams by.
      int fit = maxLineBytes - lineLen;
      ensure(lineLen + fit);
      System.arraycopy(chunk, from, line, lineLen, fit);
      lineLen += fit;
      tooLong = true;
      return;
    }
    ensure(lineLen + n);
    System.arraycopy(chunk, from, line, lineLen, n);
    lineLen += n;
  }

  private void ensure(int capacity) {
    if (capacity > line.length) {
      int grown = (int) Math.min(Math.max((long) line.length * 2, capacity), maxLineBytes);
      line = Arrays.copyOf(line, Math.max(grown, capacity));
    }
  }

  byte[] bytes() {
    return line;
  }

  /** Bytes of the current line held in {@link #bytes()} (at most maxLineBytes). */
  int length() {
    return lineLen;
  }

  /** Full length of the current line in bytes, without its line terminator. */
  long totalBytes() {
    return lineTotalBytes;
  }

  boolean tooLong() {
    return tooLong;
  }

  /** Decompressed byte offset where the current line starts. */
  long lineStartOffset() {
    return lineStartOffset;
  }

  /** Decompressed bytes consumed so far. */
  long offset() {
    return offset;
  }

  boolean endedWithNewline() {
    return sawNewline;
  }
}
