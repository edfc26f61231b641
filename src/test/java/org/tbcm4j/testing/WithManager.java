package org.tbcm4j.testing;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.tbcm4j.util.Backend;

/** A test with a fresh NDManager per test method, closed afterwards. */
public abstract class WithManager {
    protected NDManager m;

    @BeforeEach
    void openManager() {
        m = Backend.newManager();
    }

    @AfterEach
    void closeManager() {
        m.close();
    }
}
