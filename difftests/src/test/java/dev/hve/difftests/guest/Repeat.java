package dev.hve.difftests.guest;

import dev.hve.difftests.asm.Cond;
import dev.hve.difftests.asm.Label;
import dev.hve.difftests.asm.Mem;
import dev.hve.difftests.asm.UnaryOp;
import java.util.List;

/**
 * Steps run {@code times} times over, in a loop counted in memory (so that no register the steps
 * use is taken): hot code for the block translator, which compiles a block only after it has been
 * entered a few times. The counter lies between the data area and the stack, inside the compared
 * memory.
 */
public record Repeat(List<Step> body, int times) implements Step {

    public static final long COUNTER = Layout.DATA + Layout.DATA_SIZE;

    public Repeat {
        body = List.copyOf(body);
    }

    @Override
    public void emit(GuestAsm g) {
        Mem counter = Mem.absolute(COUNTER, 4);
        Label top = new Label();
        g.asm().movImm(counter, times);
        g.asm().bind(top);
        for (Step step : body) {
            step.emit(g);
        }
        g.asm().unary(UnaryOp.DEC, counter);
        g.asm().jcc(Cond.NE, top);
    }
}
