package io.ams.app;

import io.ams.engine.atrest.MasterKey;
import io.ams.engine.atrest.SealedFileException;
import io.ams.engine.recording.RecordingExport;
import io.ams.engine.room.Room;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ams recording}: work with sealed recordings ({@code .amsrec}) offline, with the master key file. */
@Command(name = "recording", description = "Sealed (encrypted) recordings, offline.",
        subcommands = {RecordingCommand.Export.class})
public final class RecordingCommand {

    /** {@code ams recording export FILE -o OUT}. */
    @Command(name = "export", description = {"Decrypt, check and remux a sealed recording (.amsrec) into a standard file.",
            "The room's chat, if the recording holds any, goes next to it as WebVTT: OUT without its extension + .chat.vtt."})
    static final class Export implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The sealed recording (.amsrec).")
        Path sealed;

        @Option(names = {"-o", "--out"}, required = true, description = "Output: .webm/.mkv (VP8), .mp4/.mkv (H.264); not overwritten.")
        Path out;

        @Option(names = "--key-file", paramLabel = "FILE",
                description = "The master key (default: " + Room.MASTER_KEY_FILE + " next to the recording, as the engine keeps it).")
        Path keyFile;

        @Override
        public Integer call() {
            Path key = keyFile != null ? keyFile
                    : sealed.toAbsolutePath().getParent().resolve(Room.MASTER_KEY_FILE);
            try {
                RecordingExport.Result r = RecordingExport.export(sealed, MasterKey.load(key), out);
                spec.commandLine().getOut().printf(Locale.ROOT, "exported %s: %d frames, %.1f s, %d chunks checked, %s%n",
                        r.out(), r.frames(), r.seconds(), r.chunks(),
                        r.audioPackets() == 0 ? "no audio" : String.format(Locale.ROOT, "%.1f s of audio", r.audioPackets() * 0.02));
                if (r.chatFile() != null) {
                    spec.commandLine().getOut().printf(Locale.ROOT, "chat: %d line%s in %s%n", r.chatLines(),
                            r.chatLines() == 1 ? "" : "s", r.chatFile());
                }
                if (r.warning() != null) {
                    spec.commandLine().getErr().println("warning: " + r.warning() + "; exported what was complete");
                }
                return 0;
            } catch (SealedFileException e) {
                spec.commandLine().getErr().println("refused (" + e.problem().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                        + "): " + e.getMessage());
                return 3;
            } catch (IOException | RuntimeException e) {
                spec.commandLine().getErr().println("export failed: " + e.getMessage());
                return 1;
            }
        }
    }
}
