package org.tbcm4j.model;

import org.tbcm4j.data.Dataset;

/** Checks that a model's config fits the dataset it is about to train on, with the override that fixes it. */
public final class DataFit {
    private DataFit() {}

    /** The model takes {@code size}×{@code size} images of {@code channels} channels. */
    public static void requireImages(int size, int channels, Dataset data, String what) {
        if (size != data.size() || channels != data.channels()) {
            throw new IllegalArgumentException(what + " takes " + size + "×" + size + "×" + channels + " images but "
                    + data.source() + " holds " + data.size() + "×" + data.size() + "×" + data.channels()
                    + "; set model.image_size=" + data.size() + " and model.image_channels=" + data.channels());
        }
    }

    /** The model has {@code numClasses} classes. */
    public static void requireClasses(int numClasses, Dataset data, String what) {
        if (numClasses != data.numClasses()) {
            throw new IllegalArgumentException(what + " has " + numClasses + " classes but " + data.source() + " has "
                    + data.numClasses() + "; set model.num_classes=" + data.numClasses());
        }
    }
}
