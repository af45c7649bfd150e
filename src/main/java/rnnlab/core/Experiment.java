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

        /**
         * The experiment's jobs, one setting and seed each ({@code length=20;seed=3}), in the order its pages list
         * them; empty when it runs as one job (see {@code rnnlab.jobs.Units}).
         */
        default java.util.List<String> units() {
            return java.util.List.of();
        }

        /** {@code body}, whose jobs are {@code units}. */
        static Configured of(java.util.List<String> units, Configured body) {
            java.util.List<String> copy = java.util.List.copyOf(units);
            return new Configured() {
                @Override
                public void run(Run run) throws Exception {
                    body.run(run);
                }

                @Override
                public java.util.List<String> units() {
                    return copy;
                }
            };
        }
    }
}
