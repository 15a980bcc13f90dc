package dev.slimspark.jobs.ingest;

import dev.slimspark.cli.Main;

/** spark-submit entry point for the ingest stage: same arguments as {@code slimspark ingest}. */
public final class IngestJob {
  private IngestJob() {}

  public static void main(String[] args) {
    String[] all = new String[args.length + 1];
    all[0] = "ingest";
    System.arraycopy(args, 0, all, 1, args.length);
    System.exit(Main.run(all));
  }
}
