"""Target marginals, min-cost-flow rebalancing, max-flow diagnosis and dependent rounding.

Marginals are **integers over a per-component denominator**: the pair (seat group ``g``, inspector ``i``)
has marginal ``num / D`` where ``D`` is the component's denominator. The uncapped target of every eligible
inspector of ``g`` is ``k_g / |E_g|`` (``k_g`` seats, ``|E_g|`` candidates): when the least common multiple
of the candidate counts in the component is at most :data:`MAX_DENOMINATOR`, ``D`` is that multiple and the
targets are exact; otherwise ``D = MAX_DENOMINATOR`` and each group's targets are rounded by largest
remainder (group sums stay exactly ``k_g``; each target is within ``1/D`` of ``k_g / |E_g|``).

Dependent rounding (Gandhi, Khuller, Parthasarathy, Srinivasan 2006) works on the circulation
``source -> group -> [task-inspector node] -> inspector -> sink -> source``: repeatedly take a cycle of
edges with fractional flow and push ``+alpha`` with probability ``beta / (alpha + beta)`` or ``-beta``
otherwise, which keeps every edge's expected flow (a martingale), every node's conservation and makes at
least one more edge integral. Hence each pair is chosen with probability exactly ``num / D`` (up to the
2**-53 resolution of the uniform stream), every group gets exactly ``k_g`` and every inspector's load ends at
the floor or ceiling of its expected load (Budish, Che, Kojima, Milgrom 2013: the task-inspector nodes make
the constraint structure a bihierarchy). A vectorised pass first rounds many edge-disjoint 4-cycles
``g1-i1-g2-i2`` at once in numpy; a sequential walk finishes what is left.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import array
import math
from collections.abc import Callable
from typing import cast

import numpy as np
import numpy.typing as npt

from randinspect.errors import MatchingError

__all__ = ["MAX_DENOMINATOR"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Uniforms = Callable[[str, int], FloatArray]

#: 4-cycles rounded per numpy block within a round of :func:`_four_cycle_pass` (bounds its temporaries).
_CYCLE_BLOCK = 1 << 18

#: Largest per-component denominator of marginals (2**40): loads stay far below 2**63 in int64 arithmetic.
MAX_DENOMINATOR = 1 << 40


def component_index(labels: IntArray) -> tuple[IntArray, IntArray]:
    """Renumber component labels to ``0..C-1``; return (per-item component, first item of each component)."""
    uniq, first, inv = np.unique(labels, return_index=True, return_inverse=True)
    del uniq
    return inv.astype(np.int64), first.astype(np.int64)


def target_numerators(
    edge_group: IntArray, group_size: IntArray, group_comp: IntArray, n_comp: int
) -> tuple[IntArray, IntArray]:
    """Uncapped targets ``k_g / |E_g|`` as (numerator per edge, denominator per component)."""
    n_g = group_size.size
    deg = np.bincount(edge_group, minlength=n_g).astype(np.int64)
    comp_den = np.ones(n_comp, dtype=np.int64)
    has = deg > 0
    # least common multiple of the candidate counts of each component
    pairs = np.unique(np.stack([group_comp[has], deg[has]], axis=1), axis=0) if has.any() else None
    if pairs is not None:
        lcm: dict[int, int] = {}
        for c, d in pairs.tolist():
            cur = lcm.get(c, 1)
            if cur <= MAX_DENOMINATOR:
                lcm[c] = math.lcm(cur, d)
        for c, v in lcm.items():
            comp_den[c] = v if v <= MAX_DENOMINATOR else MAX_DENOMINATOR
    den_g = comp_den[group_comp]
    total = group_size * den_g  # k_g * D
    safe_deg = np.maximum(deg, 1)
    q = total // safe_deg
    rem = total - q * safe_deg
    num = q[edge_group].copy()
    if np.any(rem):
        # largest remainder: the first ``rem`` candidates (inspector order) of the group get one unit more
        offsets = np.concatenate([[0], np.cumsum(deg)])[:-1]
        rank = np.arange(edge_group.size, dtype=np.int64) - offsets[edge_group]
        num += (rank < rem[edge_group]).astype(np.int64)
    return num, comp_den


def middle_nodes(edge_group: IntArray, edge_inspector: IntArray, group_task: IntArray, n_i: int) -> IntArray:
    """Task-inspector node of each edge (``-1`` when the inspector fits one seat group of the task only)."""
    key = group_task[edge_group] * n_i + edge_inspector
    out = np.full(edge_group.size, -1, dtype=np.int64)
    if key.size == 0:
        return out
    order = np.argsort(key, kind="stable")
    ks = key[order]
    same_next = np.zeros(ks.size, dtype=bool)
    same_next[:-1] = ks[1:] == ks[:-1]
    same_prev = np.zeros(ks.size, dtype=bool)
    same_prev[1:] = ks[1:] == ks[:-1]
    multi = same_next | same_prev
    if multi.any():
        starts = multi & ~same_prev
        ids = np.cumsum(starts) - 1
        out[order[multi]] = ids[multi]
    return out


def violations(
    num: IntArray,
    edge_group: IntArray,
    edge_inspector: IntArray,
    edge_mid: IntArray,
    edge_comp: IntArray,
    comp_den: IntArray,
    caps: IntArray,
    n_comp: int,
) -> npt.NDArray[np.bool_]:
    """Components whose marginals break a cap or put an inspector twice in one task."""
    n_i = caps.size
    den_e = comp_den[edge_comp]
    load = np.zeros(n_i, dtype=np.int64)
    np.add.at(load, edge_inspector, num)
    # inspector's denominator: all its edges are in one component
    insp_den = np.ones(n_i, dtype=np.int64)
    insp_den[edge_inspector] = den_e
    over = load > caps * insp_den
    bad = np.zeros(n_comp, dtype=bool)
    if over.any():
        insp_comp = np.full(n_i, -1, dtype=np.int64)
        insp_comp[edge_inspector] = edge_comp
        bad[insp_comp[over]] = True
    has_mid = edge_mid >= 0
    if has_mid.any():
        n_m = int(edge_mid.max()) + 1
        msum = np.zeros(n_m, dtype=np.int64)
        np.add.at(msum, edge_mid[has_mid], num[has_mid])
        mden = np.ones(n_m, dtype=np.int64)
        mden[edge_mid[has_mid]] = den_e[has_mid]
        mcomp = np.zeros(n_m, dtype=np.int64)
        mcomp[edge_mid[has_mid]] = edge_comp[has_mid]
        bad[mcomp[msum > mden]] = True
    return bad


def rebalance_component(
    edges: IntArray,
    num: IntArray,
    den: int,
    edge_group: IntArray,
    edge_inspector: IntArray,
    edge_mid: IntArray,
    group_size: IntArray,
    caps: IntArray,
) -> IntArray | None:
    """Min-cost flow: marginals nearest (in L1) to the targets whose loads respect the caps.

    Works on the network scaled by ``den`` (integer capacities, so the optimum is integral in units of
    ``1/den``): arcs group -> inspector carry the target at cost 0 and the rest up to ``den`` at cost 1, so
    the optimum moves as little probability as possible away from the equal-chance targets. Returns the new
    numerators for ``edges`` or ``None`` if no fractional assignment fits (then none exists at all).
    """
    import networkx as nx  # type: ignore[import-untyped, unused-ignore]

    graph = nx.MultiDiGraph()
    groups = np.unique(edge_group[edges])
    total = int(group_size[groups].sum()) * den
    graph.add_node("s", demand=-total)
    graph.add_node("t", demand=total)
    for g in groups.tolist():
        graph.add_edge("s", ("g", g), capacity=int(group_size[g]) * den, weight=0)
    keys: list[tuple[object, object, int]] = []
    mids: set[int] = set()
    for e in edges.tolist():
        g = int(edge_group[e])
        i = int(edge_inspector[e])
        m = int(edge_mid[e])
        head: object = ("m", m) if m >= 0 else ("i", i)
        if m >= 0 and m not in mids:
            mids.add(m)
            graph.add_edge(("m", m), ("i", i), capacity=den, weight=0)
        t = int(num[e])
        k0 = graph.add_edge(("g", g), head, capacity=t, weight=0)
        k1 = graph.add_edge(("g", g), head, capacity=den - t, weight=1)
        keys.append((("g", g), head, k0))
        keys.append((("g", g), head, k1))
    for i in np.unique(edge_inspector[edges]).tolist():
        graph.add_edge(("i", i), "t", capacity=int(caps[i]) * den, weight=0)
    try:
        _, flow = nx.network_simplex(graph)
    except nx.NetworkXUnfeasible:
        return None
    out = np.empty(edges.size, dtype=np.int64)
    for j in range(edges.size):
        u, v, k0 = keys[2 * j]
        _, _, k1 = keys[2 * j + 1]
        out[j] = flow[u][v][k0] + flow[u][v][k1]
    return out


def _group_classes(
    edges: IntArray, edge_group: IntArray, edge_inspector: IntArray, group_size: IntArray
) -> tuple[IntArray, IntArray]:
    """Seat groups of a component with identical candidate sets and sizes: (groups sorted, class label)."""
    eg = edge_group[edges]
    ei = edge_inspector[edges]
    groups, start = np.unique(eg, return_index=True)
    # two independent 64-bit sums of hashed candidates identify a candidate set
    with np.errstate(over="ignore"):
        h1 = (ei.astype(np.uint64) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
        h1 ^= h1 >> np.uint64(29)
        h2 = (ei.astype(np.uint64) + np.uint64(7)) * np.uint64(0xBF58476D1CE4E5B9)
        h2 ^= h2 >> np.uint64(31)
        s1 = np.add.reduceat(h1, start)
        s2 = np.add.reduceat(h2, start)
    deg = np.diff(np.append(start, eg.size))
    keys = np.stack(
        [s1.view(np.int64), s2.view(np.int64), deg.astype(np.int64), group_size[groups].astype(np.int64)],
        axis=1,
    )
    _, label = np.unique(keys, axis=0, return_inverse=True)
    return groups, label.reshape(-1).astype(np.int64)


def rebalance_classes(
    edges: IntArray,
    num: IntArray,
    den: int,
    edge_group: IntArray,
    edge_inspector: IntArray,
    group_size: IntArray,
    caps: IntArray,
) -> IntArray | None:
    """Min-cost-flow rebalancing on classes of identical seat groups (much smaller than the group network).

    Groups with the same candidates and size form a class of ``m`` groups; the flow decides each inspector's
    class total ``F`` (units of ``1/den``); every group of the class then gets ``floor(F/m)`` or ``ceil(F/m)``
    (the remainders spread cyclically, so row sums stay exact and no entry exceeds ``den``). Same objective
    as :func:`rebalance_component`: least total probability moved above the equal-chance targets. Returns
    ``None`` if no fractional assignment fits the caps.
    """
    import networkx as nx  # type: ignore[import-untyped, unused-ignore]

    groups, label = _group_classes(edges, edge_group, edge_inspector, group_size)
    n_cls = int(label.max()) + 1
    members = [groups[label == c] for c in range(n_cls)]
    pos = {int(g): j for j, g in enumerate(groups.tolist())}
    order = np.argsort(edge_group[edges], kind="stable")
    e_sorted = edges[order]
    g_of = edge_group[e_sorted]
    starts = np.searchsorted(g_of, groups)
    ends = np.searchsorted(g_of, groups, side="right")
    graph = nx.DiGraph()
    total = 0
    cls_edges: list[IntArray] = []
    for c, mem in enumerate(members):
        rep = pos[int(mem[0])]
        rep_edges = e_sorted[starts[rep] : ends[rep]]
        cls_edges.append(rep_edges)
        m = int(mem.size)
        need = m * int(group_size[mem[0]]) * den
        total += need
        graph.add_edge("s", ("c", c), capacity=need, weight=0)
        for e in rep_edges.tolist():
            i = int(edge_inspector[e])
            t = m * int(num[e])
            # zero-cost arc up to the target, unit-cost arc for the rest (through a helper node)
            graph.add_edge(("c", c), ("i", i), capacity=t, weight=0)
            if m * den - t > 0:
                graph.add_edge(("c", c), ("x", c, i), capacity=m * den - t, weight=1)
                graph.add_edge(("x", c, i), ("i", i), capacity=m * den - t, weight=0)
    for i in np.unique(edge_inspector[edges]).tolist():
        graph.add_edge(("i", i), "t", capacity=int(caps[i]) * den, weight=0)
    graph.nodes["s"]["demand"] = -total
    graph.nodes["t"]["demand"] = total
    try:
        _, flow = nx.network_simplex(graph)
    except nx.NetworkXUnfeasible:
        return None
    out = num.copy()
    for c, mem in enumerate(members):
        m = int(mem.size)
        rep_edges = cls_edges[c]
        insp = edge_inspector[rep_edges].tolist()
        totals = [flow[("c", c)].get(("i", i), 0) + flow[("c", c)].get(("x", c, i), 0) for i in insp]
        base = [t // m for t in totals]
        rem = [t - b * m for t, b in zip(totals, base, strict=True)]
        # every group gets base; remainder units go to consecutive groups cyclically
        cursor = 0
        extra = np.zeros((m, len(insp)), dtype=np.int64)
        for j, r in enumerate(rem):
            for step in range(r):
                extra[(cursor + step) % m, j] = 1
            cursor = (cursor + r) % m
        for row, g in enumerate(mem.tolist()):
            p = pos[g]
            g_edges = e_sorted[starts[p] : ends[p]]
            g_insp = edge_inspector[g_edges]
            # candidates are the same set as the representative's, in the same (sorted) order
            if not np.array_equal(g_insp, edge_inspector[rep_edges]):  # pragma: no cover - hash collision
                return rebalance_component(
                    edges,
                    num,
                    den,
                    edge_group,
                    edge_inspector,
                    np.full(edges.size, -1, dtype=np.int64),
                    group_size,
                    caps,
                )
            out[g_edges] = np.asarray(base, dtype=np.int64) + extra[row]
    return out[edges]


def hall_violator(
    edges: IntArray,
    edge_group: IntArray,
    edge_inspector: IntArray,
    edge_mid: IntArray,
    group_size: IntArray,
    caps: IntArray,
) -> tuple[list[int], list[int], int, int]:
    """Max-flow min-cut on a component: (deficient groups, their inspectors, seats needed, places left).

    The groups on the source side of a minimum cut form a set whose seats exceed what its eligible
    inspectors can give under their caps (a Hall violator in flow form).
    """
    import networkx as nx  # type: ignore[import-untyped, unused-ignore]

    graph = nx.DiGraph()
    groups = np.unique(edge_group[edges]).tolist()
    for g in groups:
        graph.add_edge("s", ("g", g), capacity=int(group_size[g]))
    for e in edges.tolist():
        g = int(edge_group[e])
        i = int(edge_inspector[e])
        m = int(edge_mid[e])
        if m >= 0:
            graph.add_edge(("g", g), ("m", m), capacity=1)
            graph.add_edge(("m", m), ("i", i), capacity=1)
        else:
            graph.add_edge(("g", g), ("i", i), capacity=1)
    for i in np.unique(edge_inspector[edges]).tolist():
        graph.add_edge(("i", i), "t", capacity=int(caps[i]))
    value, (side_s, _) = nx.minimum_cut(graph, "s", "t")
    bad_groups = sorted(int(n[1]) for n in side_s if isinstance(n, tuple) and n[0] == "g")
    insp = sorted(int(n[1]) for n in side_s if isinstance(n, tuple) and n[0] == "i")
    need = int(group_size[bad_groups].sum()) if bad_groups else 0
    places = int(caps[insp].sum()) if insp else 0
    del value
    return bad_groups, insp, need, places


# --------------------------------------------------------------------------------------- dependent rounding


def _four_cycle_pass(
    g: IntArray,
    i: IntArray,
    flow: IntArray,
    den: IntArray,
    uniforms: Uniforms,
    context: str,
) -> IntArray:
    """Round edge-disjoint 4-cycles of fractional group-inspector edges in numpy rounds; return new flows.

    Each round takes one side as centre (groups and inspectors alternately), pairs consecutive fractional
    edges at every centre into wedges ``(a, b)`` (the other ends ordered by a round-dependent key), and pairs
    wedges with the same ends at two centres into 4-cycles. The cycles are edge-disjoint, so rounding them
    all at once is a valid step of dependent rounding.
    """
    f = flow.copy()
    # Indices and node numbers are held as int32 when they fit (they do up to 2**31 edges and nodes) and
    # every temporary is dropped as soon as it is used: a round works on all fractional edges at once, so
    # its temporaries, not the flows, set the matching's peak memory. Sort keys stay int64 and every key
    # has the value it had in int64 arithmetic, so the rounds (and the choice) are the same.
    small = (
        np.int32 if max(f.size, int(g.max(initial=0)) + 1, int(i.max(initial=0)) + 1) < 2**31 else np.int64
    )
    g = g.astype(small)
    i = i.astype(small)
    rem = np.empty_like(f)
    for rnd in range(400):
        np.remainder(f, den, out=rem)
        frac = np.flatnonzero(rem).astype(small)
        if frac.size < 4:
            break
        if rnd % 4 != 3:
            centre, other = g[frac], i[frac]
        else:
            centre, other = i[frac], g[frac]
        other_max = int(other.max())
        sort_key = (other.astype(np.int64) * 2654435761 + rnd * 40503) & 0xFFFFFFFF
        sort_key += centre.astype(np.int64) << 32
        order = np.argsort(sort_key, kind="stable")
        del sort_key
        e_s = frac[order]
        c_s = centre[order]
        o_s = other[order]
        del order, centre, other, frac
        n = e_s.size
        new_run = np.ones(n, dtype=bool)
        new_run[1:] = c_s[1:] != c_s[:-1]
        idx = np.arange(n, dtype=small)
        rank = cast("IntArray", idx - np.maximum.accumulate(np.where(new_run, idx, 0)))
        del idx, new_run
        shift = (rnd // 4) % 2
        first = np.flatnonzero((rank >= shift) & ((rank - shift) % 2 == 0))
        del rank
        first = first[first + 1 < n]
        first = first[c_s[first + 1] == c_s[first]]
        del c_s
        if first.size < 2:
            break
        wa = e_s[first]
        wb = e_s[first + 1]
        oa = o_s[first]
        ob = o_s[first + 1]
        del e_s, o_s, first
        pair_key = oa.astype(np.int64) * (other_max + 1) + ob
        del oa, ob
        o2 = np.argsort(pair_key, kind="stable")
        pk = pair_key[o2]
        del pair_key
        m = o2.size
        idx2 = np.arange(m, dtype=np.int64)
        newk = np.ones(m, dtype=bool)
        newk[1:] = pk[1:] != pk[:-1]
        del pk
        rk = idx2 - np.maximum.accumulate(np.where(newk, idx2, 0))
        del idx2
        p = np.flatnonzero(rk % 2 == 0)
        del rk
        p = p[p + 1 < m]
        p = p[~newk[p + 1]]
        if p.size * 100 < np.count_nonzero(rem) and rnd % 4 != 3:
            break  # too few cycles left for a vectorised round to pay off
        u = uniforms(f"{context}|pass={rnd}", int(p.size))
        # the cycles are edge-disjoint, so rounding them block by block is rounding them all at once
        for lo in range(0, p.size, _CYCLE_BLOCK):
            pb = p[lo : lo + _CYCLE_BLOCK]
            a = o2[pb]
            b = o2[pb + 1]
            e1, e2, e3, e4 = wa[a], wb[a], wb[b], wa[b]
            d = den[e1]
            r1, r2, r3, r4 = f[e1] % d, f[e2] % d, f[e3] % d, f[e4] % d
            alpha = np.minimum(np.minimum(d - r1, r2), np.minimum(d - r3, r4))
            beta = np.minimum(np.minimum(r1, d - r2), np.minimum(r3, d - r4))
            up = u[lo : lo + _CYCLE_BLOCK] * (alpha + beta).astype(np.float64) < beta.astype(np.float64)
            delta = np.where(up, alpha, -beta)
            f[e1] += delta
            f[e2] -= delta
            f[e3] += delta
            f[e4] -= delta
    return f


def _adjacency(tail: IntArray, head: IntArray, n_nodes: int) -> tuple[array.array[int], array.array[int]]:
    """Edges at each node in CSR form: node ``v``'s edges are ``edges[start[v]:start[v + 1]]``, ascending.

    Compact machine integers (``array.array``) rather than a list of Python lists: 8 bytes per entry
    instead of a boxed integer and a pointer, which is what kept the sequential walk's memory at several
    times the size of the numpy arrays.
    """
    m = tail.size
    ends = np.empty(2 * m, dtype=np.int64)
    ends[0::2] = tail
    ends[1::2] = head
    order = np.argsort(ends, kind="stable")  # per node: edges in ascending order, as appended one by one
    edges = array.array("q", (order // 2).astype(np.int64).tobytes())
    start = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(ends, minlength=n_nodes), out=start[1:])
    return array.array("q", start.tobytes()), edges


def _finish(
    tail: array.array[int],
    head: array.array[int],
    flow: array.array[int],
    den: array.array[int],
    n_nodes: int,
    u: FloatArray,
) -> None:
    """Sequential dependent rounding of the remaining fractional edges of a circulation (``flow`` in place).

    Every edge given is fractional. Each node keeps its fractional edges in its CSR segment of ``adj``;
    ``size[v]`` counts the live ones at the front (an integral edge found there is swapped with the last
    live one and dropped, in the order a list's ``lst[j] = lst[-1]; lst.pop()`` would).
    """
    start, adj = _adjacency(np.frombuffer(tail, dtype=np.int64), np.frombuffer(head, dtype=np.int64), n_nodes)
    offsets = np.frombuffer(start, dtype=np.int64)
    size = array.array("q", np.diff(offsets).tobytes())  # live edges at the front of each segment
    k = 0

    def next_edge(v: int, prev: int) -> int:
        base = start[v]
        j = 0
        while j < size[v]:
            e = adj[base + j]
            if flow[e] % den[e] == 0:
                last = size[v] - 1
                adj[base + j] = adj[base + last]
                size[v] = last
                continue
            if e != prev:
                return e
            j += 1
        return -1

    for s in range(n_nodes):
        while next_edge(s, -1) >= 0:
            nodes = [s]
            path: list[int] = []
            pos = {s: 0}
            while True:
                v = nodes[-1]
                e = next_edge(v, path[-1] if path else -1)
                if e < 0:  # pragma: no cover - conservation guarantees a second fractional edge
                    raise MatchingError("dependent rounding lost flow conservation; please report this")
                w = head[e] if tail[e] == v else tail[e]
                if w not in pos:
                    pos[w] = len(nodes)
                    nodes.append(w)
                    path.append(e)
                    continue
                p = pos[w]
                cyc = [*path[p:], e]
                froms = nodes[p:]
                alpha = None
                beta = None
                for edge, frm in zip(cyc, froms, strict=True):
                    d = den[edge]
                    r = flow[edge] % d
                    if tail[edge] == frm:  # traversed along the arc
                        up, down = d - r, r
                    else:
                        up, down = r, d - r
                    alpha = up if alpha is None or up < alpha else alpha
                    beta = down if beta is None or down < beta else beta
                assert alpha is not None
                assert beta is not None
                if k >= u.size:  # pragma: no cover - at most one step per fractional edge
                    raise MatchingError("dependent rounding ran out of random numbers; please report this")
                delta = alpha if float(u[k]) * float(alpha + beta) < float(beta) else -beta
                k += 1
                cut = len(cyc)
                for j, (edge, frm) in enumerate(zip(cyc, froms, strict=True)):
                    flow[edge] += delta if tail[edge] == frm else -delta
                    if cut == len(cyc) and flow[edge] % den[edge] == 0:
                        cut = j
                for node in nodes[p + cut + 1 :]:
                    del pos[node]
                del nodes[p + cut + 1 :]
                del path[p + cut :]
                if not path:
                    break


def _machine_ints(values: IntArray) -> array.array[int]:
    """A compact ``array.array`` of 64-bit integers holding ``values``."""
    return array.array("q", np.ascontiguousarray(values, dtype=np.int64).tobytes())


def dependent_rounding(
    num: IntArray,
    edge_den: IntArray,
    edge_group: IntArray,
    edge_inspector: IntArray,
    edge_mid: IntArray,
    edge_comp: IntArray,
    n_groups: int,
    n_inspectors: int,
    uniforms: Uniforms,
    context: str,
) -> npt.NDArray[np.bool_]:
    """Round marginals ``num / edge_den`` to a 0/1 choice of edges (see the module docstring)."""
    direct = edge_mid < 0
    if direct.all():  # the common case: no copies of the edge arrays for the 4-cycle pass
        f = _four_cycle_pass(edge_group, edge_inspector, num, edge_den, uniforms, context)
    elif direct.any():
        f = num.copy()
        d_idx = np.flatnonzero(direct)
        f[d_idx] = _four_cycle_pass(
            edge_group[d_idx], edge_inspector[d_idx], num[d_idx], edge_den[d_idx], uniforms, context
        )
    else:
        f = num.copy()
    # circulation nodes: groups | inspectors | task-inspector nodes | one sink per component
    n_mid = int(edge_mid.max()) + 1 if edge_mid.size and edge_mid.max() >= 0 else 0
    base_i = n_groups
    base_m = base_i + n_inspectors
    base_t = base_m + n_mid
    n_comp = int(edge_comp.max()) + 1 if edge_comp.size else 0
    tails: list[IntArray] = []
    heads: list[IntArray] = []
    flows: list[IntArray] = []
    dens: list[IntArray] = []
    # group -> inspector or group -> middle
    tails.append(edge_group)
    heads.append(np.where(direct, base_i + edge_inspector, base_m + edge_mid))
    flows.append(f)
    dens.append(edge_den)
    if n_mid:
        mid = ~direct
        mflow = np.zeros(n_mid, dtype=np.int64)
        np.add.at(mflow, edge_mid[mid], f[mid])
        m_insp = np.zeros(n_mid, dtype=np.int64)
        m_insp[edge_mid[mid]] = edge_inspector[mid]
        m_den = np.ones(n_mid, dtype=np.int64)
        m_den[edge_mid[mid]] = edge_den[mid]
        tails.append(base_m + np.arange(n_mid, dtype=np.int64))
        heads.append(base_i + m_insp)
        flows.append(mflow)
        dens.append(m_den)
    load = np.zeros(n_inspectors, dtype=np.int64)
    np.add.at(load, edge_inspector, f)
    insp_comp = np.full(n_inspectors, -1, dtype=np.int64)
    insp_comp[edge_inspector] = edge_comp
    insp_den = np.ones(n_inspectors, dtype=np.int64)
    insp_den[edge_inspector] = edge_den
    used = np.flatnonzero(insp_comp >= 0)
    tails.append(base_i + used)
    heads.append(base_t + insp_comp[used])
    flows.append(load[used])
    dens.append(insp_den[used])
    tail_a = np.concatenate(tails)
    head_a = np.concatenate(heads)
    flow_a = np.concatenate(flows)
    den_a = np.concatenate(dens)
    frac = np.flatnonzero(flow_a % den_a)
    if frac.size:
        u = uniforms(f"{context}|finish", int(frac.size))
        flow_l = _machine_ints(flow_a[frac])
        _finish(
            _machine_ints(tail_a[frac]),
            _machine_ints(head_a[frac]),
            flow_l,
            _machine_ints(den_a[frac]),
            base_t + n_comp,
            u,
        )
        flow_a = flow_a.copy()
        flow_a[frac] = np.frombuffer(flow_l, dtype=np.int64)
    out = flow_a[: edge_group.size]
    if np.any(out % edge_den):  # pragma: no cover - the walk only stops when every edge is integral
        raise MatchingError("dependent rounding left a fractional edge; please report this")
    chosen: npt.NDArray[np.bool_] = out == edge_den
    return chosen
