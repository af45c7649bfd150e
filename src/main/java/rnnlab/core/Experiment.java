package rnnlab.core;

/**
 * One experiment: a tutorial's model and training run. {@link #configure} reads and validates every
 * hyperparameter before anything runs or is written; {@link Configured#run} then trains and reports.
 */
public interface Experiment {
    /** Validates the configuration; throws {@link UserError} for a bad value. */
    Configured configure(Config config);

    /** A validated experiment, ready to run. */
    interface Configured {
        void run(Run run) throws Exception;
    }
}
