package rnnlab.train;

import org.slf4j.Logger;

import rnnlab.core.Clock;

/**
 * Progress of a long loop: at most every {@code intervalSeconds} it logs the step, epoch, loss,
 * elapsed and estimated remaining time at INFO (console and log file).
 */
public final class Progress {
    private final Logger log;
    private final String label;
    private final long totalSteps;
    private final long intervalNanos;
    private final long start = System.nanoTime();
    private long lastLog = start;

    public Progress(Logger log, String label, long totalSteps, double intervalSeconds) {
        this.log = log;
        this.label = label;
        this.totalSteps = totalSteps;
        this.intervalNanos = (long) (intervalSeconds * 1e9);
    }

    /** Call after step {@code step} (0-based) of {@code totalSteps}. */
    public void update(long step, int epoch, int epochs, double loss) {
        long now = System.nanoTime();
        if (now - lastLog < intervalNanos && step + 1 < totalSteps) {
            return;
        }
        lastLog = now;
        double elapsed = (now - start) / 1e9;
        double remaining = elapsed / (step + 1) * (totalSteps - step - 1);
        log.info("{} epoch {}/{} step {}/{} loss {} elapsed {} remaining {}", label, epoch + 1, epochs, step + 1,
                totalSteps, String.format("%.5f", loss), Clock.format(elapsed), Clock.format(remaining));
    }
}
