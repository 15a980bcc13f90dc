package dev.slimspark.udfs.tokenize.spm;

import java.util.Arrays;

/**
 * One thread's working memory for {@link SentencePieceBpe}: the normalized text, the output ids,
 * the symbol list of the part being merged (parallel int arrays: a doubly linked list over the
 * part's code points), the merge heap and the part cache. Reused across documents; arrays grown for
 * a part over {@link SentencePieceBpe#KEEP_SCRATCH_CHARS} characters are dropped afterwards.
 */
final class Scratch {
  private static final int INITIAL = 1024;

  char[] norm = new char[INITIAL];
  int[] out = new int[INITIAL];
  int outLen;

  int[] start = new int[INITIAL];
  int[] end = new int[INITIAL];
  int[] id = new int[INITIAL];
  int[] prev = new int[INITIAL];
  int[] next = new int[INITIAL];
  int[] rank = new int[INITIAL];
  int[] merged = new int[INITIAL];
  long[] heap = new long[INITIAL];
  int heapSize;

  final PartCache cache = new PartCache();

  char[] norm(int len) {
    if (norm.length < len) {
      norm = new char[Math.max(len, norm.length * 2)];
    }
    return norm;
  }

  void add(int v) {
    if (outLen == out.length) {
      out = Arrays.copyOf(out, out.length * 2);
    }
    out[outLen++] = v;
  }

  void addAll(int[] src, int from, int n) {
    if (outLen + n > out.length) {
      out = Arrays.copyOf(out, Math.max(outLen + n, out.length * 2));
    }
    System.arraycopy(src, from, out, outLen, n);
    outLen += n;
  }

  /** Fills the symbol list with the code points of norm[from, to); returns their number. */
  int symbols(int from, int to, BpeModel model) {
    int cap = to - from;
    if (start.length < cap) {
      grow(Math.max(cap, start.length * 2));
    }
    int n = 0;
    for (int i = from; i < to; ) {
      char c = norm[i];
      int cp = c;
      int w = 1;
      if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(norm[i + 1])) {
        cp = Character.toCodePoint(c, norm[i + 1]);
        w = 2;
      }
      start[n] = i;
      end[n] = i + w;
      id[n] = model.symbolOf(cp);
      prev[n] = n - 1;
      next[n] = n + 1;
      n++;
      i += w;
    }
    next[n - 1] = -1;
    heapSize = 0;
    return n;
  }

  private void grow(int cap) {
    start = new int[cap];
    end = new int[cap];
    id = new int[cap];
    prev = new int[cap];
    next = new int[cap];
    rank = new int[cap];
    merged = new int[cap];
    heap = new long[Math.max(heap.length, cap)];
  }

  void push(long v) {
    if (heapSize == heap.length) {
      heap = Arrays.copyOf(heap, heap.length * 2);
    }
    long[] h = heap;
    int i = heapSize++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      long p = h[parent];
      if (p <= v) {
        break;
      }
      h[i] = p;
      i = parent;
    }
    h[i] = v;
  }

  long pop() {
    long[] h = heap;
    long top = h[0];
    long last = h[--heapSize];
    int n = heapSize;
    int i = 0;
    while (true) {
      int child = 2 * i + 1;
      if (child >= n) {
        break;
      }
      if (child + 1 < n && h[child + 1] < h[child]) {
        child++;
      }
      if (h[child] >= last) {
        break;
      }
      h[i] = h[child];
      i = child;
    }
    if (n > 0) {
      h[i] = last;
    }
    return top;
  }

  /** Drops arrays grown for an unusually long text or part. */
  void release() {
    int keep = SentencePieceBpe.KEEP_SCRATCH_CHARS;
    if (norm.length > keep) {
      norm = new char[INITIAL];
    }
    if (out.length > keep) {
      out = new int[INITIAL];
    }
    if (start.length > keep) {
      grow(INITIAL);
      heap = new long[INITIAL];
    }
  }
}
