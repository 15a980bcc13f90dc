package dev.slimspark.udfs.ingest;

import com.github.luben.zstd.ZstdIOException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one JSONL shard (plain, gzip or zstd, detected by magic bytes) into {@link
 * IngestRecord}s: documents, quarantined lines, and a final per-file summary. Memory per reader is
 * bounded by {@link Options#maxLineBytes} whatever the input.
 *
 * <p>Damage in a compressed stream (truncation, corrupt block) ends the file with one quarantine
 * row; every line decoded before it is kept. Transient I/O errors are rethrown so that Spark
 * retries the task instead of quarantining good data.
 */
public final class ShardReader implements Iterator<IngestRecord>, Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(ShardReader.class);

  /** Opens a file's raw bytes (local, Hadoop FS, ...). */
  @FunctionalInterface
  public interface Opener extends Serializable {
    InputStream open(String path) throws IOException;
  }

  /** Reader settings; see the ingest.* config keys for meaning and defaults. */
  public static final class Options implements Serializable {
    private static final long serialVersionUID = 1L;
    public int maxLineBytes = 32 << 20;
    public int quarantinePrefixBytes = 1024;
    public boolean repairUtf8 = false;
    public String metaSourceField = "redpajama_set_name";

    /** Regex over the file path; group 1 (or the whole match) names the source. Null: unused. */
    public String pathSourceRegex = null;

    public String defaultSource = "unknown";

    /**
     * Prefix stripped from the file path before hashing doc ids ({@link DocIds#idPath}); a fully
     * qualified directory ending in "/". Null or empty (default): ids hash the full path.
     */
    public String idBase = null;

    /**
     * False for a counting pass: documents are counted in the file summary but not emitted (and
     * their text is not decoded); quarantine rows and the summary are emitted as usual.
     */
    public boolean emitDocs = true;
  }

  private final String file;
  private final Options opts;
  private final JsonlLineParser parser;
  private final JsonlLineParser.Result parsed = new JsonlLineParser.Result();
  private final DocIds ids = new DocIds();
  private final String pathSource;
  private final Opener opener;

  private CountingInputStream counting;
  private InputStream stream;
  private BoundedLineReader lines;
  private IngestRecord pending;
  private boolean finished;
  private boolean summaryEmitted;
  private final IngestRecord summary = new IngestRecord();

  public ShardReader(String file, Opener opener, Options opts) {
    this.file = file;
    this.opts = opts;
    this.parser = new JsonlLineParser(opts.metaSourceField).captureDocument(opts.emitDocs);
    this.pathSource = sourceFromPath(file, opts.pathSourceRegex);
    summary.kind = IngestRecord.Kind.FILE_SUMMARY;
    summary.file = file;
    summary.compression = "none";
    this.opener = opener;
    open(opener);
  }

  static String sourceFromPath(String file, String regex) {
    if (regex == null || regex.isEmpty()) {
      return null;
    }
    Matcher m = Pattern.compile(regex).matcher(file);
    if (!m.find()) {
      return null;
    }
    return m.groupCount() >= 1 && m.group(1) != null ? m.group(1) : m.group();
  }

  private void open(Opener opener) {
    InputStream raw = null;
    try {
      raw = opener.open(file);
      counting = new CountingInputStream(raw);
      BufferedInputStream buffered = new BufferedInputStream(counting, 1 << 16);
      buffered.mark(4);
      byte[] magic = new byte[4];
      int n = buffered.readNBytes(magic, 0, 4);
      buffered.reset();
      String lower = file.toLowerCase(java.util.Locale.ROOT);
      if (n >= 2 && (magic[0] & 0xFF) == 0x1F && (magic[1] & 0xFF) == 0x8B) {
        summary.compression = "gzip";
        try {
          stream = new GZIPInputStream(buffered, 1 << 16);
        } catch (ZipException | EOFException e) {
          damage(e, 0);
          return;
        }
      } else if (n == 4
          && (magic[0] & 0xFF) == 0x28
          && (magic[1] & 0xFF) == 0xB5
          && (magic[2] & 0xFF) == 0x2F
          && (magic[3] & 0xFF) == 0xFD) {
        summary.compression = "zstd";
        stream = new ZstdInputStreamNoFinalizer(buffered);
      } else if (n == 0 && compressedName(lower)) {
        // A compressed file is never empty (even of nothing): a failed copy or download.
        summary.compression = lower.endsWith(".gz") ? "gzip" : "zstd";
        damage(
            new ZipException("file name says " + summary.compression + " but the file is empty"),
            0);
        return;
      } else {
        // Compression is detected by content: a plain file with a .gz/.zst name is read as plain.
        if (compressedName(lower)) {
          LOG.warn(
              "Input file {} is named as compressed but holds no gzip or zstd data: read as plain text",
              file);
        }
        stream = buffered;
      }
      lines = new BoundedLineReader(stream, opts.maxLineBytes);
    } catch (FileNotFoundException | java.nio.file.NoSuchFileException | AccessDeniedException e) {
      unreadable(e);
    } catch (IOException e) {
      if (isPermissionProblem(e)) {
        unreadable(e);
      } else {
        closeQuietly(raw);
        throw new java.io.UncheckedIOException("I/O error opening " + file, e);
      }
    }
  }

  /** True for a name that says gzip or zstd (the ingest summary counts those read as plain). */
  public static boolean compressedName(String lowerCasePath) {
    return lowerCasePath.endsWith(".gz")
        || lowerCasePath.endsWith(".zst")
        || lowerCasePath.endsWith(".zstd");
  }

  private static boolean isPermissionProblem(IOException e) {
    // Hadoop's HDFS permission error, without a compile-time dependency on Hadoop here.
    return e.getClass().getName().endsWith("AccessControlException");
  }

  private void unreadable(IOException e) {
    IngestRecord q = quarantine(QuarantineReason.UNREADABLE_FILE, 0, 0);
    q.detail = e.getClass().getSimpleName() + ": " + e.getMessage();
    q.lineNumber = 1;
    // The file counts as one unit read and quarantined, so per-file counts still reconcile.
    summary.linesRead = 1;
    summary.quarantined = 1;
    summary.damaged = true;
    pending = q;
    finished = true;
    LOG.warn("Unreadable input file {}: {}", file, q.detail);
  }

  private void damage(IOException e, long lineBytesSoFar) {
    IngestRecord q = quarantine(QuarantineReason.CORRUPT_COMPRESSED_FILE, summary.linesRead + 1, 0);
    q.byteOffset = damageOffset();
    q.detail =
        e.getClass().getSimpleName()
            + ": "
            + e.getMessage()
            + " (after "
            + summary.linesRead
            + " complete lines, "
            + (lines == null ? 0 : lines.offset())
            + " decompressed bytes; damage at compressed byte "
            + q.byteOffset
            + ")";
    if (lines != null && lines.length() > 0) {
      q.rawPrefix =
          Arrays.copyOf(lines.bytes(), Math.min(lines.length(), opts.quarantinePrefixBytes));
      q.lineBytes = lineBytesSoFar;
    }
    summary.linesRead++;
    summary.quarantined++;
    summary.damaged = true;
    pending = q;
    finished = true;
    LOG.warn("Damaged compressed file {}: {}", file, q.detail);
  }

  /**
   * Where in the (compressed) file the damage starts. For zstd the frame headers are walked again
   * from the start (the decompressor reads ahead, so its position is not the damage's): garbage
   * after valid frames starts where the last frame ends. Otherwise, and for a truncated file, the
   * compressed bytes consumed.
   */
  private long damageOffset() {
    long consumed = counting == null ? 0 : counting.count;
    if (!"zstd".equals(summary.compression)) {
      return consumed;
    }
    try (InputStream in = new BufferedInputStream(opener.open(file), 1 << 16)) {
      long bad = ZstdFrames.firstBadByte(in);
      return bad >= 0 ? bad : consumed;
    } catch (IOException e) {
      LOG.debug("Cannot re-read {} to locate the damage", file, e);
      return consumed;
    }
  }

  @Override
  public boolean hasNext() {
    if (pending != null) {
      return true;
    }
    if (!finished) {
      advance();
      if (pending != null) {
        return true;
      }
    }
    if (!summaryEmitted) {
      summaryEmitted = true;
      summary.compressedBytesRead = counting == null ? 0 : counting.count;
      summary.decompressedBytes = lines == null ? 0 : lines.offset();
      pending = summary;
      close();
      return true;
    }
    return false;
  }

  @Override
  public IngestRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    IngestRecord r = pending;
    pending = null;
    return r;
  }

  private void advance() {
    while (!finished) {
      boolean got;
      try {
        got = lines.next();
      } catch (EOFException | ZipException | ZstdIOException e) {
        damage(e, lines.totalBytes());
        return;
      } catch (IOException e) {
        if ("zstd".equals(summary.compression) || "gzip".equals(summary.compression)) {
          // Decompressors report corrupt data as plain IOExceptions too.
          if (looksLikeCorruption(e)) {
            damage(e, lines.totalBytes());
            return;
          }
        }
        throw new java.io.UncheckedIOException("I/O error reading " + file, e);
      }
      if (!got) {
        finished = true;
        return;
      }
      summary.linesRead++;
      long lineNo = summary.linesRead;
      IngestRecord r = handleLine(lineNo);
      if (r != null) {
        pending = r;
        return;
      }
    }
  }

  private static boolean looksLikeCorruption(IOException e) {
    String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
    return m.contains("corrupt")
        || m.contains("truncated")
        || m.contains("unknown frame")
        || m.contains("unexpected end")
        || m.contains("not in gzip format")
        || m.contains("invalid");
  }

  private IngestRecord handleLine(long lineNo) {
    byte[] b = lines.bytes();
    int len = lines.length();
    if (lines.tooLong()) {
      IngestRecord q = quarantine(QuarantineReason.LINE_TOO_LONG, lineNo, lines.totalBytes());
      q.detail =
          "line is "
              + lines.totalBytes()
              + " bytes; the limit is "
              + opts.maxLineBytes
              + " (ingest.max_line_bytes)";
      summary.quarantined++;
      return q;
    }
    int start = 0;
    if (len >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
      start = 3; // UTF-8 byte order mark: valid, not part of the JSON.
    }
    if (isBlank(b, start, len)) {
      summary.blank++;
      return null;
    }
    boolean repaired = false;
    int bad = Utf8.firstInvalid(b, start, len);
    if (bad >= 0) {
      if (!opts.repairUtf8) {
        IngestRecord q = quarantine(QuarantineReason.INVALID_UTF8, lineNo, lines.totalBytes());
        q.detail =
            String.format("invalid UTF-8 byte 0x%02X at byte %d of the line", b[bad] & 0xFF, bad);
        summary.quarantined++;
        return q;
      }
      byte[] fixed = repairUtf8(b, start, len);
      b = fixed;
      start = 0;
      len = fixed.length;
      repaired = true;
    }
    if (start > 0) {
      b = Arrays.copyOfRange(b, start, len);
      len = b.length;
    }
    parser.parse(b, len, parsed);
    if (parsed.reason != null) {
      IngestRecord q = quarantine(parsed.reason, lineNo, lines.totalBytes());
      q.detail = parsed.detail;
      summary.quarantined++;
      return q;
    }
    summary.docs++;
    if (repaired) {
      summary.repaired++;
    }
    if (!opts.emitDocs) {
      return null;
    }
    IngestRecord d = new IngestRecord();
    d.kind = IngestRecord.Kind.DOC;
    d.file = file;
    d.lineNumber = lineNo;
    d.byteOffset = lines.lineStartOffset();
    d.docId = ids.of(DocIds.idPath(file, opts.idBase), lineNo);
    d.text = parsed.text;
    d.metaJson = parsed.metaJson;
    d.extraJson = parsed.extraJson;
    d.source =
        parsed.metaSource != null
            ? parsed.metaSource
            : (pathSource != null ? pathSource : opts.defaultSource);
    d.byteLength = utf8Length(parsed.text);
    d.utf8Repaired = repaired;
    return d;
  }

  private IngestRecord quarantine(QuarantineReason reason, long lineNo, long lineBytes) {
    IngestRecord q = new IngestRecord();
    q.kind = IngestRecord.Kind.QUARANTINE;
    q.file = file;
    q.lineNumber = lineNo;
    q.reason = reason.code();
    q.lineBytes = lineBytes;
    if (lines != null && reason != QuarantineReason.UNREADABLE_FILE) {
      q.byteOffset = lines.lineStartOffset();
      q.rawPrefix =
          Arrays.copyOf(lines.bytes(), Math.min(lines.length(), opts.quarantinePrefixBytes));
    }
    return q;
  }

  private static boolean isBlank(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != 0x0B) {
        return false;
      }
    }
    return true;
  }

  private static byte[] repairUtf8(byte[] b, int from, int to) {
    CharsetDecoder dec =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    try {
      CharBuffer chars = dec.decode(ByteBuffer.wrap(b, from, to - from));
      return chars.toString().getBytes(StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new IllegalStateException("REPLACE decoder cannot fail", e);
    }
  }

  /** UTF-8 byte length of a Java string without encoding it. */
  public static long utf8Length(String s) {
    long n = 0;
    int len = s.length();
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < len
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  @Override
  public void close() {
    closeQuietly(stream);
    closeQuietly(counting);
  }

  private static void closeQuietly(Closeable c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException | RuntimeException e) {
        LOG.debug("Ignoring error on close", e);
      }
    }
  }

  /** Counts raw (compressed) bytes so damage can be located in the file. */
  private static final class CountingInputStream extends FilterInputStream {
    long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int c = super.read();
      if (c >= 0) {
        count++;
      }
      return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long s = super.skip(n);
      count += s;
      return s;
    }
  }
}
