package dev.slimspark.sample;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes {@code {"text": ..., "meta": {...}}} lines straight to UTF-8 bytes, in the same spacing
 * as Python's json.dumps (the format SlimPajama ships). Hand-written rather than Jackson so a line
 * costs one pass over the text and the key order is fixed by construction.
 */
final class JsonlWriter {
  private final OutputStream out;
  private final byte[] newline;
  private byte[] buf = new byte[1 << 16];
  private char[] chars = new char[1 << 14];
  private int pos;
  private long bytesWritten;
  private int lines;

  JsonlWriter(OutputStream out, boolean crlf) {
    this.out = out;
    this.newline = crlf ? new byte[] {'\r', '\n'} : new byte[] {'\n'};
  }

  /** Ordered metadata of one document; keys are written in insertion order. */
  static final class Meta {
    final List<String> keys = new ArrayList<>();
    final List<Object> values = new ArrayList<>();

    Meta put(String k, Object v) {
      keys.add(k);
      values.add(v);
      return this;
    }

    void clear() {
      keys.clear();
      values.clear();
    }
  }

  /** Writes one document line (without BOM) and its line ending. */
  void writeDoc(CharSequence text, Meta meta) throws IOException {
    ascii("{\"text\": ");
    string(text);
    ascii(", \"meta\": {");
    for (int i = 0; i < meta.keys.size(); i++) {
      if (i > 0) {
        ascii(", ");
      }
      string(meta.keys.get(i));
      ascii(": ");
      Object v = meta.values.get(i);
      if (v instanceof CharSequence cs) {
        string(cs);
      } else {
        ascii(String.valueOf(v));
      }
    }
    ascii("}}");
    endLine();
  }

  /** Writes raw bytes followed by the line ending: used for the planted bad lines. */
  void writeRawLine(byte[] raw) throws IOException {
    ensure(raw.length);
    System.arraycopy(raw, 0, buf, pos, raw.length);
    pos += raw.length;
    endLine();
  }

  /** Writes raw bytes with no line ending (the BOM). */
  void writeRaw(byte[] raw) throws IOException {
    ensure(raw.length);
    System.arraycopy(raw, 0, buf, pos, raw.length);
    pos += raw.length;
  }

  long bytesWritten() {
    return bytesWritten + pos;
  }

  int lines() {
    return lines;
  }

  void flush() throws IOException {
    out.write(buf, 0, pos);
    bytesWritten += pos;
    pos = 0;
  }

  void close() throws IOException {
    flush();
    out.close();
  }

  private void endLine() throws IOException {
    ensure(2);
    for (byte b : newline) {
      buf[pos++] = b;
    }
    lines++;
    if (pos > (1 << 15)) {
      flush();
    }
  }

  private void ensure(int n) {
    if (pos + n > buf.length) {
      byte[] nb = new byte[Math.max(buf.length * 2, pos + n)];
      System.arraycopy(buf, 0, nb, 0, pos);
      buf = nb;
    }
  }

  private void ascii(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[pos++] = (byte) s.charAt(i);
    }
  }

  private static final byte[] HEX =
      "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** JSON string with escapes; non-ASCII as UTF-8 (surrogate pairs combined). */
  private void string(CharSequence cs) {
    int n = cs.length();
    // Bulk-copy to a char[] once: far cheaper than charAt through the CharSequence interface.
    if (chars.length < n) {
      chars = new char[Math.max(n, chars.length * 2)];
    }
    if (cs instanceof StringBuilder b) {
      b.getChars(0, n, chars, 0);
    } else if (cs instanceof String str) {
      str.getChars(0, n, chars, 0);
    } else {
      for (int i = 0; i < n; i++) {
        chars[i] = cs.charAt(i);
      }
    }
    char[] s = chars;
    // Worst case 6 bytes per char (\\u00XX); grow once up front instead of per char.
    ensure(n * 6 + 2);
    byte[] b = buf;
    int p = pos;
    b[p++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s[i];
      if (c < 0x80) {
        if (c >= 0x20 && c != '"' && c != '\\') {
          b[p++] = (byte) c;
        } else {
          b[p++] = '\\';
          switch (c) {
            case '"' -> b[p++] = '"';
            case '\\' -> b[p++] = '\\';
            case '\n' -> b[p++] = 'n';
            case '\r' -> b[p++] = 'r';
            case '\t' -> b[p++] = 't';
            default -> {
              b[p++] = 'u';
              b[p++] = '0';
              b[p++] = '0';
              b[p++] = HEX[c >> 4];
              b[p++] = HEX[c & 0xF];
            }
          }
        }
      } else if (c < 0x800) {
        b[p++] = (byte) (0xC0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s[i + 1])) {
        int cp = Character.toCodePoint(c, s[++i]);
        b[p++] = (byte) (0xF0 | (cp >> 18));
        b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (cp & 0x3F));
      } else if (Character.isSurrogate(c)) {
        // A lone surrogate is not encodable; JSON-escape it so the file stays valid UTF-8.
        b[p++] = '\\';
        b[p++] = 'u';
        b[p++] = HEX[(c >> 12) & 0xF];
        b[p++] = HEX[(c >> 8) & 0xF];
        b[p++] = HEX[(c >> 4) & 0xF];
        b[p++] = HEX[c & 0xF];
      } else {
        b[p++] = (byte) (0xE0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    b[p++] = '"';
    pos = p;
  }
}
