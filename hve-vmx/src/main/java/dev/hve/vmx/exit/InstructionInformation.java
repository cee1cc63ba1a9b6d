package dev.hve.vmx.exit;

import dev.hve.emulator.decode.Instruction;

/**
 * The VM-exit instruction-information field for VMX instructions with an operand (Intel SDM Vol.
 * 3C §28.2.5, the instruction-information tables for VMCLEAR, VMPTRLD, VMPTRST and VMXON and
 * for VMREAD and VMWRITE): scaling 1:0, Reg1 6:3, address size 9:7, memory/register 10, segment 17:15, index
 * 21:18 with index-invalid 22, base 26:23 with base-invalid 27, Reg2 31:28. For a memory operand
 * the exit qualification holds the displacement.
 */
public final class InstructionInformation {

    public static final int REGISTER_OPERAND = 1 << 10;
    public static final int INDEX_INVALID = 1 << 22;
    public static final int BASE_INVALID = 1 << 27;
    /** Table 28-10 bit 11: the operand size is 32 bits (undefined for exits from 64-bit mode). */
    public static final int OPERAND_SIZE_32 = 1 << 11;

    private InstructionInformation() {
    }

    /** The VMCLEAR/VMPTRLD/VMPTRST/VMXON layout: a memory operand only. */
    public static int memoryOperand(Instruction in) {
        int info = addressSize(in) << 7 | (in.segment() & 7) << 15;
        if (in.index >= 0) {
            info |= (in.scale & 3) | (in.index & 0xF) << 18;
        } else {
            info |= INDEX_INVALID;
        }
        if (in.base >= 0 && !in.ripRelative) {
            info |= (in.base & 0xF) << 23;
        } else {
            info |= BASE_INVALID;
        }
        return info;
    }

    /** The VMREAD/VMWRITE layout: the r/m operand is Reg1 or memory, ModRM.reg is Reg2. */
    public static int vmreadVmwrite(Instruction in) {
        int info;
        if (in.isMemory()) {
            info = memoryOperand(in);
        } else {
            info = REGISTER_OPERAND | (in.rm & 0xF) << 3 | addressSize(in) << 7;
        }
        return info | (in.reg & 0xF) << 28;
    }

    /**
     * Tables 28-10 (LGDT, LIDT, SGDT, SIDT: reason 46) and 28-11 (LLDT, LTR, SLDT, STR: reason
     * 47): the memory operand's addressing as for the VMX instructions, the instruction identity
     * in 29:28; for the GDTR/IDTR group the operand size in 11 (1 = 32-bit), for the LDTR/TR group
     * a register operand in Reg1 (6:3) with bit 10 set.
     *
     * @param identity the instruction identity (0-3) within its group
     */
    public static int descriptorTable(Instruction in, boolean ldtrOrTr, int identity) {
        int info;
        if (ldtrOrTr && !in.isMemory()) {
            info = REGISTER_OPERAND | (in.rm & 0xF) << 3 | addressSize(in) << 7;
        } else {
            info = memoryOperand(in);
        }
        if (!ldtrOrTr && in.opSize != 2) {
            info |= OPERAND_SIZE_32;
        }
        return info | (identity & 3) << 28;
    }

    /** The exit qualification: the memory operand's displacement, sign-extended; 0 for a register operand. */
    public static long qualification(Instruction in) {
        return in.isMemory() ? in.disp : 0;
    }

    private static int addressSize(Instruction in) {
        return in.addrSize == 2 ? 0 : in.addrSize == 4 ? 1 : 2;
    }
}
