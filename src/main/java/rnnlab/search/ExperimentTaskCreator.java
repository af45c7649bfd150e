package rnnlab.search;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.TaskCreator;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;
import org.deeplearning4j.arbiter.optimize.runner.CandidateInfo;
import org.deeplearning4j.arbiter.optimize.runner.CandidateStatus;
import org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner;
import org.deeplearning4j.arbiter.optimize.runner.listener.StatusListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import rnnlab.core.UserError;

/**
 * Arbiter's task for one candidate: run the project's experiment with the candidate's values as overrides,
 * into the candidate's own folder, and score what it wrote. Any experiment can be searched this way, since
 * the task runs the experiment itself rather than a network built from the space. A candidate that fails is
 * returned as {@link CandidateStatus#Failed} with a one-line reason, and the search goes on.
 */
final class ExperimentTaskCreator implements TaskCreator {
    private static final Logger trace = LoggerFactory.getLogger("rnnlab.trace");

    /** Runs the experiment with extra overrides, writing its results into a folder. */
    interface ExperimentRunner {
        void run(Map<String, String> values, Path outDir) throws Exception;
    }

    private final ExperimentRunner experiment;
    private final Path workDir;

    ExperimentTaskCreator(ExperimentRunner experiment, Path workDir) {
        this.experiment = experiment;
        this.workDir = workDir;
    }

    /** The folder candidate {@code index}'s run writes to. */
    Path candidateDir(int index) {
        return workDir.resolve(index < 0 ? "baseline" : "candidate-" + index);
    }

    @Override
    public Callable<OptimizationResult> create(Candidate candidate, DataProvider dataProvider,
            ScoreFunction scoreFunction, List<StatusListener> listeners, IOptimizationRunner runner) {
        return () -> execute(candidate, (ObjectiveScore) scoreFunction, listeners, runner);
    }

    @Override
    public Callable<OptimizationResult> create(Candidate candidate, Class<? extends DataSource> dataSource,
            Properties dataSourceProperties, ScoreFunction scoreFunction, List<StatusListener> listeners,
            IOptimizationRunner runner) {
        return () -> execute(candidate, (ObjectiveScore) scoreFunction, listeners, runner);
    }

    /** Runs and scores one candidate; never throws. */
    @SuppressWarnings("unchecked")
    OptimizationResult execute(Candidate candidate, ObjectiveScore score, List<StatusListener> listeners,
            IOptimizationRunner runner) {
        long start = System.currentTimeMillis();
        CandidateInfo running = new CandidateInfo(candidate.getIndex(), CandidateStatus.Running, null, start, start,
                null, candidate.getFlatParameters(), null);
        for (StatusListener l : listeners) {
            l.onCandidateStatusChange(running, runner, null);
        }
        Double value = null;
        String error = null;
        try {
            Path out = candidateDir(candidate.getIndex());
            experiment.run((Map<String, String>) candidate.getValue(), out);
            value = score.score(out);
        } catch (UserError e) {
            error = e.getMessage();
        } catch (Throwable t) {
            trace.error("search candidate " + candidate.getIndex() + " failed", t);
            error = t.getMessage() != null && t instanceof IllegalStateException ? t.getMessage() : t.toString();
        }
        CandidateInfo done = new CandidateInfo(candidate.getIndex(),
                error == null ? CandidateStatus.Complete : CandidateStatus.Failed, value, start, start,
                System.currentTimeMillis(), candidate.getFlatParameters(), error);
        OptimizationResult result = new OptimizationResult(candidate, value, candidate.getIndex(), null, done, null);
        for (StatusListener l : listeners) {
            l.onCandidateStatusChange(done, runner, result);
        }
        return result;
    }
}
