package rnnlab.core;

import java.util.List;

/**
 * One experiment: a tutorial's model and training run. {@link #configure} reads and validates every
 * hyperparameter before anything runs or is written; {@link Configured#run} then trains and reports.
 */
public interface Experiment {
    /** Validates the configuration; throws {@link UserError} for a bad value. */
    Configured configure(Config config);

    /** Whether it can train on a user's text ({@code -Dcorpus=FILE}, {@link UserCorpus}): the character and word models. */
    default boolean readsCorpus() {
        return false;
    }

    /** A validated experiment, ready to run. */
    interface Configured {
        void run(Run run) throws Exception;

        /**
         * The experiment's jobs, one setting and seed each ({@code length=20;seed=3}), in the order its pages list
         * them; empty when it runs as one job (see {@link JobScope}).
         */
        default List<String> jobs() {
            return List.of();
        }

        /**
         * What must hold in the run's folders before any of its jobs starts (a file it reads that the settings cannot
         * vouch for); throws {@link UserError}, run once by the launcher, not by each job's worker.
         */
        default void check(Run run) {
        }

        /** {@code body}, whose jobs are {@code jobs}. */
        static Configured of(List<String> jobs, Configured body) {
            return of(jobs, body, run -> { });
        }

        /** {@code body}, whose jobs are {@code jobs}, with {@code check} as its {@link #check}. */
        static Configured of(List<String> jobs, Configured body, java.util.function.Consumer<Run> check) {
            List<String> copy = List.copyOf(jobs);
            return new Configured() {
                @Override
                public void run(Run run) throws Exception {
                    body.run(run);
                }

                @Override
                public void check(Run run) {
                    check.accept(run);
                }

                @Override
                public List<String> jobs() {
                    return copy;
                }
            };
        }
    }
}
