"""Reference levels for the C# port of Minigrid's WFC envs (tests/.../WfcEnvTests.cs).

Re-expresses Minigrid's WFCEnv pipeline (wfclogic: hash_downto, unique_patterns_2d,
make_pattern_catalog_with_rotations, adjacency_extraction, the matrix-product propagator, the entropy and
weighted heuristics; wfcenv/graphtransforms: the networkx graph stage) on NumPy's own generators and on
networkx, so the C# port is checked against real NumPy random streams, real CPython sets and networkx's
subgraph views. The propagator here is Python's whole-wave iteration, not the C# queue, so the two
implementations agree only if both reach the same arc-consistent wave.

Run with Debian's python3 (numpy 1.24.2) and python3-networkx (2.8.8). networkx 2.8's BFS walks levels as
sets; Minigrid runs on networkx 3, whose list-based BFS is substituted below.

    /usr/bin/python3 wfc_reference.py > wfc_reference.json
"""
import json

import networkx as nx
import numpy as np
from networkx.algorithms.components import connected

DIRECTIONS = [(0, -1), (1, 0), (0, 1), (-1, 0)]


def networkx3_connected_components(graph):
    # networkx 3's _plain_bfs: nodes join the component set as they are discovered, level by level.
    seen = set()
    for source in graph:
        if source in seen:
            continue
        component = {source}
        level = [source]
        while level:
            following = []
            for node in level:
                for neighbour in graph._adj[node]:
                    if neighbour not in component:
                        component.add(neighbour)
                        following.append(neighbour)
            level = following
        seen.update(component)
        yield component


connected.connected_components = networkx3_connected_components
nx.connected_components = networkx3_connected_components


def hash_downto(a, rank):
    weights = np.random.RandomState(0).randint(1 - (1 << 63), 1 << 63, np.prod(a.shape[rank:]), dtype=np.int64)
    u = a.reshape((int(np.prod(a.shape[:rank], dtype=np.int64)), -1))
    return np.asarray(np.inner(u, weights).reshape(a.shape[:rank]), dtype=np.int64)


def unique_patterns(grid, k):
    padded = np.pad(grid, ((0, k - 1), (0, k - 1)), mode="wrap")
    patches = np.lib.stride_tricks.as_strided(
        padded, (padded.shape[0] - k + 1, padded.shape[1] - k + 1, k, k), padded.strides * 2, writeable=False)
    codes = hash_downto(patches, 2)
    unique, first = np.unique(codes, return_index=True)
    rows, columns = np.unravel_index(first, codes.shape)
    return unique, patches[rows, columns]


def pattern_model(image, k):
    tiles = image.reshape(image.shape[0], image.shape[1], 1, 1, 3)
    tile_grid = hash_downto(tiles, 2)
    tile_pixels = {int(c): image[r, col] for (r, col), c in np.ndenumerate(tile_grid)}
    contents, frequency, merged = {}, {}, None
    grid = tile_grid.copy()
    operations = [lambda g: g, np.fliplr, lambda g: np.rot90(g, axes=(1, 0))] + \
        [np.fliplr, lambda g: np.rot90(g, axes=(1, 0))] * 2 + [np.fliplr]
    for operation in operations:
        grid = operation(grid.copy())
        codes, patterns = unique_patterns(grid, k)
        for code, pattern in zip(codes, patterns):
            contents[int(code)] = pattern
            frequency[int(code)] = frequency.get(int(code), 0) + 1
        merged = codes.copy() if merged is None else np.unique(np.concatenate((merged, codes)))
    count = len(merged)
    weights = np.array([frequency[int(c)] for c in merged], dtype=np.float64)
    adjacency = {}
    for dx, dy in DIRECTIONS:
        matrix = np.zeros((count, count), dtype=bool)
        for i, a in enumerate(merged):
            for j, b in enumerate(merged):
                p1, p2 = contents[int(a)], contents[int(b)]
                ok = True
                for r in range(max(0, dy), min(k, k + dy)):
                    for c in range(max(0, dx), min(k, k + dx)):
                        ok = ok and p1[r, c] == p2[r - dy, c - dx]
                matrix[i, j] = ok
        adjacency[(dx, dy)] = matrix
    top_left = [tile_pixels[int(contents[int(c)][0, 0])] for c in merged]
    return merged, weights, adjacency, top_left


class Contradiction(Exception):
    pass


def propagate(wave, adjacency, periodic):
    last = wave.sum()
    while True:
        if periodic:
            padded = np.pad(wave, ((0, 0), (1, 1), (1, 1)), mode="wrap")
        else:
            padded = np.pad(wave, ((0, 0), (1, 1), (1, 1)), mode="constant", constant_values=True)
        supports = {}
        for (a, b), matrix in adjacency.items():
            shifted = padded[:, 1 + a: 1 + wave.shape[1] + a, 1 + b: 1 + wave.shape[2] + b]
            supports[(a, b)] = (matrix @ shifted.reshape(shifted.shape[0], -1)).reshape(shifted.shape) > 0
        for d in adjacency:
            wave *= supports[d]
        if wave.sum() == last:
            break
        last = wave.sum()
    if (wave.sum(axis=0) == 0).any():
        raise Contradiction()


