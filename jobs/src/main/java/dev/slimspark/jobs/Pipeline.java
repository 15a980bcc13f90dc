package dev.slimspark.jobs;

import dev.slimspark.jobs.decon.DeconStage;
import dev.slimspark.jobs.dedup.DedupStage;
import dev.slimspark.jobs.export.ExportStage;
import dev.slimspark.jobs.filter.FilterStage;
import dev.slimspark.jobs.ingest.IngestStage;
import dev.slimspark.jobs.label.EvaluateStage;
import dev.slimspark.jobs.label.FinetuneStage;
import dev.slimspark.jobs.label.LabelStage;
import dev.slimspark.jobs.pack.PackStage;
import dev.slimspark.jobs.stats.StatsStage;
import dev.slimspark.jobs.tokenize.TokenizeStage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stage registry: every command that runs a {@link Stage}, the corpus pipeline's in the order
 * {@code run} executes them, then the labeling stages that run on their own. {@link StageRunner}
 * runs them; the CLI only looks names up here.
 */
public final class Pipeline {
  private static final Map<String, Stage> STAGES = new LinkedHashMap<>();

  /** Stages run on their own (labeling), not part of the corpus pipeline's `run`. */
  private static final Map<String, Stage> STANDALONE = new LinkedHashMap<>();

  static {
    register(new IngestStage());
    register(new FilterStage());
    register(new DedupStage());
    register(new DeconStage());
    register(new TokenizeStage());
    register(new PackStage());
    register(new ExportStage());
    register(new StatsStage());
    for (Stage s : new Stage[] {new FinetuneStage(), new LabelStage(), new EvaluateStage()}) {
      STANDALONE.put(s.name(), s);
    }
  }

  private Pipeline() {}

  private static void register(Stage s) {
    STAGES.put(s.name(), s);
  }

  public static Map<String, Stage> stages() {
    return STAGES;
  }

  /** Labeling stages: commands of their own, not part of {@code run}. */
  public static Map<String, Stage> standalone() {
    return STANDALONE;
  }

  /** A corpus or standalone stage by command name, or null. */
  public static Stage find(String name) {
    Stage s = STAGES.get(name);
    return s != null ? s : STANDALONE.get(name);
  }

  public static List<String> stageNames() {
    return new ArrayList<>(STAGES.keySet());
  }
}
