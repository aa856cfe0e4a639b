package org.multios.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.multios.devices.tpm.MssimServer;
import org.multios.devices.tpm.TpmEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code multios tpm}: the TPM 2.0 engine outside a machine. */
@Command(name = "tpm", description = "TPM 2.0 engine tools.", subcommands = TpmCommand.Serve.class,
        mixinStandardHelpOptions = true)
final class TpmCommand implements Runnable {
    @ParentCommand
    Multios top;

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(top.out);
    }

    /** {@code multios tpm serve}: our engine behind the MS simulator (mssim) socket protocol, for tpm2-tools. */
    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Serve the TPM over the mssim protocol: command port PORT, platform port PORT+1 "
                    + "(use TPM2TOOLS_TCTI=mssim:host=127.0.0.1,port=PORT).")
    static final class Serve implements Callable<Integer> {
        @ParentCommand
        TpmCommand parent;

        @Option(names = "--port", defaultValue = "2321", description = "Command port (default ${DEFAULT-VALUE}); the platform port is PORT+1.")
        int port;

        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}, loopback).")
        String host;

        @Option(names = "--state", description = "TPM state file (seeds, NV, hierarchy auth); created when missing. Without it the state is lost on exit.")
        Path state;

        @Override
        public Integer call() throws Exception {
            Multios top = parent.top;
            TpmEngine engine;
            try {
                engine = TpmEngine.open(state);
            } catch (IOException e) {
                throw new UserInputException(e.getMessage());
            } catch (UncheckedIOException e) {
                throw new UserInputException(e.getCause().getMessage());
            }
            MssimServer server;
            try {
                server = MssimServer.start(engine, host, port);
            } catch (IOException e) {
                throw new UserInputException(e.getMessage());
            }
            top.message("TPM 2.0 (mssim) listening on " + host + ":" + port + " (platform " + (port + 1) + ")"
                    + (state == null ? ", volatile state" : ", state " + state));
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            server.awaitStop();
            server.close();
            top.message("TPM server stopped");
            return 0;
        }
    }
}
