package org.multios.kernel.fs.gpt;

import java.io.IOException;

/** The disk has no usable GPT (message says which structure failed and why). */
public final class GptException extends IOException {
    public GptException(String message) { super(message); }
}
