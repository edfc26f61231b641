package org.tbcm4j.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST format), gzip-compressed or raw: a magic number 0x0000TTNN (TT = 0x08
 * for unsigned bytes, NN = number of dimensions), NN big-endian int32 sizes, then the data row-major.
 */
public final class IdxReader {
    private static final int UNSIGNED_BYTE = 0x08;

    /** The dimensions and raw unsigned bytes of an IDX file. */
    public record Idx(int[] dims, byte[] data) {
        public int count() {
            return dims[0];
        }
    }

    private IdxReader() {}

    /** Reads {@code file}, which must hold unsigned bytes with {@code expectedRank} dimensions. */
    public static Idx read(Path file, int expectedRank) {
        try (InputStream in = open(file)) {
            byte[] head = in.readNBytes(4);
            if (head.length < 4) {
                throw new DataException(file + ": truncated IDX file (no header)");
            }
            int magic = ByteBuffer.wrap(head).getInt();
            int type = (magic >>> 8) & 0xFF;
            int rank = magic & 0xFF;
            if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE || rank != expectedRank) {
                throw new DataException(String.format("%s: bad IDX magic number 0x%08X (expected 0x%08X: "
                        + "unsigned bytes, %d dimensions)", file, magic, (UNSIGNED_BYTE << 8) | expectedRank, expectedRank));
            }
            byte[] dimBytes = in.readNBytes(4 * rank);
            if (dimBytes.length < 4 * rank) {
                throw new DataException(file + ": truncated IDX file (incomplete header)");
            }
            ByteBuffer dimBuffer = ByteBuffer.wrap(dimBytes);
            int[] dims = new int[rank];
            long size = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = dimBuffer.getInt();
                if (dims[i] <= 0) {
                    throw new DataException(file + ": IDX dimension " + i + " is " + dims[i]);
                }
                size *= dims[i];
            }
            if (size > Integer.MAX_VALUE - 16) {
                throw new DataException(file + ": IDX data of " + size + " bytes is too large");
            }
            byte[] data = in.readNBytes((int) size);
            if (data.length < size) {
                throw new DataException(file + ": truncated IDX file: " + data.length + " of " + size + " data bytes");
            }
            if (in.read() != -1) {
                throw new DataException(file + ": corrupt IDX file: bytes follow the " + size + " data bytes");
            }
            return new Idx(dims, data);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file");
        } catch (EOFException e) {
            throw new DataException(file + ": truncated gzip stream");
        } catch (ZipException e) {
            throw new DataException(file + ": corrupt gzip stream (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new DataException(file + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    /** Opens raw or gzip (detected by its 1f 8b magic) input. */
    private static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new GZIPInputStream(raw, 1 << 16);
        }
        return raw;
    }
}
