package dev.slimspark.jobs.export;

import dev.slimspark.cli.Main;

/** spark-submit entry point for the export stage: same arguments as {@code slimspark export}. */
public final class ExportJob {
  private ExportJob() {}

  public static void main(String[] args) {
    String[] all = new String[args.length + 1];
    all[0] = "export";
    System.arraycopy(args, 0, all, 1, args.length);
    System.exit(Main.run(all));
  }
}
