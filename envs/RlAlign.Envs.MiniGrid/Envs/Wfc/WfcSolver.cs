using RlAlign.Core.Random;

namespace RlAlign.Envs.MiniGrid.Wfc;

/// <summary>
/// Minigrid's WFC solver (<c>wfclogic/solver.py</c> and <c>control.py</c>) with the settings every preset
/// uses: the "entropy" location heuristic, the "weighted" pattern heuristic and no backtracking.
/// </summary>
/// <remarks>
/// <para>Random draws, in Python's order: one <c>random((rows, columns))</c> grid of cell preferences per
/// call, then one <c>choice(n, p=...)</c> (a single <c>random()</c>) per observed cell.</para>
/// <para>Python propagates by repeated whole-wave matrix products until nothing changes; that computes the
/// largest arc-consistent wave inside the current one, which is unique, so the queue-based propagation
/// here reaches the same wave (and the same contradictions) with far less work.</para>
/// </remarks>
internal sealed class WfcSolver
{
    private readonly WfcPatternModel _model;
    private readonly int _rows, _columns, _cells, _words;
    private readonly bool _periodic;
    private readonly ulong[] _wave;
    private readonly int[] _possible;
    private readonly double[] _preferences;
    private readonly double[] _choice;
    private readonly Queue<int> _pending = new();
    // Per cell, a bit for each direction whose neighbour changed since the cell was last revised.
    private readonly byte[] _dirty;

    public WfcSolver(WfcPatternModel model, int rows, int columns, bool periodic)
    {
        _model = model;
        _rows = rows;
        _columns = columns;
        _cells = rows * columns;
        _words = model.Words;
        _periodic = periodic;
        _wave = new ulong[_cells * _words];
        _possible = new int[_cells];
        _preferences = new double[_cells];
        _choice = new double[model.Count];
        _dirty = new byte[_cells];
    }

    /// <summary>
    /// <c>execute_wfc</c>'s attempt loop: up to <paramref name="attemptLimit"/> solves from a fresh wave, each
    /// continuing the generator's stream. Returns the pattern index of every cell (row-major), or null when
    /// every attempt ended in a contradiction.
    /// </summary>
    public int[]? Solve(NumpyGenerator random, int attemptLimit, out int attempts)
    {
        // choice_random_weighting = np_random.random(wave.shape[1:]) * 0.1, drawn once for all attempts.
        for (int cell = 0; cell < _cells; cell++) _preferences[cell] = random.Random() * 0.1;
        for (attempts = 1; attempts <= attemptLimit; attempts++)
        {
            if (TrySolve(random)) return Solution();
        }
        attempts = attemptLimit;
        return null;
    }

    private bool TrySolve(NumpyGenerator random)
    {
        ulong lastWord = _model.Count % 64 == 0 ? ulong.MaxValue : (1UL << (_model.Count % 64)) - 1;
        for (int cell = 0; cell < _cells; cell++)
        {
            Span<ulong> bits = CellBits(cell);
            bits.Fill(ulong.MaxValue);
            bits[^1] = lastWord;
            _possible[cell] = _model.Count;
        }

        // Solver.solve_next: solved? -> propagate -> observe one cell -> propagate. Later propagations at the
        // top of the loop find nothing to remove, so only the first one is run.
        bool propagated = false;
        while (!IsSolved())
        {
            if (!propagated)
            {
                if (!Propagate(all: true)) return false;
                propagated = true;
            }
            int cell = ChooseCell();
            int pattern = ChoosePattern(cell, random);
            Span<ulong> bits = CellBits(cell);
            bits.Clear();
            bits[pattern >> 6] = 1UL << (pattern & 63);
            _possible[cell] = 1;
            EnqueueDependents(cell);
            if (!Propagate(all: false)) return false;
        }
        return true;
    }

    private bool IsSolved()
    {
        foreach (int count in _possible)
            if (count != 1) return false;
        return true;
    }

    /// <summary>
    /// <c>entropyLocationHeuristic</c>: the unresolved cell with the smallest preference + option count, first
    /// in row-major order on ties; cell 0 when every cell is resolved (argmin over all infinities).
    /// </summary>
    private int ChooseCell()
    {
        double best = double.PositiveInfinity;
        int bestCell = 0;
        for (int cell = 0; cell < _cells; cell++)
        {
            if (_possible[cell] <= 1) continue;
            double weight = _preferences[cell] + _possible[cell];
            if (weight < best)
            {
                best = weight;
                bestCell = cell;
            }
        }
        return bestCell;
    }

    /// <summary>
    /// <c>weightedPatternHeuristic</c>: <c>choice(n, p=w * wave / sum(w * wave))</c>, which NumPy samples as
    /// <c>searchsorted(cumsum(p) / cumsum(p)[-1], random(), side='right')</c>.
    /// </summary>
    private int ChoosePattern(int cell, NumpyGenerator random)
    {
        ReadOnlySpan<ulong> bits = CellBits(cell);
        double[] weights = _model.Weights;
        for (int p = 0; p < _choice.Length; p++)
            _choice[p] = (bits[p >> 6] >> (p & 63) & 1) != 0 ? weights[p] : 0.0;
        double total = NumpySum.Pairwise(_choice);
        double cumulative = 0;
        for (int p = 0; p < _choice.Length; p++)
        {
            cumulative += _choice[p] / total;
            _choice[p] = cumulative;
        }
        double last = _choice[^1];
        double u = random.Random();
        for (int p = 0; p < _choice.Length; p++)
            if (_choice[p] / last > u) return p;
        // cdf[-1] / cdf[-1] == 1 > u always; kept for the compiler.
        return _choice.Length - 1;
    }

