package dev.jgrad.kernels;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The slot table behind {@link ArrayPool} and {@link FreshArrays}: one entry per length and dtype,
 * free slots filled first, then the least recently used entry replaced and told so.
 */
class SizeTableTest {
    private final List<String> dropped = new ArrayList<>();

    private final class Named extends SizeTable.Entry {
        Named(boolean doubles, int length) {
            super(doubles, length);
        }

        @Override
        void dropped() {
            dropped.add((doubles ? "d" : "f") + length);
        }
    }

    private final SizeTable<Named> table = new SizeTable<>(3, Named::new);

    @Test
    void lengthAndDtypeTogetherNameAnEntry() {
        Named f = table.findOrAdd(false, 100);
        Named d = table.findOrAdd(true, 100);
        assertTrue(f != d);
        assertSame(f, table.findOrAdd(false, 100));
        assertSame(d, table.find(true, 100));
        assertNull(table.find(false, 101));
        assertEquals(400, f.bytes);
        assertEquals(800, d.bytes);
        assertTrue(dropped.isEmpty());
    }

    @Test
    void theLeastRecentlyUsedEntryGivesUpItsSlot() {
        Named a = table.findOrAdd(false, 1);
        a.lastUse = 5;
        Named b = table.findOrAdd(false, 2);
        b.lastUse = 2;
        Named c = table.findOrAdd(false, 3);
        c.lastUse = 9;
        Named d = table.findOrAdd(false, 4);
        assertEquals(List.of("f2"), dropped);
        assertFalse(table.holds(b));
        assertTrue(table.holds(a) && table.holds(c) && table.holds(d));
        assertNull(table.find(false, 2));
        assertSame(d, table.find(false, 4));
    }

    @Test
    void aDroppedSlotIsReusedBeforeAnyEntryIsReplaced() {
        table.findOrAdd(true, 1).lastUse = 1;
        table.findOrAdd(true, 2).lastUse = 2;
        table.findOrAdd(true, 3).lastUse = 3;
        int slot = -1;
        for (int i = 0; i < table.size(); i++) {
            if (table.at(i).length == 3) {
                slot = i;
            }
        }
        table.drop(slot);
        table.drop(slot);
        assertEquals(List.of("d3"), dropped, "an empty slot drops nothing");
        Named e = table.findOrAdd(true, 7);
        assertSame(e, table.at(slot));
        assertEquals(List.of("d3"), dropped);
        assertTrue(table.find(true, 1) != null && table.find(true, 2) != null);
    }
}