def solve(model, size, periodic, rng, attempt_limit=100):
    codes, weights, adjacency, top_left = model
    count = len(codes)
    preferences = rng.random((size, size)) * 0.1
    for attempt in range(1, attempt_limit + 1):
        wave = np.ones((count, size, size), dtype=bool)
        try:
            while not (wave.sum() == size * size and (wave.sum(axis=0) == 1).all()):
                propagate(wave, adjacency, periodic)
                options = np.count_nonzero(wave, axis=0)
                cell_weights = np.where(options > 1, preferences + options, np.inf)
                i, j = np.unravel_index(np.argmin(cell_weights), cell_weights.shape)
                weighted = weights * wave[:, i, j]
                weighted /= weighted.sum()
                pattern = rng.choice(count, p=weighted)
                wave[:, i, j] = False
                wave[pattern, i, j] = True
                propagate(wave, adjacency, periodic)
            return np.argmax(wave, axis=0), attempt
        except Contradiction:
            continue
    return None, attempt_limit


def wfc_level(model, size, periodic, seed, ensure_connected=True):
    rng = np.random.default_rng(seed)
    inner = size - 2
    solution, attempts = solve(model, inner, periodic, rng)
    if solution is None:
        return {"seed": seed, "attempts": attempts, "failed": True}
    top_left = model[3]
    floor = np.array([[top_left[solution[r, c]][0] != 0 for c in range(inner)] for r in range(inner)])

    # graphtransforms.features_to_dense_graph + get_edge_layers("navigable", structure="grid")
    nodes = sorted(nx.grid_2d_graph(inner, inner).nodes())
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    for node in nodes:
        graph.nodes[node]["navigable"] = float(floor[node])
    grid_nodes = [n for n in graph.nodes if floor[n]]
    others = [n for n in graph.nodes if n not in grid_nodes]
    temp = nx.grid_2d_graph(inner, inner)
    temp.remove_nodes_from(others)
    temp.add_nodes_from(others)
    layer = nx.Graph()
    layer.add_nodes_from(graph.nodes(data=True))
    layer.add_edges_from(temp.edges)
    graph.add_edges_from(layer.edges(data=True), label="navigable")

    # WFCEnv._get_largest_component
    if ensure_connected:
        graph.remove_nodes_from([n for n, d in graph.nodes(data=True) if d["navigable"] < 0.5])
        components = [graph.subgraph(c).copy()
                      for c in sorted(nx.connected_components(graph), key=len, reverse=True) if len(c) > 1]
        component = components[0]
        view = graph.subgraph(component)
        g = nx.Graph()
        g.add_nodes_from(view.nodes(data=True))
        g.add_edges_from(component.edges(data=True))
        graph = g

    possible = [n for n, d in graph.nodes(data=True) if d["navigable"]]
    order = rng.permutation(len(possible))[:2]
    start, goal = possible[order[0]], possible[order[1]]
    direction = int(rng.integers(0, 4))
    kept = set(possible)
    rows = []
    for x in range(size):
        row = []
        for y in range(size):
            cell = (x - 1, y - 1)
            if cell == start:
                row.append("A")
            elif cell == goal:
                row.append("G")
            elif cell in kept:
                row.append(".")
            else:
                row.append("#")
        rows.append("".join(row))
    return {"seed": seed, "attempts": attempts, "direction": direction, "grid_by_x": rows,
            "candidate_order_head": [list(n) for n in possible[:8]], "shorter_path": 2 * len(kept) < int(floor.sum())}


def image_from_rows(rows):
    return np.array([[[0, 0, 0] if ch == "#" else [255, 255, 255] for ch in row] for row in rows], dtype=np.uint8)


RED_MAZE = np.array([[[255, 255, 255]] * 4,
                     [[255, 255, 255], [0, 0, 0], [0, 0, 0], [0, 0, 0]],
                     [[255, 255, 255], [0, 0, 0], [255, 0, 0], [0, 0, 0]],
                     [[255, 255, 255], [0, 0, 0], [0, 0, 0], [0, 0, 0]]], dtype=np.uint8)

CASES = {
    "maze": (["#.######", "#.#....#", "#.#.##.#", "#...#..#", "###.#.##", "#...#...", "#.###.#.", "#.....#."], 2),
    "dots": (["........", ".#......", "....#...", "........", "......#.", "..#.....", "........", "....#..."], 2),
    "rooms": (["##########", "#....#...#", "#....#...#", "#........#", "#....#...#", "###.####.#",
               "#....#...#", "#........#", "#....#...#", "##########"], 3),
}


def main():
    out = {"python_set_order": [], "models": {}, "levels": []}
    rng = np.random.default_rng(5)
    for n in [3, 7, 20, 60]:
        items = [(int(r), int(c)) for r, c in rng.integers(0, 25, (n, 2))]
        out["python_set_order"].append({"insert": items, "iterate": list(map(list, set(items)))})
    red = pattern_model(RED_MAZE, 2)
    out["models"]["red_maze_k2"] = {"codes": [int(c) for c in red[0]], "weights": red[1].tolist()}
    for name, (rows, k) in CASES.items():
        model = pattern_model(image_from_rows(rows), k)
        out["models"][name] = {"codes": [int(c) for c in model[0]], "weights": model[1].tolist()}
        for periodic in (False, True):
            for size, seed in [(9, 0), (12, 1), (15, 2), (25, 3)]:
                level = wfc_level(model, size, periodic, seed)
                level.update({"case": name, "periodic": periodic, "size": size})
                out["levels"].append(level)
    for size, seed in [(8, 4), (10, 5)]:
        level = wfc_level(red, size, False, seed)
        level.update({"case": "red_maze", "periodic": False, "size": size})
        out["levels"].append(level)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
