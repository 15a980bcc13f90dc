package dev.slimspark.errors;

import java.util.Collection;

/** The one factory for user-facing errors: each says problem, cause and fix. */
public final class UserErrors {
  private UserErrors() {}

  public static UserError of(String problem, String cause, String fix) {
    return new UserError(problem, cause, fix);
  }

  public static UserError unknownConfigKey(String key, String suggestion, String origin) {
    return of(
        "Unknown config key '" + key + "'" + (origin == null ? "" : " (" + origin + ")") + ".",
        "slimspark rejects keys it does not know so that typos cannot silently fall back to defaults.",
        suggestion == null
            ? "Remove the key; `bin/slimspark JOB --help` lists every valid key."
            : "Did you mean '"
                + suggestion
                + "'? `bin/slimspark JOB --help` lists every valid key.");
  }

  public static UserError badConfigValue(String key, String got, String expected) {
    return of(
        "Config key '" + key + "' has an invalid value: " + got + ".",
        "It must be " + expected + ".",
        "Set it in your config file or with --set " + key + "=VALUE.");
  }

  public static UserError noInput(String key) {
    return of(
        "No input paths are configured.",
        "'" + key + "' is empty.",
        "Set "
            + key
            + " to a list of files, directories or globs, e.g. --set "
            + key
            + "='[\"data/*.jsonl.zst\"]'.");
  }

  public static UserError inputMatchedNothing(String pattern) {
    return of(
        "Input '" + pattern + "' matched no files.",
        "The path does not exist, the glob matches nothing, or the directory holds no files.",
        "Check the path (and credentials for s3a://); list it with `hadoop fs -ls` or `ls`.");
  }

  public static UserError missingTable(String table, String path, String producer) {
    return of(
        "Delta table '" + table + "' not found at " + path + ".",
        "The stage that writes it (" + producer + ") has not run against this lake.",
        "Run `bin/slimspark "
            + producer
            + " --conf FILE` first, or point 'lake' at the right directory.");
  }

  public static UserError unknownJob(String job, Collection<String> jobs) {
    return of(
        "Unknown command '" + job + "'.",
        "Valid commands are: " + String.join(", ", jobs) + ".",
        "Run `bin/slimspark --help`.");
  }

  public static UserError badArgument(String arg, String usage) {
    return of("Invalid argument '" + arg + "'.", usage, "Run with --help to see the options.");
  }

  public static UserError missingFile(String what, String path) {
    return of(
        what + " not found: " + path + ".",
        "The file does not exist or is not readable.",
        "Check the path; relative paths resolve against the current directory.");
  }

  /**
   * A task that Spark gave a GPU cannot use it (CPU build of ONNX Runtime, or CUDA libraries
   * missing).
   */
  public static UserError gpuUnavailable(dev.slimspark.udfs.djl.Devices.GpuUnavailableException e) {
    return of(
        "Spark assigned " + e.device() + " to a task, but ONNX Runtime cannot run on it.",
        e.reason(),
        "Build the GPU jar (`./mvnw -B -Pgpu -DskipTests package`, ONNX Runtime with CUDA) and give the executors the"
            + " NVIDIA driver, CUDA 12 and cuDNN 9 (conf/gpu-a100-example.conf); or label on CPUs by removing"
            + " spark.executor.resource.gpu.amount and spark.task.resource.gpu.amount.");
  }

  public static UserError quarantineNotAllowed(long n, String table) {
    return of(
        n + " input lines were quarantined and --fail-on-quarantine is set.",
        "The input holds malformed or unreadable lines; see the '"
            + table
            + "' table for each line and its reason.",
        "Fix or remove the bad input, or run without --fail-on-quarantine to keep the good lines.");
  }

  /** Exception class names that mean a storage or network endpoint did not answer. */
  private static final java.util.List<String> CONNECTION_FAILURES =
      java.util.List.of(
          "java.net.ConnectException",
          "java.net.NoRouteToHostException",
          "java.net.UnknownHostException",
          "java.net.SocketTimeoutException",
          "org.apache.hadoop.net.ConnectTimeoutException",
          "org.apache.hadoop.fs.s3a.AWSClientIOException",
          "com.amazonaws.SdkClientException",
          "software.amazon.awssdk.core.exception.SdkClientException");

  /**
   * The same failures as they read in a task failure's message (executor exceptions arrive as
   * text).
   */
  private static final java.util.regex.Pattern CONNECTION_FAILURE_TEXT =
      java.util.regex.Pattern.compile(
          "(Connection refused|Unable to execute HTTP request[^\\n]*|Connect(ion)? timed out|UnknownHostException[^\\n]*|No route to host)");

  /**
   * A job that stopped because storage (S3, HDFS) or another endpoint stopped answering, as a
   * problem/cause/fix error; null when {@code t} is anything else.
   */
  public static UserError connectionLost(Throwable t) {
    String found = null;
    for (Throwable c = t; c != null && found == null; c = c.getCause() == c ? null : c.getCause()) {
      if (CONNECTION_FAILURES.contains(c.getClass().getName())) {
        found = c.getClass().getSimpleName() + ": " + c.getMessage();
      } else if (c.getMessage() != null) {
        java.util.regex.Matcher m = CONNECTION_FAILURE_TEXT.matcher(c.getMessage());
        if (m.find()) {
          found = m.group(1);
        }
      }
    }
    if (found == null) {
      return null;
    }
    String cause = found.length() > 300 ? found.substring(0, 300) + "..." : found;
    return of(
        "The job lost its connection to storage (or another service it needs) and stopped.",
        cause,
        "Check that the endpoint is up and reachable (for s3a://: fs.s3a.endpoint, network, credentials), then run the same"
            + " command again: `run` skips the stages already committed and redoes the interrupted one; Delta commits are"
            + " atomic, so no partial output is visible.");
  }
}
