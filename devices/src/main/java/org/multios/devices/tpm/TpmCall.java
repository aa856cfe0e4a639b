package org.multios.devices.tpm;

/** One command being executed: its handles, parameter reader and response under construction. */
final class TpmCall {
    final int cc, locality;
    final int[] handles;
    final TpmReader in;
    final TpmWriter out = new TpmWriter();
    /** The handle returned in the response's handle area, if any. */
    Integer outHandle;
    /** Parameter number being read (for format-one response codes). */
    int param;

    TpmCall(int cc, int locality, int[] handles, TpmReader in) {
        this.cc = cc;
        this.locality = locality;
        this.handles = handles;
        this.in = in;
    }

    /** Marks the start of parameter {@code n} (1-based) for error reporting. */
    TpmReader p(int n) { param = n; return in; }
}
