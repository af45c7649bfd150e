package rnnlab.jobs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;

import rnnlab.checkpoints.Checkpoint;
import rnnlab.checkpoints.FinishedJobs;
import rnnlab.core.JobResult;
import rnnlab.core.JobScope;
import rnnlab.core.Options;
import rnnlab.core.Run;
import rnnlab.train.EpochTraining;

/**
 * The one lifecycle of an experiment's jobs (one setting and seed each): a job that finished earlier is reused
 * ({@link FinishedJobs}) and one that is another worker's left alone; otherwise it is started, or restored from its
 * {@link Checkpoint}, trained epoch by epoch with a checkpoint after each (and within one where its training writes
 * them), and once trained its model is saved and its result kept. The experiment's pages are rewritten, when this
 * run writes them ({@link JobScope#assembling}), while a job trains (after the epochs it says are worth it),
 * after each job and at the end, from every job's result in the experiment's order. An experiment supplies what
 * differs: how a job starts (its model and data, a {@link Job}) and how the pages are written.
 */
public final class JobRun {
    /** One job as its experiment supplies it. */
    public interface Job {
        /** Its training, driven an epoch at a time. */
        EpochTraining training();

        /** What trains, for the log line before it starts (its size, its batches). */
        String banner();

        /** Its result as far as it got, for the pages while it trains. */
        JobResult progress();

        /** Its finished result, after what it measures at the end (a test set, say); by default its last progress. */
        default JobResult finish() throws IOException {
            return progress();
        }

        /** Keeps the trained model for {@code -Dexp=Generate} and {@code -Dexp=Evaluate} (nothing if it needs not). */
        void save() throws IOException;
    }

    /** Starts a job afresh: its model built from its seed, its data laid out. */
    public interface Start {
        Job start() throws IOException;
    }

    /** Writes the experiment's pages from its jobs' results, in its own order. */
    public interface Pages {
        void write(List<JobResult> results) throws IOException;
    }

    private final Run run;
    private final JobScope scope;
    /** Every job of the run, in the order {@link #run} is called with them (the pages' order). */
    private final List<String> settings;
    private final Logger log;
    private final Pages pages;
    private final List<JobResult> results = new ArrayList<>();

    /**
     * The jobs {@code settings} of {@code run}, in the order {@link #run} will be called with them, under {@code scope},
     * writing pages with {@code pages} if {@code scope} writes them.
     */
    public JobRun(Run run, JobScope scope, List<String> settings, Logger log, Pages pages) {
        this.run = run;
        this.scope = scope;
        this.settings = List.copyOf(settings);
        this.log = log;
        this.pages = scope.assembling() ? pages : null;
    }

    /** Whether this run writes the experiment's pages. */
    public boolean assembling() {
        return pages != null;
    }

    /** The results so far, finished earlier or here, in the order of {@link #run}'s calls. */
    public List<JobResult> results() {
        return Collections.unmodifiableList(results);
    }

    /** Runs the job of {@code setting} through its lifecycle. */
    public void run(String setting, Start start) throws IOException {
        if (!scope.inPlan(setting)) {
            return; // beyond its setting's planned seeds: not this run's job
        }
        Optional<JobResult> kept = FinishedJobs.reuse(run, setting, scope.forPages(), log);
        if (kept.isPresent()) {
            results.add(kept.get());
            return;
        }
        if (!scope.mine(setting)) {
            return; // another worker's
        }
        Path file = Checkpoint.file(run, setting);
        String key = Checkpoint.key(run, setting);
        Job job = restoreOrStart(setting, start, file, key);
        EpochTraining training = job.training();
        if (training.epochsDone() < training.epochs()) {
            log.info("====> {}", job.banner());
        }
        InsideEpoch within = new InsideEpoch(file, key);
        while (training.epochsDone() < training.epochs()) {
            within.begin();
            if (training.trainEpoch(within) && pages != null) {
                pages.write(withLater(JobResult.with(results, job.progress()), setting));
            }
            Checkpoint.write(file, key, training.checkpoint());
        }
        JobResult result = job.finish();
        job.save();
        FinishedJobs.write(run, result);
        results.add(result);
        if (pages != null) {
            pages.write(withLater(new ArrayList<>(results), setting));
        }
    }

    /** The pages from every job's result, if this run writes them; returns whether it did. */
    public boolean end() throws IOException {
        if (pages != null) {
            pages.write(results);
        }
        return pages != null;
    }

    /**
     * {@code sofar} and then the jobs after {@code setting} in the run's order that have finished (in another worker,
     * or a command before this one), so that a page written as {@code setting} trains or ends lists them too; they are
     * read again, and reported, when the run reaches them.
     */
    private List<JobResult> withLater(List<JobResult> sofar, String setting) {
        int at = settings.indexOf(setting);
        for (String s : at < 0 ? List.<String>of() : settings.subList(at + 1, settings.size())) {
            if (scope.inPlan(s)) {
                FinishedJobs.read(run, s, scope.forPages(), unusable -> { }).ifPresent(sofar::add);
            }
        }
        return sofar;
    }

    /** A fresh job, restored from its checkpoint unless {@code -Dfresh=true} or the checkpoint cannot be used. */
    private Job restoreOrStart(String setting, Start start, Path file, String key) throws IOException {
        Job job = start.start();
        if (Options.FRESH.bool()) {
            return job;
        }
        byte[] saved = Checkpoint.read(file, key, msg -> log.info("{} {}: {}", run.name(), setting, msg)).orElse(null);
        if (saved == null) {
            return job;
        }
        try {
            EpochTraining training = job.training();
            String at = training.restore(saved);
            log.info("{} {}: {}", run.name(), setting, training.epochsDone() >= training.epochs()
                    ? "finished earlier (" + file + ")" : "resuming " + at + " from " + file);
            return job;
        } catch (IOException | RuntimeException e) {
            log.info("{} {}: checkpoint {} cannot be restored ({}); starting over", run.name(), setting, file,
                    e.getMessage());
            return start.start();
        }
    }

    /** Checkpoints within an epoch, every {@code -Dcheckpoint_every} seconds. */
    private static final class InsideEpoch implements EpochTraining.Within {
        private final Path file;
        private final String key;
        private double every = Double.NaN;
        private long last;

        InsideEpoch(Path file, String key) {
            this.file = file;
            this.key = key;
        }

        void begin() {
            last = System.nanoTime();
        }

        @Override
        public boolean due() {
            if (Double.isNaN(every)) {
                every = Checkpoint.every();
            }
            return (System.nanoTime() - last) / 1e9 >= every;
        }

        @Override
        public void write(byte[] checkpoint) {
            Checkpoint.write(file, key, checkpoint);
            last = System.nanoTime();
        }
    }
}
