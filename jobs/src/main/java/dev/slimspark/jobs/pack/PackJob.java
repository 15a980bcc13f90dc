package dev.slimspark.jobs.pack;

import dev.slimspark.cli.Main;

/** spark-submit entry point for the pack stage: same arguments as {@code slimspark pack}. */
public final class PackJob {
  private PackJob() {}

  public static void main(String[] args) {
    String[] all = new String[args.length + 1];
    all[0] = "pack";
    System.arraycopy(args, 0, all, 1, args.length);
    System.exit(Main.run(all));
  }
}
