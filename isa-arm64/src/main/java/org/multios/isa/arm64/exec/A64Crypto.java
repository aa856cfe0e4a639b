package org.multios.isa.arm64.exec;

import org.multios.isa.arm64.A64Cpu;
import org.multios.isa.arm64.decode.A64Op;

/**
 * The cryptographic extension (FEAT_AES with PMULL, FEAT_SHA1, FEAT_SHA256; Arm ARM C4.1.90
 * "Cryptographic AES", "three-register SHA", "two-register SHA"), as the manual's AESSubBytes,
 * AESMixColumns, SHA1/SHA256 hash and schedule pseudocode define them.
 */
final class A64Crypto {
    private static final int[] SBOX = new int[256], INV_SBOX = new int[256];

    static {
        // the AES S-box from its definition: multiplicative inverse in GF(2^8), then the affine map
        for (int x = 0; x < 256; x++) {
            int inv = 0;
            if (x != 0) {
                for (int y = 1; y < 256; y++) {
                    if (gmul(x, y) == 1) { inv = y; break; }
                }
            }
            int s = inv ^ rotl8(inv, 1) ^ rotl8(inv, 2) ^ rotl8(inv, 3) ^ rotl8(inv, 4) ^ 0x63;
            SBOX[x] = s;
            INV_SBOX[s] = x;
        }
    }

    private static int rotl8(int x, int r) { return ((x << r) | (x >>> (8 - r))) & 0xff; }

    static int gmul(int a, int b) {
        int p = 0;
        for (int k = 0; k < 8; k++) {
            if ((b & 1) != 0) p ^= a;
            boolean hi = (a & 0x80) != 0;
            a = (a << 1) & 0xff;
            if (hi) a ^= 0x1b;
            b >>= 1;
        }
        return p;
    }

    private final A64Cpu cpu;
    private final long[] v;

    A64Crypto(A64Cpu cpu) {
        this.cpu = cpu;
        this.v = cpu.vreg;
    }

    void execute(A64Op op, int i) {
        cpu.checkFpEnabled();
        switch (op) {
            case SIMD_AES -> aes(i);
            case SIMD_SHA3 -> sha3(i);
            case SIMD_SHA2 -> sha2(i);
            default -> throw cpu.undefined();
        }
    }

    private static int[] bytes(long[] a) {
        int[] b = new int[16];
        for (int k = 0; k < 16; k++) b[k] = (int) Vec.get(a, k, 8);
        return b;
    }

    private static long[] pack(int[] b) {
        long[] a = new long[2];
        for (int k = 0; k < 16; k++) Vec.set(a, k, 8, b[k]);
        return a;
    }

    private void aes(int i) {
        int size = (i >>> 22) & 3, opcode = (i >>> 12) & 31, rd = A64Executor.rd(i), rn = A64Executor.rn(i);
        if (size != 0 || opcode < 4 || opcode > 7) throw cpu.undefined();
        int[] s = bytes(Vec.read(v, rn)), out = new int[16];
        switch (opcode) {
            case 4, 5 -> { // AESE, AESD: AddRoundKey, (Inv)ShiftRows, (Inv)SubBytes
                int[] d = bytes(Vec.read(v, rd));
                for (int k = 0; k < 16; k++) s[k] ^= d[k];
                for (int c = 0; c < 4; c++) {
                    for (int r = 0; r < 4; r++) {
                        if (opcode == 4) out[r + 4 * c] = SBOX[s[r + 4 * ((c + r) & 3)]];
                        else out[r + 4 * ((c + r) & 3)] = INV_SBOX[s[r + 4 * c]];
                    }
                }
            }
            case 6 -> { // AESMC
                for (int c = 0; c < 4; c++) {
                    int a0 = s[4 * c], a1 = s[4 * c + 1], a2 = s[4 * c + 2], a3 = s[4 * c + 3];
                    out[4 * c] = gmul(a0, 2) ^ gmul(a1, 3) ^ a2 ^ a3;
                    out[4 * c + 1] = a0 ^ gmul(a1, 2) ^ gmul(a2, 3) ^ a3;
                    out[4 * c + 2] = a0 ^ a1 ^ gmul(a2, 2) ^ gmul(a3, 3);
                    out[4 * c + 3] = gmul(a0, 3) ^ a1 ^ a2 ^ gmul(a3, 2);
                }
            }
            default -> { // AESIMC
                for (int c = 0; c < 4; c++) {
                    int a0 = s[4 * c], a1 = s[4 * c + 1], a2 = s[4 * c + 2], a3 = s[4 * c + 3];
                    out[4 * c] = gmul(a0, 14) ^ gmul(a1, 11) ^ gmul(a2, 13) ^ gmul(a3, 9);
                    out[4 * c + 1] = gmul(a0, 9) ^ gmul(a1, 14) ^ gmul(a2, 11) ^ gmul(a3, 13);
                    out[4 * c + 2] = gmul(a0, 13) ^ gmul(a1, 9) ^ gmul(a2, 14) ^ gmul(a3, 11);
                    out[4 * c + 3] = gmul(a0, 11) ^ gmul(a1, 13) ^ gmul(a2, 9) ^ gmul(a3, 14);
                }
            }
        }
        Vec.write(v, rd, pack(out), true);
    }

