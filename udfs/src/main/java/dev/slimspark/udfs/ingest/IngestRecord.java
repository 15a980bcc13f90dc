package dev.slimspark.udfs.ingest;

/**
 * One output of reading a shard: a document, a quarantined line, or (last, exactly once per file)
 * the file's summary with the counts that must reconcile: linesRead = docs + quarantined + blank.
 */
public final class IngestRecord {
  /** What this record is. */
  public enum Kind {
    DOC,
    QUARANTINE,
    FILE_SUMMARY
  }

  public Kind kind;
  public String file;

  /** 1-based physical line number in the decompressed file. */
  public long lineNumber;

  /** Decompressed byte offset of the line start; for damage, the compressed bytes consumed. */
  public long byteOffset;

  // Document fields.
  public String docId;
  public String source;
  public String text;
  public String metaJson;
  public String extraJson;
  public long byteLength;
  public boolean utf8Repaired;

  // Quarantine fields.
  public String reason;
  public String detail;
  public byte[] rawPrefix;
  public long lineBytes;

  // File summary fields.
  public String compression;
  public long linesRead;
  public long docs;
  public long quarantined;
  public long blank;
  public long repaired;
  public long compressedBytesRead;
  public long decompressedBytes;
  public boolean damaged;
}
