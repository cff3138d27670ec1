package io.ams.app.ctl;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The dynamic RTP payload type range check shared by participant and destination commands. */
final class PayloadTypes {
    private PayloadTypes() {
    }

    static int check(CommandSpec spec, String option, int pt) {
        if (pt < 96 || pt > 127) {
            throw new ParameterException(spec.commandLine(),
                    "Invalid value for option '" + option + "': " + pt + " is not a dynamic payload type 96..127");
        }
        return pt;
    }
}
