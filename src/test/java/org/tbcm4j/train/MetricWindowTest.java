package org.tbcm4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.csv's clock: a resumed run's elapsed_s goes on from the row it resumes after. */
class MetricWindowTest {
    @TempDir
    Path tmp;

    private static final TrainingTask TASK = new TrainingTask() {
        @Override
        public int examplesPerStep() {
            return 4;
        }

        @Override
        public List<String> metricNames() {
            return List.of("loss");
        }

        @Override
        public StepLoss loss(long step, NDManager manager) {
            throw new UnsupportedOperationException();
        }
    };

    private List<String[]> rows(RunDirectory dir) throws IOException {
        return Files.readAllLines(dir.metrics()).stream().skip(1).map(l -> l.split(",", -1)).toList();
    }

    @Test
    void aResumedRunsElapsedTimeCountsItsEarlierInvocations() throws IOException {
        RunDirectory dir = new RunDirectory(tmp.resolve("run"));
        Files.createDirectories(dir.root());
        // the first invocation wrote rows at steps 1 and 2 (1000 s in by step 2) and was cut after step 3
        Files.writeString(dir.metrics(), "step,loss,grad_norm,lr,skipped_steps,examples_per_s,elapsed_s,load_1m\n"
                + "1,0.5,1,0.1,0,4,500,2\n2,0.5,1,0.1,0,4,1000,2\n3,0.5,1,0.1,0,4,1500,2\n");
        MetricWindow window = new MetricWindow(dir, TASK, 2, null);
        window.add(Map.of("loss", 0.25), 1, 0.1, 0.01);
        window.write(3, 0, Map.of());
        List<String[]> rows = rows(dir);
        assertEquals(3, rows.size(), "step 3 of the cut invocation is dropped and written again");
        assertEquals("1000", rows.get(1)[6]);
        assertEquals("3", rows.get(2)[0]);
        double elapsed = Double.parseDouble(rows.get(2)[6]);
        assertTrue(elapsed >= 1000 && elapsed < 1100, "elapsed_s after resuming at step 2: " + elapsed);
        assertTrue(window.elapsedSeconds() >= 1000);
        double load = Double.parseDouble(rows.get(2)[7]);
        assertTrue(load >= 0 && load < 10_000, "the machine's load beside the row: " + load);

        // a fresh run starts its clock at 0
        RunDirectory fresh = new RunDirectory(tmp.resolve("fresh"));
        Files.createDirectories(fresh.root());
        MetricWindow first = new MetricWindow(fresh, TASK, 0, null);
        assertTrue(first.elapsedSeconds() < 100);
    }
}
