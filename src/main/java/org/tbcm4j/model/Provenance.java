package org.tbcm4j.model;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tbcm4j.checkpoint.CheckpointException;
import org.tbcm4j.checkpoint.Fingerprint;
import org.tbcm4j.checkpoint.ModelFile;
import org.tbcm4j.checkpoint.SafetensorsHeader;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.util.Json;

/**
 * What a model file records of where it comes from: the dataset it learned (fingerprint and class names)
 * and, for a diffusion model, the autoencoder whose latents it learned (fingerprint and the file it was
 * read from, so a sampler can find it). Every key is optional: files written before a key existed lack it,
 * and a check that needs a missing key is skipped, never guessed.
 *
 * @param dataset the dataset's fingerprint, or null
 * @param classNames one name per class id, or null
 * @param autoencoder the autoencoder's fingerprint, or null
 * @param autoencoderFile where that autoencoder was read from (absolute), or null
 * @param teacherFile for a student, the teacher it was distilled from (absolute), or null
 * @param teacherSha256 that teacher file's SHA-256, so that a file since replaced is not taken for it, or null
 */
public record Provenance(String dataset, List<String> classNames, String autoencoder, String autoencoderFile,
        String teacherFile, String teacherSha256) {
    public static final String KEY_DATASET = "dataset";
    public static final String KEY_CLASS_NAMES = "class_names";
    public static final String KEY_AUTOENCODER_FILE = "autoencoder_file";
    public static final String KEY_TEACHER_FILE = "teacher_file";
    public static final String KEY_TEACHER_SHA256 = "teacher_sha256";
    /** Class names of a model that records none: a file of this name beside its autoencoder, one per line. */
    public static final String NAMES_FILE = "classes.txt";

    public static final Provenance NONE = new Provenance(null, null, null, null, null, null);

    /** A model trained on {@code data}'s images. */
    public static Provenance of(Dataset data) {
        return new Provenance(data.fingerprint(), data.classNames(), null, null, null, null);
    }

    /** A diffusion model trained on {@code data}'s latents under {@code ae} (read from {@code aeFile}). */
    public static Provenance of(Dataset data, Autoencoder ae, Path aeFile) {
        return new Provenance(data.fingerprint(), data.classNames(), Fingerprint.of(ae),
                aeFile.toAbsolutePath().normalize().toString(), null, null);
    }

    /** A student's: what its teacher records (dataset, classes, autoencoder), and the teacher file itself. */
    public static Provenance ofStudent(Path teacherFile) {
        Provenance t = read(teacherFile);
        return new Provenance(t.dataset(), t.classNames(), t.autoencoder(), t.autoencoderFile(),
                teacherFile.toAbsolutePath().normalize().toString(), org.tbcm4j.util.Digests.sha256(teacherFile));
    }

    /** Headers already parsed, by the file's identity: one command checks one file several times. */
    private static final Map<FileIdentity, Provenance> READ = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_KEPT = 64;

    /** A file as it is now: a rewrite (a new inode by our atomic rename, or a new size or time) is another. */
    private record FileIdentity(Path path, Object inode, long size, long modified) {
        static FileIdentity of(Path file) {
            try {
                java.nio.file.attribute.BasicFileAttributes a = java.nio.file.Files.readAttributes(file,
                        java.nio.file.attribute.BasicFileAttributes.class);
                return new FileIdentity(file.toAbsolutePath().normalize(), a.fileKey(), a.size(),
                        a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS));
            } catch (IOException e) {
                return null; // unreadable: parse (and fail) as before
            }
        }
    }

    /** What {@code file} records (its header parsed once per version of the file). */
    public static Provenance read(Path file) {
        FileIdentity id = FileIdentity.of(file);
        if (id == null || id.inode() == null) {
            return parse(file);
        }
        Provenance kept = READ.get(id);
        if (kept != null) {
            return kept;
        }
        Provenance p = parse(file);
        if (READ.size() >= MAX_KEPT) {
            READ.clear();
        }
        READ.put(id, p);
        return p;
    }

    private static Provenance parse(Path file) {
        Map<String, String> meta = SafetensorsHeader.read(file).metadata();
        List<String> names = null;
        String json = meta.get(KEY_CLASS_NAMES);
        if (json != null) {
            try {
                names = Json.JSON.readValue(json, new TypeReference<List<String>>() {});
            } catch (IOException e) {
                throw new CheckpointException(file, "its class_names metadata is not a list of names");
            }
        }
        return new Provenance(meta.get(KEY_DATASET), names, meta.get(ModelFile.KEY_AUTOENCODER),
                meta.get(KEY_AUTOENCODER_FILE), meta.get(KEY_TEACHER_FILE), meta.get(KEY_TEACHER_SHA256));
    }

    /** The metadata entries to write beside a model's weights. */
    public Map<String, String> metadata() {
        Map<String, String> meta = new LinkedHashMap<>();
        if (dataset != null) {
            meta.put(KEY_DATASET, dataset);
        }
        if (classNames != null) {
            meta.put(KEY_CLASS_NAMES, Json.write(classNames));
        }
        if (autoencoder != null) {
            meta.put(ModelFile.KEY_AUTOENCODER, autoencoder);
        }
        if (autoencoderFile != null) {
            meta.put(KEY_AUTOENCODER_FILE, autoencoderFile);
        }
        if (teacherFile != null) {
            meta.put(KEY_TEACHER_FILE, teacherFile);
        }
        if (teacherSha256 != null) {
            meta.put(KEY_TEACHER_SHA256, teacherSha256);
        }
        return meta;
    }

    /**
     * Refuses to use {@code modelFile} with {@code data} when both name their dataset and the names differ,
     * e.g. a teacher trained on one dataset distilled with another's images.
     */
    public void requireDataset(Dataset data, Path modelFile) {
        if (dataset != null && !dataset.equals(data.fingerprint())) {
            throw new IllegalArgumentException(modelFile + " was trained on dataset " + dataset + ", but --data "
                    + data.source() + " is dataset " + data.fingerprint() + "; pass the --data it was trained on");
        }
    }

    /**
     * Refuses to score {@code modelFile}'s images with {@code classifierFile} when the two record different
     * datasets: a classifier of other classes scores them as nonsense (an MNIST model scored by the
     * Fashion-MNIST classifier reads as 20 % accurate, with no warning).
     */
    public static void requireSameDataset(Path modelFile, Path classifierFile) {
        String model = read(modelFile).dataset();
        String classifier = read(classifierFile).dataset();
        if (model != null && classifier != null && !model.equals(classifier)) {
            throw new IllegalArgumentException(modelFile + " was trained on dataset " + model + " but the classifier "
                    + classifierFile + " on dataset " + classifier + "; pass the classifier and reference of its dataset");
        }
    }

    /**
     * The class names to show for a model with {@code numClasses} classes: its own, else those in a
     * classes.txt beside {@code autoencoderFile} (how the shipped models, older than this key, name theirs),
     * else the class ids.
     */
    public List<String> classNamesOr(int numClasses, Path autoencoderFile) {
        if (classNames != null && classNames.size() == numClasses) {
            return classNames;
        }
        Path beside = autoencoderFile == null ? null : autoencoderFile.toAbsolutePath().getParent();
        if (beside != null && Files.isRegularFile(beside.resolve(NAMES_FILE))) {
            try {
                List<String> lines = Files.readAllLines(beside.resolve(NAMES_FILE), StandardCharsets.UTF_8).stream()
                        .map(String::strip).filter(s -> !s.isEmpty()).toList();
                if (lines.size() == numClasses) {
                    return lines;
                }
            } catch (IOException e) {
                // unreadable names are not worth failing a generation for: fall through to the ids
            }
        }
        List<String> ids = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            ids.add(Integer.toString(c));
        }
        return ids;
    }
}
