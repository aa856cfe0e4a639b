package org.multios.devices.tpm;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * An external swtpm behind our register interfaces: {@code swtpm socket --tpm2 --server
 * type=tcp,port=P --ctrl type=tcp,port=C}. Commands go raw over the data socket (the response
 * is framed by the size in its own header); the control socket carries swtpm's CMD_INIT (power
 * on / _TPM_Init) and CMD_SET_LOCALITY, each a big-endian command word plus payload answered
 * by a result word. I/O failures become TPM_RC_FAILURE responses, as a dead TPM would give.
 */
public final class SwtpmBackend implements Tpm, AutoCloseable {
    static final int CMD_INIT = 0x02, CMD_SET_LOCALITY = 0x05;

    private final String host;
    private final int dataPort, ctrlPort;
    private Socket data, ctrl;
    private int locality = -1;

    /** @param ctrlPort swtpm's control port, or -1 when there is none (no power or locality signals). */
    public SwtpmBackend(String host, int dataPort, int ctrlPort) {
        this.host = host;
        this.dataPort = dataPort;
        this.ctrlPort = ctrlPort;
    }

    private Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(host, port), 5000);
        s.setTcpNoDelay(true);
        s.setSoTimeout(120_000);
        return s;
    }

    @Override
    public synchronized byte[] execute(int loc, byte[] command) {
        try {
            if (ctrlPort > 0 && loc != locality) {
                control(CMD_SET_LOCALITY, new byte[] {(byte) loc});
                locality = loc;
            }
            if (data == null) data = connect(dataPort);
            OutputStream out = data.getOutputStream();
            out.write(command);
            out.flush();
            DataInputStream in = new DataInputStream(data.getInputStream());
            byte[] header = new byte[10];
            in.readFully(header);
            int size = new TpmReader(header, 2, 6).u32();
            if (size < 10 || size > 1 << 16) throw new IOException("swtpm sent a response of size " + size);
            byte[] rsp = new byte[size];
            System.arraycopy(header, 0, rsp, 0, 10);
            in.readFully(rsp, 10, size - 10);
            return rsp;
        } catch (IOException | TpmException e) {
            closeQuietly();
            return TpmEngine.error(TpmRc.FAILURE);
        }
    }

    @Override
    public synchronized void powerOn() {
        if (ctrlPort <= 0) return;
        try {
            control(CMD_INIT, new byte[4]);
        } catch (IOException e) {
            closeQuietly();
        }
    }

    private void control(int cmd, byte[] payload) throws IOException {
        if (ctrl == null) ctrl = connect(ctrlPort);
        OutputStream out = ctrl.getOutputStream();
        byte[] msg = new TpmWriter().u32(cmd).bytes(payload).toBytes();
        out.write(msg);
        out.flush();
        int result = new DataInputStream(ctrl.getInputStream()).readInt();
        if (result != 0) throw new IOException("swtpm control command " + cmd + " failed: " + result);
    }

    private void closeQuietly() {
        for (Socket s : new Socket[] {data, ctrl}) {
            try {
                if (s != null) s.close();
            } catch (IOException ignored) {
                // already broken
            }
        }
        data = null;
        ctrl = null;
        locality = -1;
    }

    @Override
    public synchronized void close() { closeQuietly(); }
}
