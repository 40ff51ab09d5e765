namespace RlAlign.Envs.MiniGrid.Wfc;

/// <summary>
/// The iteration order of a CPython <c>set</c> of <c>(int, int)</c> tuples built by adding elements one at a
/// time (<c>Objects/setobject.c</c>, CPython 3.8 and later, 64-bit): open addressing over a power-of-two
/// table with nine linear probes, then perturbed jumps; the table grows to four times the used count when
/// it is three-fifths full. Networkx walks such sets when a subgraph is less than half its parent, so
/// Minigrid's WFC lists nodes in this order before it draws the start and goal.
/// </summary>
internal static class CPythonSetOrder
{
    private const int MinimumSize = 8;
    private const int LinearProbes = 9;
    private const int PerturbShift = 5;

    /// <summary>The order in which <c>for x in s</c> yields the elements of a set filled in <paramref name="insertions"/> order.</summary>
    public static List<(int, int)> Iterate(IEnumerable<(int, int)> insertions)
    {
        var slots = new int[MinimumSize];
        Array.Fill(slots, -1);
        var keys = new List<(int, int)>();
        var hashes = new List<ulong>();
        int fill = 0;
        foreach ((int, int) key in insertions)
        {
            ulong hash = TupleHash(key.Item1, key.Item2);
            if (Contains(slots, keys, hashes, key, hash)) continue;
            keys.Add(key);
            hashes.Add(hash);
            InsertClean(slots, hash, keys.Count - 1);
            fill++;
            ulong mask = (ulong)slots.Length - 1;
            // set_add_entry: resize once fill * 5 >= mask * 3, to the smallest power of two above used * 4.
            if ((ulong)fill * 5 >= mask * 3)
                slots = Resize(slots, hashes, fill > 50_000 ? fill * 2 : fill * 4);
        }

        var order = new List<(int, int)>(keys.Count);
        foreach (int slot in slots)
            if (slot >= 0) order.Add(keys[slot]);
        return order;
    }

    /// <summary><c>hash((a, b))</c> for non-negative small ints: the xxHash-based tuple hash of CPython 3.8+.</summary>
    internal static ulong TupleHash(int a, int b)
    {
        const ulong Prime1 = 11400714785074694791UL, Prime2 = 14029467366897019727UL, Prime5 = 2870177450012600261UL;
        ulong accumulator = Prime5;
        foreach (int lane in new[] { a, b })
        {
            // hash(i) == i for 0 <= i < 2**61 - 1.
            accumulator = unchecked(accumulator + (ulong)lane * Prime2);
            accumulator = (accumulator << 31) | (accumulator >> 33);
            accumulator = unchecked(accumulator * Prime1);
        }
        accumulator = unchecked(accumulator + (2UL ^ (Prime5 ^ 3527539UL)));
        return accumulator == ulong.MaxValue ? 1546275796UL : accumulator;
    }

    private static bool Contains(int[] slots, List<(int, int)> keys, List<ulong> hashes, (int, int) key, ulong hash)
    {
        ulong mask = (ulong)slots.Length - 1;
        ulong i = hash & mask, perturb = hash;
        while (true)
        {
            int probes = i + LinearProbes <= mask ? LinearProbes : 0;
            for (ulong j = i; j <= i + (ulong)probes; j++)
            {
                int slot = slots[j];
                if (slot < 0) return false;
                if (hashes[slot] == hash && keys[slot] == key) return true;
            }
            perturb >>= PerturbShift;
            i = unchecked(i * 5 + 1 + perturb) & mask;
        }
    }

    /// <summary><c>set_insert_clean</c>: the first empty slot of the probe sequence (there are no deletions here).</summary>
    private static void InsertClean(int[] slots, ulong hash, int index)
    {
        ulong mask = (ulong)slots.Length - 1;
        ulong i = hash & mask, perturb = hash;
        while (true)
        {
            int probes = i + LinearProbes <= mask ? LinearProbes : 0;
            for (ulong j = i; j <= i + (ulong)probes; j++)
            {
                if (slots[j] >= 0) continue;
                slots[j] = index;
                return;
            }
            perturb >>= PerturbShift;
            i = unchecked(i * 5 + 1 + perturb) & mask;
        }
    }

    /// <summary><c>set_table_resize</c>: re-inserts the entries in old-table order into the new table.</summary>
    private static int[] Resize(int[] slots, List<ulong> hashes, int minimumUsed)
    {
        int size = MinimumSize;
        while (size <= minimumUsed) size <<= 1;
        var resized = new int[size];
        Array.Fill(resized, -1);
        foreach (int slot in slots)
            if (slot >= 0) InsertClean(resized, hashes[slot], slot);
        return resized;
    }
}
