package org.tbcm4j.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.tbcm4j.api.Generator;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.serve.GeneratorServer;
import org.tbcm4j.util.Home;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tbcm serve}: the student (and its teacher beside it) behind a page and a JSON/PNG API. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a student behind a page and JSON/PNG endpoints: pick a class, a guidance scale, 1 or 2 "
                + "steps and a seed, see its images and the teacher's from the same noise, each with its time.")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "The student (model.safetensors of a distillation).")
    String model;

    @Option(names = "--teacher", description = "The teacher drawn beside it, or 'none' (default: the teacher the student "
            + "records, when it is still there; else none, said in one line).")
    String teacher;

    @Option(names = "--autoencoder", description = "The autoencoder that decodes both (default: the one the student "
            + "records, else " + ModelFiles.DEFAULT_AUTOENCODER + ").")
    String autoencoder;

    @Option(names = "--port", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0: any free port).")
    int port;

    @Option(names = "--host", description = "Address to bind (default: the loopback address; 0.0.0.0 exposes it).")
    String host;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
        }
        Path ae = ModelFiles.autoencoderFileFor(Home.resolve(model), autoencoder);
        InetAddress address = host == null ? InetAddress.getLoopbackAddress() : InetAddress.getByName(host);
        ModelFiles.TeacherChoice choice = ModelFiles.teacherFor(Home.resolve(model), teacher);
        if (choice.note() != null) {
            System.out.println(choice.note());
        }
        try (Generator student = Generator.load(Home.resolve(model), ae);
                Generator reference = choice.file() == null ? null : Generator.load(choice.file(), ae);
                GeneratorServer server = GeneratorServer.start(student, reference, student.classNames(),
                        new InetSocketAddress(address, port))) {
            System.out.println("serving on http://" + address.getHostAddress() + ":" + server.port() + "/ (Ctrl-C stops)");
            new CountDownLatch(1).await();
        }
        return 0;
    }
}
