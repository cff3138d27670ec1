package io.ams.app.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ams ctl recording}: sealed recordings of rooms (StartRecording, StopRecording, ListRecordings, AddRecordingText). */
@Command(name = "recording", aliases = "recordings",
        description = "Start, stop and list sealed recordings, add chat lines to them; export them with 'ams recording export'.",
        subcommands = {RecordingStartCommand.class, RecordingStopCommand.class, RecordingListCommand.class,
                RecordingTextCommand.class})
public final class RecordingCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: start, stop, list or text");
    }
}