    private static int[] words(long[] a) {
        return new int[] {(int) a[0], (int) (a[0] >>> 32), (int) a[1], (int) (a[1] >>> 32)};
    }

    private static long[] fromWords(int[] w) {
        return new long[] {(w[0] & 0xffffffffL) | ((long) w[1] << 32), (w[2] & 0xffffffffL) | ((long) w[3] << 32)};
    }

    private static int choose(int x, int y, int z) { return ((y ^ z) & x) ^ z; }
    private static int majority(int x, int y, int z) { return (x & y) | ((x | y) & z); }
    private static int parity(int x, int y, int z) { return x ^ y ^ z; }

    private void sha3(int i) {
        int size = (i >>> 22) & 3, opcode = (i >>> 12) & 7;
        int rd = A64Executor.rd(i), rn = A64Executor.rn(i), rm = A64Executor.rm(i);
        if (size != 0 || opcode == 7) throw cpu.undefined();
        int[] d = words(Vec.read(v, rd)), n = words(Vec.read(v, rn)), m = words(Vec.read(v, rm));
        int[] r;
        switch (opcode) {
            case 0, 1, 2 -> { // SHA1C, SHA1P, SHA1M
                int[] x = d.clone();
                int y = n[0];
                for (int e = 0; e < 4; e++) {
                    int t = opcode == 0 ? choose(x[1], x[2], x[3]) : opcode == 1 ? parity(x[1], x[2], x[3]) : majority(x[1], x[2], x[3]);
                    y = y + Integer.rotateLeft(x[0], 5) + t + m[e];
                    x[1] = Integer.rotateLeft(x[1], 30);
                    int top = x[3];
                    x = new int[] {y, x[0], x[1], x[2]};
                    y = top;
                }
                r = x;
            }
            case 3 -> { // SHA1SU0
                int[] t = {d[2], d[3], n[0], n[1]};
                r = new int[4];
                for (int e = 0; e < 4; e++) r[e] = t[e] ^ d[e] ^ m[e];
            }
            case 4, 5 -> r = sha256Hash(opcode == 4 ? d : n, opcode == 4 ? n : d, m, opcode == 4);
            default -> { // SHA256SU1
                int[] t0 = {n[1], n[2], n[3], m[0]};
                r = new int[4];
                int[] t1 = {m[2], m[3]};
                for (int e = 0; e < 2; e++) r[e] = sigma1Schedule(t1[e]) + d[e] + t0[e];
                for (int e = 2; e < 4; e++) r[e] = sigma1Schedule(r[e - 2]) + d[e] + t0[e];
            }
        }
        Vec.write(v, rd, fromWords(r), true);
    }

    private static int sigma1Schedule(int x) { return Integer.rotateRight(x, 17) ^ Integer.rotateRight(x, 19) ^ (x >>> 10); }

    /** SHA256hash: four rounds on state halves X (a..d) and Y (e..h); part1 returns X (SHA256H), else Y (SHA256H2). */
    private static int[] sha256Hash(int[] xIn, int[] yIn, int[] w, boolean part1) {
        int[] x = xIn.clone(), y = yIn.clone();
        for (int e = 0; e < 4; e++) {
            int chs = choose(y[0], y[1], y[2]);
            int maj = majority(x[0], x[1], x[2]);
            int t = y[3] + (Integer.rotateRight(y[0], 6) ^ Integer.rotateRight(y[0], 11) ^ Integer.rotateRight(y[0], 25)) + chs + w[e];
            x[3] = t + x[3];
            y[3] = t + (Integer.rotateRight(x[0], 2) ^ Integer.rotateRight(x[0], 13) ^ Integer.rotateRight(x[0], 22)) + maj;
            // (Y, X) = ROL(Y:X, 32)
            int xTop = x[3], yTop = y[3];
            x = new int[] {yTop, x[0], x[1], x[2]};
            y = new int[] {xTop, y[0], y[1], y[2]};
        }
        return part1 ? x : y;
    }

    private void sha2(int i) {
        int size = (i >>> 22) & 3, opcode = (i >>> 12) & 31, rd = A64Executor.rd(i), rn = A64Executor.rn(i);
        if (size != 0 || opcode > 2) throw cpu.undefined();
        int[] d = words(Vec.read(v, rd)), n = words(Vec.read(v, rn));
        switch (opcode) {
            case 0 -> Vec.writeScalar(v, rd, Integer.rotateLeft(n[0], 30) & 0xffffffffL, 32); // SHA1H
            case 1 -> { // SHA1SU1
                int[] t = {d[0] ^ n[1], d[1] ^ n[2], d[2] ^ n[3], d[3]};
                int[] r = {Integer.rotateLeft(t[0], 1), Integer.rotateLeft(t[1], 1), Integer.rotateLeft(t[2], 1),
                        Integer.rotateLeft(t[3], 1) ^ Integer.rotateLeft(t[0], 2)};
                Vec.write(v, rd, fromWords(r), true);
            }
            default -> { // SHA256SU0
                int[] t = {d[1], d[2], d[3], n[0]};
                int[] r = new int[4];
                for (int e = 0; e < 4; e++) {
                    int x = t[e];
                    r[e] = (Integer.rotateRight(x, 7) ^ Integer.rotateRight(x, 18) ^ (x >>> 3)) + d[e];
                }
                Vec.write(v, rd, fromWords(r), true);
            }
        }
    }
}
