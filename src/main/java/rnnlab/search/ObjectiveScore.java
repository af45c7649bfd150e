package rnnlab.search;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;

import rnnlab.core.Catalog;
import rnnlab.core.ResultsCsv;

/**
 * Arbiter's score for a candidate: the experiment's own validation figure, read from the CSV the candidate's
 * run wrote (the "model" Arbiter hands over is that run's output folder), averaged over its settings.
 */
final class ObjectiveScore implements ScoreFunction {
    private final String experiment;
    private final Catalog.Objective objective;

    ObjectiveScore(String experiment, Catalog.Objective objective) {
        this.experiment = experiment;
        this.objective = objective;
    }

    Catalog.Objective objective() {
        return objective;
    }

    /** The objective of the run whose results are in {@code outDir}. */
    double score(Path outDir) {
        Path file = outDir.resolve(experiment + ".csv");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("the run wrote no " + file.getFileName());
        }
        Map<String, Double> values;
        try {
            values = ResultsCsv.read(file).last(objective.metric());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage());
        }
        if (values.isEmpty()) {
            throw new IllegalStateException(file.getFileName() + " has no " + objective.metric() + " row");
        }
        double sum = 0;
        for (double v : values.values()) {
            sum += v;
        }
        double mean = sum / values.size();
        if (!Double.isFinite(mean)) {
            throw new IllegalStateException(objective.metric() + " is not a finite number (" + values + ")");
        }
        return mean;
    }

    /**
     * The training seconds the run in {@code outDir} recorded ({@code train_seconds}, summed over its settings), 0 when
     * it recorded none: what a job reused from an earlier sitting cost when it ran.
     */
    double trainSeconds(Path outDir) {
        try {
            return ResultsCsv.read(outDir.resolve(experiment + ".csv")).last("train_seconds").values().stream()
                    .mapToDouble(Double::doubleValue).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    @Override
    public double score(Object model, DataProvider dataProvider, Map<String, Object> dataParameters) {
        return score((Path) model);
    }

    @Override
    public double score(Object model, Class<? extends DataSource> dataSource, Properties dataSourceProperties) {
        return score((Path) model);
    }

    @Override
    public boolean minimize() {
        return objective.minimize();
    }

    @Override
    public List<Class<?>> getSupportedModelTypes() {
        return List.of(Path.class);
    }

    @Override
    public List<Class<?>> getSupportedDataTypes() {
        return List.of(Object.class);
    }
}
