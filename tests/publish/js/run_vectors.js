// Runs the package's JavaScript verifier on the draw-spec test vectors (read as JSON from stdin) and prints
// one JSON line of results per check, for tests/publish/test_verifier_node.py. Usage:
//   node run_vectors.js VERIFY_JS < input.json
// input: {"vectors": <draw_vectors.json>, "records": [{"name", "record", "frame"}], "hash": "webcrypto"|"js"}
"use strict";
const path = require("path");
const V = require(path.resolve(process.argv[2]));

async function main() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const vectors = input.vectors;
  const hasher = V.makeHasher(input.hash);
  const out = [];
  const hex = V.hex;

  for (const t of vectors.tickets) {
    const S = await V.seedDigest(hasher, t.seed);
    const ticket = await V.ticket(hasher, S, t.context, t.id);
    out.push({ kind: "ticket", name: t.id, got: { seed_normalised: V.normaliseSeed(t.seed), seed_digest: hex(S),
      ticket: ticket.toString(), ticket_hex: ticket.toString(16).padStart(16, "0") },
      want: { seed_normalised: t.seed_normalised, seed_digest: t.seed_digest, ticket: t.ticket, ticket_hex: t.ticket_hex } });
  }
  for (const v of vectors.integer_below) {
    const S = await V.seedDigest(hasher, v.seed);
    const got = await V.integerBelow(hasher, S, v.context, v.bound);
    out.push({ kind: "integer_below", name: v.context + "/" + v.bound, got: got.toString(), want: String(v.value) });
  }
  {
    const u = vectors.uniforms;
    const S = await V.seedDigest(hasher, u.seed);
    const got = [];
    for (let k = 0; k < u.values.length; k++) got.push(String(await V.uniform(hasher, S, u.context, k)));
    out.push({ kind: "uniform", name: u.context, got: got, want: u.values });
  }
  for (const d of vectors.decimal) {
    out.push({ kind: "decimal", name: String(d.numerator), got: V.decimalString(d.numerator), want: d.pi });
  }
  for (const c of vectors.selections) {
    // Every intermediate value of the case, computed with the verifier's own pieces.
    const S = await V.seedDigest(hasher, c.seed);
    const strata = {}, a = {}, tickets = {};
    for (const r of c.frame) strata[r.id] = r.stratum;
    for (const r of c.table) a[r.id] = r.pi_numerator;
    for (const r of c.frame) tickets[r.id] = await V.ticket(hasher, S, c.context, r.id);
    const ids = c.frame.map((r) => r.id);
    const order = ids.slice().sort((x, y) =>
      V.compareCodePoints(strata[x], strata[y]) || (tickets[x] < tickets[y] ? -1 : tickets[x] > tickets[y] ? 1 : 0) ||
      V.compareCodePoints(x, y));
    let cum = 0n;
    const cumulative = order.map((id) => (cum += BigInt(a[id])).toString());
    const numerators = order.map((id) => a[id]);
    let start, starts = null, picked = [];
    if (c.starts !== undefined && c.starts !== null) {
      // Independent units (version 2): each stratum is a line of its own with the start of context|start|label.
      start = 0;
      starts = {};
      for (const label of Array.from(new Set(Object.values(strata))).sort(V.compareCodePoints)) {
        starts[label] = Number(await V.integerBelow(hasher, S, c.context + "|start|" + label, V.D));
        const line = order.filter((id) => strata[id] === label);
        picked = picked.concat(V.systematic(line.map((_, i) => i), line.map((id) => a[id]), starts[label]).map((i) => line[i]));
      }
      picked.sort(V.compareCodePoints);
    } else {
      start = Number(await V.integerBelow(hasher, S, c.context + "|start", V.D));
      picked = V.systematic(order.map((_, i) => i), numerators, start).map((i) => order[i]).sort(V.compareCodePoints);
    }
    const frameText = c.frame.map((r) => r.id + "\t" + r.stratum + "\n").join("");
    const tableText = c.table.map((r) => r.id + "\t" + strata[r.id] + "\t" + r.tier + "\t" + r.pi_numerator + "\n").join("");
    out.push({ kind: "selection", name: c.name,
      got: { tickets: Object.fromEntries(ids.map((id) => [id, tickets[id].toString(16).padStart(16, "0")])), order,
        cumulative, start, starts, selected: picked, frame_digest: hex(await hasher.digest(V.utf8(frameText))),
        table_digest: hex(await hasher.digest(V.utf8(tableText))), pi: c.table.map((r) => V.decimalString(r.pi_numerator)) },
      want: { tickets: c.tickets, order: c.order, cumulative: c.cumulative.map(String), start: c.start, starts: c.starts === undefined ? null : c.starts, selected: c.selected,
        frame_digest: c.frame_digest, table_digest: c.table_digest, pi: c.table.map((r) => r.pi) } });
  }
  for (const r of input.records) {
    const result = await V.verifyDraw(r.record, r.frame, Object.assign({ hash: input.hash, yieldEvery: false }, r.options || {}));
    const commitment = r.record.commitment || {};
    const body = Object.fromEntries(Object.entries(commitment).filter(([k]) => k !== "digest"));
    out.push({ kind: "record", name: r.name, result,
      commitment_digest: hex(await hasher.digest(V.utf8(V.canonicalJson(body)))),
      record_digest: hex(await hasher.digest(V.utf8(V.canonicalJson(r.record)))) });
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((e) => { console.error(e && e.stack ? e.stack : e); process.exit(1); });
