package org.tbcm4j.eval;

/**
 * Class accuracy of class-conditional samples: the fraction whose class, as predicted by the
 * classifier (argmax of its logits), is the class that was requested from the generator.
 */
public final class ClassAccuracy {
    private ClassAccuracy() {}

    /** Fraction of i with {@code predicted[i] == requested[i]}. */
    public static double of(int[] predicted, int[] requested) {
        if (predicted.length != requested.length || predicted.length == 0) {
            throw new IllegalArgumentException("need equally many predicted and requested classes, at least one; got "
                    + predicted.length + " and " + requested.length);
        }
        int hits = 0;
        for (int i = 0; i < predicted.length; i++) {
            hits += predicted[i] == requested[i] ? 1 : 0;
        }
        return (double) hits / predicted.length;
    }

    /** Class accuracy from the classifier's logits (one row per sample). */
    public static double ofLogits(float[][] logits, int[] requested) {
        return of(predictedClasses(logits), requested);
    }

    /** The argmax of each row; on a tie, the lowest class index. */
    public static int[] predictedClasses(float[][] logits) {
        int[] classes = new int[logits.length];
        for (int i = 0; i < logits.length; i++) {
            float[] row = logits[i];
            if (row.length == 0) {
                throw new IllegalArgumentException("logits row " + i + " is empty");
            }
            int best = 0;
            for (int c = 1; c < row.length; c++) {
                if (row[c] > row[best]) {
                    best = c;
                }
            }
            classes[i] = best;
        }
        return classes;
    }
}
