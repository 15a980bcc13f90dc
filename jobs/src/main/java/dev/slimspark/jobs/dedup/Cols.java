package dev.slimspark.jobs.dedup;

/** Column names of the input contract and of the internal tables. */
final class Cols {
  private Cols() {}

  static final String DOC_ID = "doc_id";
  static final String SOURCE = "source";
  static final String TEXT = "text";

  /** Global ordering key: rank of (source priority, doc_id); the min of a cluster is kept. */
  static final String NODE = "node";

  /** Node of the exact-duplicate group's kept doc. */
  static final String REP = "rep";

  static final String PRIO = "prio";
  static final String HASH = "content_hash";
  static final String BYTES = "bytes";
  static final String SIG = "sig";
  static final String BAND_KEYS = "band_keys";
  static final String SRC = "src";
  static final String DST = "dst";
  static final String SIM = "sim";
  static final String ROOT = "root";
}
