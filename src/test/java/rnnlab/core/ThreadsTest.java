package rnnlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ThreadsTest {
    /** A PTB job gets its share of the cores; every other experiment one thread, however many are free. */
    @Test
    void aJobsThreadsAreItsShareOfTheCoresWhereThatIsFaster() {
        assertEquals(2, Threads.forJob("PtbWordLstm", 1, 2));
        assertEquals(1, Threads.forJob("PtbWordLstm", 2, 2));
        assertEquals(1, Threads.forJob("PtbWordRnn", 3, 2));
        assertEquals(4, Threads.forJob("PtbWordRnn", 2, 8));
        assertEquals(1, Threads.forJob("PtbWordRnn", 0, 1));
        assertEquals(1, Threads.forJob("TimeMachineRnnScratch", 1, 2));
        assertEquals(1, Threads.forJob("DigitSumSrn", 1, 16));
    }
}
