package org.tbcm4j.cli;

import org.tbcm4j.util.ChildProcess;
import org.tbcm4j.checkpoint.CheckpointException;
import org.tbcm4j.config.ConfigException;
import org.tbcm4j.data.DataException;
import org.tbcm4j.util.RunFailure;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code tbcm} command: one subcommand per job. */
@Command(
        name = "tbcm",
        mixinStandardHelpOptions = true,
        version = "tbcm4j 0.1.0 (DJL 0.35.1, PyTorch 2.7.1 CPU)",
        description = "Image-free one-step distillation of diffusion models (TBCM), in Java.",
        subcommands = {TrainAutoencoderCommand.class, TrainClassifierCommand.class, TrainTeacherCommand.class,
            SampleCommand.class, EvalCommand.class, EvalSweepCommand.class, EvalNoiseCommand.class, EvalAutoencoderCommand.class,
            ReferenceFeaturesCommand.class, BlankLatentCommand.class, DistillCommand.class, RolloutsCommand.class, GapCommand.class, GuidanceResponseCommand.class,
            DemoCommand.class, ReportCommand.class, PipelineCommand.class, ShapesCommand.class, ExperimentCommand.class, ExperimentRunCommand.class, ExportCommand.class, ServeCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        ChildProcess.exitWithParentIfAsked();
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (0 success, 1 failure, 2 usage error). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main()).setOverwrittenOptionsAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof java.io.UncheckedIOException || e instanceof java.io.IOException) {
                commandLine.getErr().println("tbcm: error: " + ioProblem(e));
            } else if (isUserError(e)) {
                commandLine.getErr().println("tbcm: error: " + oneLine(e.getMessage()));
            } else {
                commandLine.getErr().println("tbcm: internal error (a bug; please report it):");
                e.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        return cli.execute(args);
    }

    /** Problems with the user's input, reported in one line rather than as a stack trace. */
    static boolean isUserError(Exception e) {
        return e instanceof DataException || e instanceof CheckpointException
                || e instanceof IllegalArgumentException || e instanceof ConfigException || e instanceof RunFailure;
    }

    /**
     * A failed read or write (full disk, read-only or missing directory, a file where a directory should
     * be) in one line: what was being done, and the system's reason.
     */
    static String ioProblem(Exception e) {
        String what = e.getMessage();
        Throwable cause = e instanceof java.io.UncheckedIOException ? e.getCause() : e;
        String why = cause instanceof java.nio.file.FileSystemException fs
                ? fs.getFile() + ": " + (fs.getReason() != null ? fs.getReason()
                        : cause.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2")
                                .toLowerCase(java.util.Locale.ROOT))
                : String.valueOf(cause.getMessage());
        return oneLine(what == null || what.equals(cause.getMessage()) ? why : what + ": " + why);
    }

    /** Messages may quote user input (a name with a newline); the error stays one line. */
    static String oneLine(String message) {
        return String.valueOf(message).replace("\r", "\\r").replace("\n", "\\n");
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
