package org.multios.devices.display.host;

import static org.lwjgl.glfw.GLFW.*;
import static org.lwjgl.opengl.GL11.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.lwjgl.opengl.GL;
import org.lwjgl.opengl.GL12;
import org.multios.devices.display.DisplayMode;
import org.multios.devices.display.Vram;

/**
 * {@code --display window}: a GLFW window showing the framebuffer as an OpenGL texture. GLFW
 * and OpenGL live on one thread of their own; the machine thread only hands over the lines that
 * changed (uploaded with {@code glTexSubImage2D}), so a slow or minimised window never stalls the
 * guest. Keys typed into the window go to the guest's console as a terminal would send them
 * (Enter as CR, Backspace as DEL, arrows as ANSI escape sequences, Ctrl+letter as control codes).
 */
public final class WindowOutput implements DisplayOutput {
    /** Lines [first, end) of a picture of width x height, as BGRA bytes. */
    private record Update(int width, int height, int first, int end, ByteBuffer bgra) {}

    private final ConcurrentLinkedQueue<Update> updates = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<CompletableFuture<int[]>> readBacks = new ConcurrentLinkedQueue<>();
    private final Consumer<byte[]> keyboard;
    private final Thread thread;
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile String failure;
    private volatile boolean closing;

    WindowOutput(String title, Consumer<byte[]> keyboard) {
        this.keyboard = keyboard != null ? keyboard : b -> { };
        thread = new Thread(() -> loop(title), "multios-display");
        thread.setDaemon(true);
        thread.start();
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) throw new IllegalStateException(failure);
    }

    @Override
    public void frame(DisplayMode mode, Vram vram, int firstLine, int endLine) {
        if (mode == null) {
            updates.add(new Update(640, 480, 0, 480, ByteBuffer.allocateDirect(640 * 480 * 4)));
            return;
        }
        int w = mode.width();
        ByteBuffer b = ByteBuffer.allocateDirect((endLine - firstLine) * w * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int y = firstLine; y < endLine; y++) for (int x = 0; x < w; x++) b.putInt(mode.rgb(vram, x, y) | 0xff00_0000);
        b.flip();
        updates.add(new Update(w, mode.height(), firstLine, endLine, b));
    }

    /** The picture as the window shows it now (0xRRGGBB, top row first): for tests. */
    public int[] readBack(long timeoutMillis) throws Exception {
        CompletableFuture<int[]> f = new CompletableFuture<>();
        readBacks.add(f);
        glfwPostEmptyEvent();
        return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private void loop(String title) {
        long window;
        try {
            if (glfwPlatformSupported(GLFW_PLATFORM_X11)) glfwInitHint(GLFW_PLATFORM, GLFW_PLATFORM_X11);
            if (!glfwInit()) {
                failure = "cannot open a window: no display (is DISPLAY set?); use --display png:FILE instead";
                started.countDown();
                return;
            }
            glfwDefaultWindowHints();
            glfwWindowHint(GLFW_RESIZABLE, GLFW_TRUE);
            window = glfwCreateWindow(640, 480, title, 0, 0);
            if (window == 0) {
                failure = "cannot open a window: GLFW could not create an OpenGL context";
                glfwTerminate();
                started.countDown();
                return;
            }
            glfwMakeContextCurrent(window);
            GL.createCapabilities();
            glfwSetCharCallback(window, (w, codepoint) -> keyboard.accept(new String(Character.toChars(codepoint)).getBytes(StandardCharsets.UTF_8)));
            glfwSetKeyCallback(window, (w, key, scancode, action, mods) -> {
                if (action != GLFW_PRESS && action != GLFW_REPEAT) return;
                byte[] seq = KeyMap.bytes(key, mods);
                if (seq != null) keyboard.accept(seq);
            });
        } catch (Throwable t) {
            failure = "cannot open a window: " + t.getMessage();
            started.countDown();
            return;
        }
        started.countDown();
        int texture = glGenTextures();
        glBindTexture(GL_TEXTURE_2D, texture);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
        glEnable(GL_TEXTURE_2D);
        int width = 0, height = 0;
        while (!closing && !glfwWindowShouldClose(window)) {
            boolean changed = false;
            for (Update u; (u = updates.poll()) != null; changed = true) {
                if (u.width != width || u.height != height) {
                    width = u.width;
                    height = u.height;
                    glfwSetWindowSize(window, width, height);
                    // The X server resizes asynchronously; drawing before it has would go to a stale buffer.
                    int[] fw = new int[1], fh = new int[1];
                    for (int i = 0; i < 100; i++) {
                        glfwGetFramebufferSize(window, fw, fh);
                        if (fw[0] == width && fh[0] == height) break;
                        glfwWaitEventsTimeout(0.01);
                    }
                    // Mesa resizes a window's GL buffers when it next validates the drawable (at a swap):
                    // present one empty frame so the frame below is drawn at the new size.
                    glViewport(0, 0, width, height);
                    glClear(GL_COLOR_BUFFER_BIT);
                    glfwSwapBuffers(window);
                    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL12.GL_BGRA, GL_UNSIGNED_BYTE, (ByteBuffer) null);
                }
                glTexSubImage2D(GL_TEXTURE_2D, 0, 0, u.first, u.width, u.end - u.first, GL12.GL_BGRA, GL_UNSIGNED_BYTE, u.bgra);
            }
            if ((changed || !readBacks.isEmpty()) && width > 0) {
                int[] fbw = new int[1], fbh = new int[1];
                glfwGetFramebufferSize(window, fbw, fbh);
                glViewport(0, 0, fbw[0], fbh[0]);
                glClear(GL_COLOR_BUFFER_BIT);
                glMatrixMode(GL_PROJECTION);
                glLoadIdentity();
                glOrtho(0, 1, 1, 0, -1, 1); // texture row 0 (the guest's top line) at the top
                glBegin(GL_QUADS);
                glTexCoord2f(0, 0); glVertex2f(0, 0);
                glTexCoord2f(1, 0); glVertex2f(1, 0);
                glTexCoord2f(1, 1); glVertex2f(1, 1);
                glTexCoord2f(0, 1); glVertex2f(0, 1);
                glEnd();
                if (!readBacks.isEmpty()) {
                    glFinish();
                    int[] px = read(fbw[0], fbh[0]);
                    for (CompletableFuture<int[]> f; (f = readBacks.poll()) != null; ) f.complete(px);
                }
                glfwSwapBuffers(window);
            }
            glfwWaitEventsTimeout(1.0 / 60);
        }
        glfwDestroyWindow(window);
        glfwTerminate();
    }

    /** The back buffer we just drew, top row first. */
    private static int[] read(int w, int h) {
        ByteBuffer b = ByteBuffer.allocateDirect(w * h * 4).order(ByteOrder.LITTLE_ENDIAN);
        glReadPixels(0, 0, w, h, GL12.GL_BGRA, GL_UNSIGNED_BYTE, b);
        int[] px = new int[w * h];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) px[(h - 1 - y) * w + x] = b.getInt((y * w + x) * 4) & 0xff_ffff;
        return px;
    }

    @Override
    public void close() {
        closing = true;
        glfwPostEmptyEvent();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
