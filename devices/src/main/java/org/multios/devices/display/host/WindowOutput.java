package org.multios.devices.display.host;

import static org.lwjgl.glfw.GLFW.*;
import static org.lwjgl.opengl.GL11.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.lwjgl.opengl.GL;
import org.lwjgl.opengl.GL12;
import org.multios.devices.display.DisplayMode;
import org.multios.devices.display.Vram;

/**
 * {@code --display window}: a GLFW window showing the framebuffer. GLFW and OpenGL live on one
 * thread of their own; the machine thread only hands over finished frames (the newest wins), so a
 * slow or minimised window never stalls the guest.
 */
final class WindowOutput implements DisplayOutput {
    private record Frame(int width, int height, ByteBuffer bgra) {}

    private final AtomicReference<Frame> next = new AtomicReference<>();
    private final Thread thread;
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile String failure;
    private volatile boolean closing;

    WindowOutput(String title) {
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
    public void frame(DisplayMode mode, Vram vram) {
        if (mode == null) {
            next.set(new Frame(640, 480, ByteBuffer.allocateDirect(640 * 480 * 4)));
            return;
        }
        int[] px = mode.capture(vram);
        ByteBuffer b = ByteBuffer.allocateDirect(px.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int p : px) b.putInt(p | 0xff00_0000);
        b.flip();
        next.set(new Frame(mode.width(), mode.height(), b));
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
        } catch (Throwable t) {
            failure = "cannot open a window: " + t.getMessage();
            started.countDown();
            return;
        }
        started.countDown();
        int width = 640, height = 480;
        glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
        while (!closing && !glfwWindowShouldClose(window)) {
            Frame f = next.getAndSet(null);
            if (f != null) {
                if (f.width != width || f.height != height) {
                    width = f.width;
                    height = f.height;
                    glfwSetWindowSize(window, width, height);
                }
                int[] fbw = new int[1], fbh = new int[1];
                glfwGetFramebufferSize(window, fbw, fbh);
                glViewport(0, 0, fbw[0], fbh[0]);
                glClear(GL_COLOR_BUFFER_BIT);
                // Guest rows run top-down, GL's bottom-up: start at the top-left corner and zoom by -1 vertically.
                glMatrixMode(GL_PROJECTION);
                glLoadIdentity();
                glOrtho(0, width, 0, height, -1, 1);
                glRasterPos2i(0, height - 1);
                glPixelZoom((float) fbw[0] / width, -(float) fbh[0] / height);
                glDrawPixels(width, height, GL12.GL_BGRA, GL_UNSIGNED_BYTE, f.bgra);
                glfwSwapBuffers(window);
            }
            glfwWaitEventsTimeout(1.0 / 60);
        }
        glfwDestroyWindow(window);
        glfwTerminate();
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
