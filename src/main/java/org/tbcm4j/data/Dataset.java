package org.tbcm4j.data;

import java.util.List;

/**
 * A labelled image dataset, both splits, as every stage of the pipeline sees it.
 *
 * @param source where it was read from (for messages)
 * @param classNames one name per class id, used in grids, reports and JSON
 * @param size image edge in pixels (images are square)
 * @param channels 1 (gray) or 3 (RGB)
 * @param fingerprint a short digest of both splits' pixels and labels, which every model trained on it records
 */
public record Dataset(String source, LabeledImages train, LabeledImages test, List<String> classNames, int size,
        int channels, String fingerprint) {
    public int numClasses() {
        return classNames.size();
    }
}
