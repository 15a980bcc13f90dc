package dev.slimspark.cli;

import dev.slimspark.jobs.Stage;
import dev.slimspark.jobs.dedup.DedupStage;
import dev.slimspark.jobs.filter.FilterStage;
import dev.slimspark.jobs.ingest.IngestStage;
import dev.slimspark.jobs.stats.StatsStage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The stages that exist, in pipeline order. */
public final class Pipeline {
  private static final Map<String, Stage> STAGES = new LinkedHashMap<>();

  static {
    register(new IngestStage());
    register(new FilterStage());
    register(new DedupStage());
    register(new StatsStage());
  }

  private Pipeline() {}

  private static void register(Stage s) {
    STAGES.put(s.name(), s);
  }

  public static Map<String, Stage> stages() {
    return STAGES;
  }

  public static List<String> stageNames() {
    return new ArrayList<>(STAGES.keySet());
  }
}
