package org.tbcm4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The progress line's message: separated from the bar's rate, the loss, then throughput with its unit. */
class ProgressTest {
    @Test
    void messageReadsAsASentence() {
        assertEquals(" · loss -4.120 · 128 pairs/s", Progress.message(-4.12, 128.4, "pairs"));
        assertEquals(" · loss 0.04674 · 352 examples/s", Progress.message(0.04674, 352, "examples"));
    }
}
