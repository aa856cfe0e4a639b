package org.multios.isa.x86.decode;

import java.util.List;

/**
 * The length decoder (SDM Vol. 2 chapter 2): legacy prefixes, REX, opcode escape bytes,
 * ModRM, SIB, displacement and immediates, with the operand- and address-size rules of
 * 16-, 32- and 64-bit code. It knows instruction formats only through {@link OpcodeMaps};
 * what an instruction does is left to the executor.
 */
public final class X86Decoder {
    public static final int MAX_LENGTH = 15;

    private X86Decoder() {}

    /**
     * Decodes one instruction.
     *
     * @param codeBits 16, 32 or 64 (CS.D / CS.L)
     */
    public static void decode(ByteSource src, int codeBits, X86Insn insn) throws DecodeException {
        insn.clear();
        insn.codeBits = codeBits;
        boolean long64 = codeBits == 64;
        int pos = 0;
        int lastMandatory = 0;
        // Legacy prefixes, any order; REX must come last.
        for (;; pos++) {
            if (pos >= MAX_LENGTH) throw new DecodeException("instruction longer than 15 bytes");
            int b = src.byteAt(pos);
            switch (b) {
                case 0xf0 -> insn.lock = true;
                case 0xf2 -> { insn.repne = true; insn.rep = false; lastMandatory = 0xf2; }
                case 0xf3 -> { insn.rep = true; insn.repne = false; lastMandatory = 0xf3; }
                case 0x66 -> { insn.opsizePrefix = true; insn.opsizeCount++; }
                case 0x67 -> insn.adsizePrefix = true;
                case 0x26 -> insn.segment = 0;
                case 0x2e -> insn.segment = 1;
                case 0x36 -> insn.segment = 2;
                case 0x3e -> insn.segment = 3;
                case 0x64 -> insn.segment = 4;
                case 0x65 -> insn.segment = 5;
                default -> { break; }
            }
            if (!(b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x66 || b == 0x67 || b == 0x26 || b == 0x2e
                    || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65)) break;
        }
        if (long64) {
            // In 64-bit mode ES/CS/SS/DS overrides are ignored (SDM 3.3.7.1).
            if (insn.segment >= 0 && insn.segment < 4) { insn.ignoredSegment = insn.segment; insn.segment = -1; }
            int b = src.byteAt(pos);
            if ((b & 0xf0) == 0x40) {
                insn.rex = b;
                pos++;
            }
        }
        int map = OpcodeMaps.ONE_BYTE;
        int op = src.byteAt(pos++);
        if (op == 0x0f) {
            op = src.byteAt(pos++);
            if (op == 0x38) { map = OpcodeMaps.MAP_0F38; op = src.byteAt(pos++); }
            else if (op == 0x3a) { map = OpcodeMaps.MAP_0F3A; op = src.byteAt(pos++); }
            else map = OpcodeMaps.MAP_0F;
        }
        insn.map = map;
        insn.opcode = op;
        insn.opReg = (op & 7) | ((insn.rex & 1) << 3);
        OpcodeMaps.Slot slot = OpcodeMaps.slot(map, op);
        if (slot == null) throw new DecodeException(String.format("undefined opcode %s%02x", mapName(map), op));
        int modrm = 0;
        if (slot.hasModrm()) {
            modrm = src.byteAt(pos++);
            insn.modrm = modrm;
        }
        int mandatory = 0;
        if (lastMandatory != 0 && slot.usesMandatoryPrefix(lastMandatory)) mandatory = lastMandatory;
        else if (insn.opsizePrefix && slot.usesMandatoryPrefix(0x66)) mandatory = 0x66;
        OpcodeEntry e = slot.select(mandatory, modrm);
        if (e == null) throw new DecodeException(String.format("undefined opcode %s%02x /%d", mapName(map), op, (modrm >> 3) & 7));
        if (long64 && e.has(OpcodeEntry.I64)) throw new DecodeException("instruction invalid in 64-bit mode: " + e.mnemonic());
        if (!long64 && e.has(OpcodeEntry.O64)) {
            // 63 is ARPL outside long mode; we do not implement it.
            throw new DecodeException("instruction valid only in 64-bit mode: " + e.mnemonic());
        }
        insn.entry = e;
        if (mandatory == 0x66) insn.opsizePrefix = false;
        if (mandatory == 0xf3) insn.rep = false;
        if (mandatory == 0xf2) insn.repne = false;

        // Operand and address size (SDM 3.6, 2.2.1.2).
        int osize;
        if (long64) {
            if (e.has(OpcodeEntry.F64)) osize = 8;
            else if (insn.rexW()) osize = 8;
            else if (insn.opsizePrefix) osize = 2;
            else osize = e.has(OpcodeEntry.D64) ? 8 : 4;
            insn.asize = insn.adsizePrefix ? 4 : 8;
        } else {
            int def = codeBits == 32 ? 4 : 2;
            osize = insn.opsizePrefix ? 6 - def : def;
            insn.asize = insn.adsizePrefix ? 6 - def : def;
        }
        insn.osize = osize;

        if (slot.hasModrm()) {
            insn.mod = modrm >> 6;
            insn.reg = ((modrm >> 3) & 7) | ((insn.rex & 4) << 1);
            insn.rm = (modrm & 7) | ((insn.rex & 1) << 3);
            if (insn.mod != 3) pos = memoryOperand(src, pos, insn, modrm);
        }
        // Immediates, in operand order.
        List<OperandSpec> ops = e.operands();
        boolean first = true;
        for (OperandSpec o : ops) {
            int n = immediateBytes(o, insn);
            if (n == 0) continue;
            long v = 0;
            if (o.method() == 'A') {
                // ptr16:16 / ptr16:32: offset then selector
                int offBytes = osize == 2 ? 2 : 4;
                for (int i = 0; i < offBytes; i++) v |= (long) src.byteAt(pos + i) << (8 * i);
                insn.imm = v;
                insn.imm2 = src.byteAt(pos + offBytes) | src.byteAt(pos + offBytes + 1) << 8;
                pos += offBytes + 2;
                first = false;
                continue;
            }
            for (int i = 0; i < n; i++) v |= (long) src.byteAt(pos + i) << (8 * i);
            pos += n;
            boolean signed = o.method() == 'J' || o.size() == 's' || o.size() == 'z' && osize == 8;
            if (signed && n < 8) v = (v << (64 - 8 * n)) >> (64 - 8 * n);
            if (first) insn.imm = v; else insn.imm2 = v;
            first = false;
        }
        if (pos > MAX_LENGTH) throw new DecodeException("instruction longer than 15 bytes");
        insn.length = pos;
    }

