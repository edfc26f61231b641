package org.tbcm4j.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.DiTConfig;
import org.tbcm4j.model.LatentGenerator;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Provenance;
import org.tbcm4j.model.Student;
import org.tbcm4j.model.StudentGenerator;
import org.tbcm4j.model.TeacherGenerator;
import org.tbcm4j.nn.Batched;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.trigflow.OdeSampler;
import org.tbcm4j.util.Backend;

/**
 * Images from a distilled student (or a teacher) in a few lines of Java:
 * <pre>{@code
 * try (Generator g = Generator.load(Path.of("runs/distill/model.safetensors"))) {
 *     List<BufferedImage> shirts = g.images(Generator.Request.of(6, 8).withSteps(1).withGuidance(3).withSeed(42));
 * }
 * }</pre>
 * A student takes one network evaluation per step (1 or 2 steps is its use); a teacher runs its ODE solver
 * (DPM-Solver++(2M), 16 steps is its usual setting). Sample i of a request draws its noise from (seed, i),
 * so the same request gives the same images, whatever else was generated before (and a longer request
 * begins with the same images, to float rounding). Thread-safe: calls are
 * serialised, because one call already uses every core through libtorch and concurrent calls would only
 * oversubscribe them.
 */
public final class Generator implements AutoCloseable {
    /** The guidance scale used when none is given: the shipped teacher's and student's FD-best w. */
    public static final double DEFAULT_GUIDANCE = 1.5;

    /** Most images one call makes (memory grows with it); larger requests are refused. */
    public static final int MAX_IMAGES = 1024;
    private static final int BATCH = 256;

    private final NDManager root;
    private final Autoencoder autoencoder;
    private final DiTConfig network;
    private final Student student;
    private final DiT teacher;
    private final List<String> classNames;

    /**
     * What to draw: one class id per image, the sampling steps, the guidance scale w and the seed.
     *
     * @param classes class ids in 0..numClasses−1 (numClasses, the null class, draws unconditionally)
     */
    public record Request(int[] classes, int steps, double guidance, long seed) {
        public Request {
            classes = classes.clone();
        }

        /** {@code count} images of class {@code classId}, one step, w {@value Generator#DEFAULT_GUIDANCE}, seed 0. */
        public static Request of(int classId, int count) {
            int[] ids = new int[count];
            Arrays.fill(ids, classId);
            return new Request(ids, 1, DEFAULT_GUIDANCE, 0);
        }

        public Request withSteps(int newSteps) {
            return new Request(classes, newSteps, guidance, seed);
        }

        public Request withGuidance(double w) {
            return new Request(classes, steps, w, seed);
        }

        public Request withSeed(long newSeed) {
            return new Request(classes, steps, guidance, newSeed);
        }
    }

    private Generator(NDManager root, Autoencoder autoencoder, Student student, DiT teacher, List<String> classNames) {
        this.root = root;
        this.classNames = List.copyOf(classNames);
        this.autoencoder = autoencoder;
        this.student = student;
        this.teacher = teacher;
        this.network = student != null ? student.config().backbone() : teacher.config();
    }

    /**
     * Loads a student or teacher file with the autoencoder it records (or, for a model that records none,
     * the shipped one).
     */
    public static Generator load(Path model) {
        return load(model, ModelFiles.autoencoderFileFor(model, null));
    }

    /** Loads a student or teacher file (its kind is read from the file) and the autoencoder that decodes its latents. */
    public static Generator load(Path model, Path autoencoder) {
        NDManager root = Backend.newManager();
        try {
            Autoencoder ae = ModelFiles.autoencoder(autoencoder, root);
            ModelFiles.Generative g = ModelFiles.generative(model, ae, autoencoder, root);
            return new Generator(root, ae, g.student(), g.teacher(),
                    Provenance.read(model).classNamesOr(g.network().numClasses(), autoencoder));
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
    }

    /** The number of classes (ids 0..numClasses−1; numClasses itself is the unconditional null class). */
    public int numClasses() {
        return network.numClasses();
    }

    /** Class names by id: the dataset's, as the model records them (the class ids when it records none). */
    public List<String> classNames() {
        return classNames;
    }

    /** The images' edge in pixels. */
    public int imageSize() {
        return autoencoder.config().imageSize();
    }

    /** 1 (gray) or 3 (RGB). */
    public int imageChannels() {
        return autoencoder.config().imageChannels();
    }

    /** Gray or RGB images, one per requested class. */
    public List<BufferedImage> images(Request request) {
        float[][] pixels = pixels(request);
        int size = imageSize();
        int plane = size * size;
        boolean gray = imageChannels() == 1;
        List<BufferedImage> out = new ArrayList<>();
        for (float[] p : pixels) {
            BufferedImage img = new BufferedImage(size, size, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
            for (int i = 0; i < plane; i++) {
                for (int c = 0; c < imageChannels(); c++) {
                    img.getRaster().setSample(i % size, i / size, c, Math.round(255 * p[c * plane + i]));
                }
            }
            out.add(img);
        }
        return out;
    }

    /** Pixels in [0, 1], channel planes then rows (row-major), one array per requested class. */
    public synchronized float[][] pixels(Request request) {
        check(request);
        LatentGenerator generator = student != null
                ? new StudentGenerator(student, request.steps(), 1.0, request.guidance(), request.seed())
                : new TeacherGenerator(teacher, OdeSampler.parse("dpm2m"), request.steps(), request.guidance(), 1.0);
        long[] latent = autoencoder.latentShape();
        int per = Math.toIntExact(latent[0] * latent[1] * latent[2]);
        int n = request.classes().length;
        float[][] out = new float[n][];
        Batched.forEach(root, n, BATCH, (start, count, m) -> {
            long[] ids = new long[count];
            long[] indices = new long[count];
            float[] noise = new float[count * per];
            for (int b = 0; b < count; b++) {
                ids[b] = request.classes()[start + b];
                indices[b] = start + b;
                LatentGenerator.startingNoise(request.seed(), start + b, noise, b * per, per);
            }
            NDArray z = Tensors.float32(m, noise, count, latent[0], latent[1], latent[2]);
            NDArray y = generator.generate(Tensors.classIds(m, ids), z, indices);
            float[] images = autoencoder.decode(Scalars.div(y, autoencoder.latentScale())).clip(-1, 1).toFloatArray();
            int pixels = images.length / count;
            for (int b = 0; b < count; b++) {
                float[] p = new float[pixels];
                for (int i = 0; i < pixels; i++) {
                    p[i] = (images[b * pixels + i] + 1) / 2;
                }
                out[start + b] = p;
            }
        });
        return out;
    }

    private void check(Request r) {
        if (r.classes().length < 1 || r.classes().length > MAX_IMAGES) {
            throw new IllegalArgumentException("a request draws 1 to " + MAX_IMAGES + " images, got " + r.classes().length);
        }
        for (int c : r.classes()) {
            if (c < 0 || c > numClasses()) {
                throw new IllegalArgumentException("class id " + c + " is outside 0.." + numClasses() + " (" + numClasses()
                        + " is the unconditional null class)");
            }
        }
        int maxSteps = student != null ? 8 : 1000;
        if (r.steps() < 1 || r.steps() > maxSteps) {
            throw new IllegalArgumentException("steps must be between 1 and " + maxSteps + ", got " + r.steps());
        }
    }

    @Override
    public synchronized void close() {
        root.close();
    }
}