    private void Enqueue(int cell, int directions)
    {
        if (_dirty[cell] == 0) _pending.Enqueue(cell);
        _dirty[cell] |= (byte)directions;
    }

    /// <summary>Removes unsupported patterns until none remain; false on a cell with no pattern left.</summary>
    private bool Propagate(bool all)
    {
        if (all)
            for (int cell = 0; cell < _cells; cell++) Enqueue(cell, 0b1111);

        bool consistent = true;
        while (_pending.Count > 0)
        {
            int cell = _pending.Dequeue();
            int directions = _dirty[cell];
            _dirty[cell] = 0;
            if (!consistent) continue;
            if (!Revise(cell, directions)) continue;
            if (_possible[cell] == 0)
            {
                consistent = false;
                continue;
            }
            EnqueueDependents(cell);
        }
        return consistent;
    }

    /// <summary>Queues the cells that have <paramref name="cell"/> as their neighbour in some direction.</summary>
    private void EnqueueDependents(int cell)
    {
        int row = cell / _columns, column = cell % _columns;
        for (int d = 0; d < WfcPatternModel.Directions.Length; d++)
        {
            (int first, int second) = WfcPatternModel.Directions[d];
            if (Neighbour(row - first, column - second) is int dependent) Enqueue(dependent, 1 << d);
        }
    }

    /// <summary>Drops the patterns of <paramref name="cell"/> that one of <paramref name="directions"/> cannot support; true if any went.</summary>
    private bool Revise(int cell, int directions)
    {
        Span<ulong> bits = CellBits(cell);
        int row = cell / _columns, column = cell % _columns;
        bool changed = false;
        for (int d = 0; d < WfcPatternModel.Directions.Length; d++)
        {
            if ((directions & (1 << d)) == 0) continue;
            (int first, int second) = WfcPatternModel.Directions[d];
            // The solver reads the direction as (row offset, column offset); outside a non-periodic wave the
            // padding allows every pattern.
            int? neighbour = Neighbour(row + first, column + second);
            for (int w = 0; w < _words; w++)
            {
                ulong remaining = bits[w];
                while (remaining != 0)
                {
                    int bit = System.Numerics.BitOperations.TrailingZeroCount(remaining);
                    remaining &= remaining - 1;
                    int pattern = (w << 6) | bit;
                    if (Supported(_model.Compatible(d, pattern), neighbour)) continue;
                    bits[w] &= ~(1UL << bit);
                    _possible[cell]--;
                    changed = true;
                }
            }
        }
        return changed;
    }

    private bool Supported(ReadOnlySpan<ulong> compatible, int? neighbour)
    {
        if (neighbour is not int other)
        {
            foreach (ulong word in compatible)
                if (word != 0) return true;
            return false;
        }
        ReadOnlySpan<ulong> options = CellBits(other);
        for (int w = 0; w < compatible.Length; w++)
            if ((compatible[w] & options[w]) != 0) return true;
        return false;
    }

    private int? Neighbour(int row, int column)
    {
        if (_periodic)
        {
            row = (row % _rows + _rows) % _rows;
            column = (column % _columns + _columns) % _columns;
        }
        else if ((uint)row >= (uint)_rows || (uint)column >= (uint)_columns)
        {
            return null;
        }
        return row * _columns + column;
    }

    private Span<ulong> CellBits(int cell) => _wave.AsSpan(cell * _words, _words);

    /// <summary><c>numpy.argmax(wave, axis=0)</c>: the first pattern left in each cell.</summary>
    private int[] Solution()
    {
        var solution = new int[_cells];
        for (int cell = 0; cell < _cells; cell++)
        {
            ReadOnlySpan<ulong> bits = CellBits(cell);
            for (int w = 0; w < _words; w++)
            {
                if (bits[w] == 0) continue;
                solution[cell] = (w << 6) | System.Numerics.BitOperations.TrailingZeroCount(bits[w]);
                break;
            }
        }
        return solution;
    }
}

/// <summary>NumPy's float64 <c>sum</c> of a contiguous array: pairwise summation in blocks of eight.</summary>
internal static class NumpySum
{
    private const int BlockSize = 128;

    public static double Pairwise(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        if (n < 8)
        {
            double sum = 0;
            foreach (double value in values) sum += value;
            return sum;
        }
        if (n <= BlockSize)
        {
            Span<double> r = stackalloc double[8];
            values[..8].CopyTo(r);
            int i = 8;
            for (; i < n - n % 8; i += 8)
                for (int j = 0; j < 8; j++) r[j] += values[i + j];
            double result = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) result += values[i];
            return result;
        }
        int half = n / 2;
        half -= half % 8;
        return Pairwise(values[..half]) + Pairwise(values[half..]);
    }
}