    private static int immediateBytes(OperandSpec o, X86Insn insn) {
        return switch (o.method()) {
            case 'I' -> switch (o.size()) {
                case 'b', 's' -> 1;
                case 'w' -> 2;
                case 'z' -> insn.osize == 2 ? 2 : 4;
                case 'v' -> insn.osize;
                default -> 4;
            };
            case 'J' -> o.size() == 'b' ? 1 : (insn.osize == 2 ? 2 : 4);
            case 'O' -> insn.asize;
            case 'A' -> 1; // handled specially
            default -> 0;
        };
    }

    private static int memoryOperand(ByteSource src, int pos, X86Insn insn, int modrm) throws DecodeException {
        int mod = modrm >> 6, rm = modrm & 7;
        if (insn.asize == 2) {
            // 16-bit addressing (SDM Table 2-1).
            int[] bases = {3, 3, 5, 5, 6, 7, 5, 3};     // BX BX BP BP SI DI BP BX
            int[] indexes = {6, 7, 6, 7, -1, -1, -1, -1}; // SI DI SI DI
            if (mod == 0 && rm == 6) {
                insn.disp = (short) (src.byteAt(pos) | src.byteAt(pos + 1) << 8);
                return pos + 2;
            }
            insn.base = bases[rm];
            insn.index = indexes[rm];
            if (mod == 1) { insn.disp = (byte) src.byteAt(pos); pos++; }
            else if (mod == 2) { insn.disp = (short) (src.byteAt(pos) | src.byteAt(pos + 1) << 8); pos += 2; }
            return pos;
        }
        int rexB = (insn.rex & 1) << 3, rexX = (insn.rex & 2) << 2;
        if (rm == 4) {
            int sib = src.byteAt(pos++);
            insn.scale = sib >> 6;
            int idx = ((sib >> 3) & 7) | rexX;
            insn.index = idx == 4 ? X86Insn.NO_REG : idx;
            int b = sib & 7;
            if (b == 5 && mod == 0) {
                insn.base = X86Insn.NO_REG;
                insn.disp = readInt(src, pos);
                return pos + 4;
            }
            insn.base = b | rexB;
        } else if (rm == 5 && mod == 0) {
            insn.base = insn.codeBits == 64 ? X86Insn.RIP : X86Insn.NO_REG;
            insn.disp = readInt(src, pos);
            return pos + 4;
        } else {
            insn.base = rm | rexB;
        }
        if (mod == 1) { insn.disp = (byte) src.byteAt(pos); pos++; }
        else if (mod == 2) { insn.disp = readInt(src, pos); pos += 4; }
        return pos;
    }

    private static int readInt(ByteSource src, int pos) {
        return src.byteAt(pos) | src.byteAt(pos + 1) << 8 | src.byteAt(pos + 2) << 16 | src.byteAt(pos + 3) << 24;
    }

    private static String mapName(int map) {
        return switch (map) {
            case OpcodeMaps.MAP_0F -> "0f ";
            case OpcodeMaps.MAP_0F38 -> "0f 38 ";
            case OpcodeMaps.MAP_0F3A -> "0f 3a ";
            default -> "";
        };
    }
}
