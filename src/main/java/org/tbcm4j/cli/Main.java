package org.tbcm4j.cli;

import org.tbcm4j.bench.ChildProcess;
import org.tbcm4j.checkpoint.CheckpointException;
import org.tbcm4j.config.ConfigException;
import org.tbcm4j.data.DataException;
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
            ReferenceFeaturesCommand.class, BlankLatentCommand.class, DistillCommand.class, GapCommand.class,
            DemoCommand.class, ExperimentCommand.class, ExperimentRunCommand.class,
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
            if (isUserError(e)) {
                commandLine.getErr().println("tbcm: error: " + e.getMessage());
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
                || e instanceof IllegalArgumentException || e instanceof ConfigException;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
