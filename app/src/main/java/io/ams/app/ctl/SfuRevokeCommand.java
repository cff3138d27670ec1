package io.ams.app.ctl;

import io.ams.proto.v1.RevokeTokenRequest;
import io.ams.proto.v1.RevokeTokenResponse;
import io.ams.proto.v1.SfuGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ams ctl sfu revoke TOKEN-ID}: the token admits nobody any more; sessions using it end. */
@Command(name = "revoke", description = "Revoke a join token by its id (printed by 'ams ctl token'): it admits nobody "
        + "any more, and whoever is in a room with it is disconnected.")
final class SfuRevokeCommand extends SfuSubcommand {
    @Parameters(index = "0", paramLabel = "TOKEN-ID")
    String tokenId;

    @Option(names = "--reason", paramLabel = "WORDS", description = "Shown to whoever tries the token again.")
    String reason;

    @Override
    protected void run(SfuGrpc.SfuBlockingStub sfu) {
        RevokeTokenResponse r = sfu.revokeToken(RevokeTokenRequest.newBuilder().setTokenId(tokenId)
                .setReason(reason == null ? "" : reason).build());
        print(r, () -> out().printf("token %s revoked%s%s%n", r.getTokenId(),
                r.getEndedCount() == 0 ? "" : "; ended " + String.join(", ", r.getEndedList()),
                r.getPersisted() ? "" : " (in memory only: the revoked-tokens file could not be written)"));
    }
}
