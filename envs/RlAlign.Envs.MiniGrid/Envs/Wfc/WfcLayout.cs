namespace RlAlign.Envs.MiniGrid.Wfc;

/// <summary>
/// WFCEnv's graph stage (<c>wfcenv.py</c> with <c>graphtransforms.py</c> on networkx): keep the largest
/// 4-connected floor region and list its cells in the order networkx yields them, which decides which cells
/// <c>permutation</c> picks for the start and the goal.
/// </summary>
internal static class WfcLayout
{
    /// <summary>
    /// The floor cells <c>_place_start_and_goal_random</c> chooses from, as (row, column), in networkx's node
    /// order: with <paramref name="ensureConnected"/>, the largest region of more than one cell (the first
    /// found on ties), else every floor cell in row-major order.
    /// </summary>
    /// <param name="floor">Row-major floor mask of the WFC output.</param>
    public static List<(int Row, int Column)> Candidates(bool[] floor, int rows, int columns, bool ensureConnected)
    {
        var rowMajor = new List<(int, int)>();
        for (int cell = 0; cell < floor.Length; cell++)
            if (floor[cell]) rowMajor.Add((cell / columns, cell % columns));
        if (!ensureConnected) return rowMajor;

        // nx.connected_components: a BFS from each unseen node in node (row-major) order. Every node's
        // neighbours are stored up, left, down, right (the order grid_2d_graph's edges were re-added in).
        var seen = new bool[floor.Length];
        List<(int, int)>? largest = null;
        foreach ((int row, int column) in rowMajor)
        {
            if (seen[row * columns + column]) continue;
            List<(int, int)> component = BreadthFirst(floor, seen, rows, columns, (row, column));
            // sorted(..., key=len, reverse=True) is stable: the first of equal size stays first.
            if (component.Count > 1 && (largest is null || component.Count > largest.Count)) largest = component;
        }
        if (largest is null)
            throw new PlacementFailedException("WFC: the generated level has no two connected floor cells to hold the start and the goal.");

        // FilterAtlas iterates its node set instead of the parent graph when the set is under half the
        // parent's size. The component set is the BFS's `seen`; `subgraph(c).copy()` and then
        // `subgraph(component)` each rebuild a set by iterating the previous one.
        if (2 * largest.Count >= rowMajor.Count)
        {
            largest.Sort();
            return largest;
        }
        List<(int, int)> order = largest;
        for (int rebuild = 0; rebuild < 3; rebuild++) order = CPythonSetOrder.Iterate(order);
        return order;
    }

    /// <summary>Networkx 3's <c>_plain_bfs</c>, returning nodes in the order they were added to its set.</summary>
    private static List<(int, int)> BreadthFirst(bool[] floor, bool[] seen, int rows, int columns, (int Row, int Column) source)
    {
        ReadOnlySpan<(int, int)> neighbourOffsets = [(-1, 0), (0, -1), (1, 0), (0, 1)];
        var order = new List<(int, int)> { source };
        seen[source.Row * columns + source.Column] = true;
        for (int next = 0; next < order.Count; next++)
        {
            (int row, int column) = order[next];
            foreach ((int dr, int dc) in neighbourOffsets)
            {
                int r = row + dr, c = column + dc;
                if ((uint)r >= (uint)rows || (uint)c >= (uint)columns) continue;
                int cell = r * columns + c;
                if (!floor[cell] || seen[cell]) continue;
                seen[cell] = true;
                order.Add((r, c));
            }
        }
        return order;
    }
}
