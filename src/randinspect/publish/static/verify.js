/*
 * randinspect draw verifier: a second reference implementation of docs/draw-spec.md (draw algorithms 1 and 2).
 *
 * Plain JavaScript with no dependencies. It runs in a browser (a classic <script>, so it works from
 * file://, a USB stick or any web server) and in Node (require("./verify.js")). Hashing uses WebCrypto
 * SHA-256 (crypto.subtle) where the page has it; a small built-in SHA-256 (FIPS 180-4) serves pages opened
 * outside a secure context and hashes the per-object tickets (no promise per object), and is checked against
 * WebCrypto by the test suite. The API gives 64-bit tickets and starts as BigInt; the re-run itself uses
 * Numbers wherever they are exact (numerators up to 2^32, sums modulo 2^32, decimals digit by digit).
 *
 * What it checks from a published record and its public frame file (the committed π table: one row per
 * object with id, stratum, tier and the inclusion numerator a), stopping at the first difference:
 *   1. the algorithm versions (a version dispatch: VERSIONS[n] verifies records of version n);
 *   2. the commitment's digest against its contents, its context, and the digest published before the seed;
 *   3. the frame (ids and strata) against the committed frame digest and size;
 *   4. the π table against the committed table digest and expected total Σπ;
 *   5. the seed against its digest (and the seed announced at the ceremony, when given);
 *   6. the start, each drawn object and the counts, by re-running the systematic selection.
 * What it cannot check: that the frame is the whole scope of the item in the full directory and that the
 * π values follow from each object's credit grade and risk class; those need the directory, which is not
 * public (the Python `randinspect verify` with the directory checks them).
 *
 * Version 2 (VERSIONS[2]) uses the same tickets and selection. It adds independent units (policy.units =
 * "independent": one start per stratum from the context "<c>|start|<label>", each stratum a line of its own,
 * record.start = 0 and record.starts) and the disclosure setting (policy.disclosure = "auditors": drawn
 * objects carry only id and stratum, and the public frame file has only the columns id, stratum). Given such a
 * frame the verifier checks the commitment, frame, seed and start(s), that the drawn objects are in the frame
 * and that the counts add up, and reports the result as partial (the π table step is not checked); given the
 * auditors' full table it checks everything. Reasons (salted digests) are part of the commitment digest; the
 * lists behind them are in the auditors' opening, which this verifier does not need.
 */
(function (root) {
  "use strict";

  var D = 4294967296; // 2^32, the denominator of every inclusion probability
  var DBIG = 4294967296n;

  // ---------------------------------------------------------------------------------------------- bytes
  var encoder = new TextEncoder();

  function utf8(text) {
    return encoder.encode(text);
  }

  function concatBytes(parts) {
    var n = 0;
    for (var i = 0; i < parts.length; i++) n += parts[i].length;
    var out = new Uint8Array(n);
    var at = 0;
    for (var j = 0; j < parts.length; j++) {
      out.set(parts[j], at);
      at += parts[j].length;
    }
    return out;
  }

  function hex(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return s;
  }

  // ------------------------------------------------------------------------------------------ SHA-256
  // FIPS 180-4, for pages without WebCrypto (plain http) and for the synchronous fast path.
  var K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);
  var W = new Int32Array(64);
  var H = new Int32Array(8);
  var V = new Int32Array(8);
  var IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

  /**
   * One SHA-256 compression (FIPS 180-4 §6.2.2) of the 64-byte block of `bytes` at `off` into the
   * chaining value H. Round t reads message word t only, so messages that begin alike can share their
   * first rounds (prefixStart): the rounds then run from `from` on the working variables `start`. With
   * `to` below 64 the rounds stop there and leave the working variables in V, H unchanged.
   */
  function compress(bytes, off, from, start, to) {
    var t;
    for (t = 0; t < 16; t++) {
      var o = off + t * 4;
      W[t] = (bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3];
    }
    for (t = 16; t < 64; t++) {
      var x = W[t - 15], y = W[t - 2];
      var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
    }
    var s = from ? start : H, end = to || 64;
    var a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
    for (t = from || 0; t < end; t++) {
      var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      var t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[t] + W[t]) | 0;
      var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      var t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    if (end < 64) {
      V[0] = a; V[1] = b; V[2] = c; V[3] = d; V[4] = e; V[5] = f; V[6] = g; V[7] = h;
      return;
    }
    H[0] = (H[0] + a) | 0; H[1] = (H[1] + b) | 0; H[2] = (H[2] + c) | 0; H[3] = (H[3] + d) | 0;
    H[4] = (H[4] + e) | 0; H[5] = (H[5] + f) | 0; H[6] = (H[6] + g) | 0; H[7] = (H[7] + h) | 0;
  }

  var PAD = new Uint8Array(128);

  /**
   * The shared start of messages that all begin with `prefix` (the tickets of a draw begin with
   * S ‖ context ‖ 0x1F): the chaining value after the prefix's whole 64-byte blocks, and the working
   * variables after the rounds of the next block that read prefix words only.
   */
  function prefixStart(prefix) {
    var full = prefix.length - (prefix.length % 64), fixed = (prefix.length - full) >> 2;
    for (var i = 0; i < 8; i++) H[i] = IV[i];
    for (var off = 0; off < full; off += 64) compress(prefix, off);
    var chain = H.slice(), mid = H.slice();
    if (fixed > 0) {
      var block = new Uint8Array(64);
      block.set(prefix.subarray(full));
      compress(block, 0, 0, null, fixed);
      mid = V.slice();
    }
    return { length: prefix.length, full: full, fixed: fixed, chain: chain, mid: mid };
  }

  /**
   * SHA-256 (FIPS 180-4) of the first `len` bytes of `data`; the state is left in H. With `start`
   * (from prefixStart), `data` must begin with that prefix, and its shared work is skipped.
   */
  function sha256Into(data, len, start) {
    var i, off = 0, from = 0;
    if (start) {
      H.set(start.chain);
      off = start.full;
      from = start.fixed;
    } else {
      for (i = 0; i < 8; i++) H[i] = IV[i];
    }
    var full = len - (len % 64);
    for (; off < full; off += 64) {
      compress(data, off, from, from ? start.mid : null);
      from = 0;
    }
    // Last one or two blocks: the rest, 0x80, zeros, the bit length (big-endian, 64 bits).
    var rest = len - full;
    var tail = rest < 56 ? 64 : 128;
    PAD.fill(0, 0, tail);
    for (i = 0; i < rest; i++) PAD[i] = data[full + i];
    PAD[rest] = 0x80;
    var bits = len * 8;
    var high = Math.floor(bits / 4294967296);
    PAD[tail - 8] = high >>> 24; PAD[tail - 7] = (high >>> 16) & 255; PAD[tail - 6] = (high >>> 8) & 255; PAD[tail - 5] = high & 255;
    PAD[tail - 4] = bits >>> 24; PAD[tail - 3] = (bits >>> 16) & 255; PAD[tail - 2] = (bits >>> 8) & 255; PAD[tail - 1] = bits & 255;
    compress(PAD, 0, from, from ? start.mid : null);
    if (tail === 128) compress(PAD, 64);
  }

  /** SHA-256 of a byte array, computed by this file (no WebCrypto): a 32-byte Uint8Array. */
  function sha256Sync(data) {
    sha256Into(data, data.length);
    var out = new Uint8Array(32);
    for (var i = 0; i < 8; i++) {
      out[i * 4] = H[i] >>> 24; out[i * 4 + 1] = (H[i] >>> 16) & 255; out[i * 4 + 2] = (H[i] >>> 8) & 255; out[i * 4 + 3] = H[i] & 255;
    }
    return out;
  }

  function subtle() {
    var c = root.crypto;
    return c && c.subtle && typeof c.subtle.digest === "function" ? c.subtle : null;
  }

  /** A hasher: `digest(bytes) -> Promise<Uint8Array>`, backed by WebCrypto or the built-in code. */
  function makeHasher(kind) {
    var s = subtle();
    if (kind === "webcrypto" && !s) throw new Error("WebCrypto SHA-256 is not available on this page");
    if (s && kind !== "js") {
      return {
        kind: "webcrypto",
        digest: function (bytes) {
          return s.digest("SHA-256", bytes).then(function (buf) { return new Uint8Array(buf); });
        },
      };
    }
    return { kind: "js", digest: function (bytes) { return Promise.resolve(sha256Sync(bytes)); } };
  }

  // ------------------------------------------------------------------------------ text and canonical JSON
  /** Compare two strings by Unicode code points (UTF-16 order differs for characters above U+FFFF). */
  function compareCodePoints(a, b) {
    if (a === b) return 0;
    var n = Math.min(a.length, b.length);
    for (var i = 0; i < n; i++) {
      var x = a.charCodeAt(i), y = b.charCodeAt(i);
      if (x !== y) {
        // Surrogates (D800-DFFF) encode code points above FFFF, so they sort after E000-FFFF.
        if (x >= 0xd800 && y >= 0xd800) {
          x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
          y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
        }
        return x < y ? -1 : 1;
      }
    }
    return a.length - b.length;
  }

  var SURROGATE = /[\ud800-\udfff]/;

  function compareUtf16(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /**
   * A comparer by code points for the strings of `list`: JavaScript's own string order (UTF-16 units,
   * compared natively and much faster) when no string holds a surrogate, as the two orders then agree;
   * compareCodePoints otherwise.
   */
  function codePointComparer(list) {
    for (var i = 0; i < list.length; i++) if (SURROGATE.test(list[i])) return compareCodePoints;
    return compareUtf16;
  }

  /** Canonical JSON (spec §5): sorted keys by code point, no white space, non-ASCII as is, no floats. */
  function canonicalJson(value) {
    if (value === null) return "null";
    if (typeof value === "boolean") return value ? "true" : "false";
    if (typeof value === "number") {
      if (!Number.isInteger(value)) throw new Error("canonical JSON holds no floats: " + value);
      return String(value);
    }
    if (typeof value === "bigint") return value.toString();
    if (typeof value === "string") return quote(value);
    if (Array.isArray(value)) return "[" + value.map(canonicalJson).join(",") + "]";
    var keys = Object.keys(value).sort(compareCodePoints);
    return "{" + keys.map(function (k) { return quote(k) + ":" + canonicalJson(value[k]); }).join(",") + "}";
  }

  function quote(text) {
    // Python's json.dumps(ensure_ascii=False): escape quote, backslash and control characters only.
    return '"' + text.replace(/[\u0000-\u001f"\\]/g, function (c) {
      switch (c) {
        case '"': return '\\"';
        case "\\": return "\\\\";
        case "\n": return "\\n";
        case "\r": return "\\r";
        case "\t": return "\\t";
        case "\b": return "\\b";
        case "\f": return "\\f";
        default: return "\\u" + ("0000" + c.charCodeAt(0).toString(16)).slice(-4);
      }
    }) + '"';
  }

  /** The exact decimal writing of numerator / 2^32 (spec §3), e.g. "0.5", "1", "2.25". */
  function decimalString(numerator) {
    // The whole part (a BigInt for sums beyond 2^53), then the fraction rest / 2^32 digit by digit in
    // Numbers: rest · 10 < 2^36 stays exact, and the expansion ends after at most 32 digits.
    var whole, rest;
    if (typeof numerator === "bigint") {
      whole = (numerator / DBIG).toString();
      rest = Number(numerator % DBIG);
    } else {
      rest = numerator % D;
      whole = String((numerator - rest) / D);
    }
    var digits = "";
    while (rest !== 0) {
      rest *= 10;
      var digit = Math.floor(rest / D);
      digits += digit;
      rest -= digit * D;
    }
    return digits === "" ? whole : whole + "." + digits;
  }

  var CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

  /** Normalise a seed (spec §2.1): NFC, white space stripped; non-empty, ≤ 1024 characters, no control. */
  function normaliseSeed(text) {
    var seed = String(text).normalize("NFC").replace(/^\s+|\s+$/g, "");
    if (!seed) throw new Error("the seed is empty");
    if (seed.length > 1024) throw new Error("the seed is longer than 1024 characters");
    if (CONTROL.test(seed)) throw new Error("the seed holds a control character");
    return seed;
  }

  // ------------------------------------------------------------------------------ tickets and start
  var SEP = new Uint8Array([0x1f]);

  function seedDigest(hasher, seed) {
    return hasher.digest(utf8(normaliseSeed(seed)));
  }

  /** Ticket message (spec §2.3): S ‖ UTF8(NFC(context)) ‖ 0x1F ‖ UTF8(NFC(id)). */
  function ticketMessage(S, context, id) {
    return concatBytes([S, utf8(context.normalize("NFC")), SEP, utf8(String(id).normalize("NFC"))]);
  }

  /** The ticket of one id as a BigInt (first 8 bytes of the digest, big-endian). */
  function ticket(hasher, S, context, id) {
    return hasher.digest(ticketMessage(S, context, id)).then(function (h) {
      return BigInt("0x" + hex(h.subarray(0, 8)));
    });
  }

  var TWO256 = 1n << 256n;

  /** integer_below(context, bound) of spec §2 (the start uses bound = D). */
  function integerBelow(hasher, S, context, bound) {
    var B = BigInt(bound);
    var limit = TWO256 - (TWO256 % B);
    function attempt(counter) {
      return hasher.digest(ticketMessage(S, context, String(counter))).then(function (h) {
        var X = BigInt("0x" + hex(h));
        return X < limit ? X % B : attempt(counter + 1);
      });
    }
    return attempt(0);
  }

  /** Value k of the uniform stream of a context: (ticket(c, str(k)) >> 11) / 2^53. */
  function uniform(hasher, S, context, k) {
    return ticket(hasher, S, context, String(k)).then(function (t) { return Number(t >> 11n) / 9007199254740992; });
  }

  // ----------------------------------------------------------------------------------- frame files
  /** Parse CSV text (RFC 4180 quoting) into rows of strings. */
  function parseCsv(text) {
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.indexOf('"') < 0) {
      // No quoting anywhere: plain lines and commas (the usual public frame).
      return text.split(/\r\n|\n|\r/).filter(function (line) { return line !== ""; })
        .map(function (line) { return line.split(","); });
    }
    var rows = [], row = [], field = "", i = 0, quoted = false, n = text.length;
    while (i < n) {
      var c = text[i];
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          quoted = false; i++; continue;
        }
        field += c; i++; continue;
      }
      if (c === '"') { quoted = true; i++; continue; }
      if (c === ",") { row.push(field); field = ""; i++; continue; }
      if (c === "\n" || c === "\r") {
        row.push(field); field = "";
        if (row.length > 1 || row[0] !== "") rows.push(row);
        row = [];
        i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
        continue;
      }
      field += c; i++;
    }
    if (field !== "" || row.length) { row.push(field); rows.push(row); }
    return rows;
  }

  var FRAME_COLUMNS = ["id", "stratum", "tier", "pi_numerator"];

  /**
   * Read a public frame file: CSV with the columns id, stratum, tier, pi_numerator (extra columns are
   * ignored), or JSON {"objects": [{id, stratum, tier, pi_numerator}, ...]}. Returns {ids, strata, tiers, a}.
   */
  function readFrame(text) {
    var trimmed = text.replace(/^\ufeff/, "").replace(/^\s+/, "");
    var out = { ids: [], strata: [], tiers: [], a: [] };
    if (trimmed[0] === "{" || trimmed[0] === "[") {
      var data = JSON.parse(trimmed);
      var objects = Array.isArray(data) ? data : data.objects;
      if (!Array.isArray(objects)) throw new FrameFileError("the JSON frame file has no list of objects", 0);
      objects.forEach(function (o, i) { pushRow(out, [o.id, o.stratum, o.tier, o.pi_numerator], i + 1); });
      return out;
    }
    var plain = trimmed.indexOf('"') < 0 && trimmed.indexOf("\r") < 0;
    var firstEnd = trimmed.indexOf("\n");
    var header = (firstEnd < 0 ? trimmed : trimmed.slice(0, firstEnd)).split(",").map(function (h) { return h.trim(); });
    if (plain && header.join(",") === FRAME_COLUMNS.join(",")) {
      // The file as publish writes it: scan it line by line without building row arrays, and keep its
      // body, which in canonical order is the table-digest text with commas for tabs.
      var pos = firstEnd < 0 ? trimmed.length : firstEnd + 1, line = 1;
      out.body = trimmed.slice(pos);
      while (pos < trimmed.length) {
        var end = trimmed.indexOf("\n", pos);
        if (end < 0) end = trimmed.length;
        line++;
        if (end > pos) {
          var c1 = trimmed.indexOf(",", pos), c2 = trimmed.indexOf(",", c1 + 1), c3 = trimmed.indexOf(",", c2 + 1);
          if (c1 < 0 || c2 < 0 || c3 < 0 || c1 > end || c2 > end || c3 > end || trimmed.indexOf(",", c3 + 1) > -1 && trimmed.indexOf(",", c3 + 1) < end)
            throw new FrameFileError("row " + line + " of the frame file does not have 4 cells", line);
          // The numerator read digit by digit; anything else (spaces, a sign, too large) goes to pushRow.
          var a = 0, at = c3 + 1;
          for (; at < end && a <= D; at++) {
            var digit = trimmed.charCodeAt(at) - 48;
            if (digit < 0 || digit > 9) break;
            a = a * 10 + digit;
          }
          if (at === end && end > c3 + 1 && a <= D) {
            out.ids.push(trimmed.slice(pos, c1));
            out.strata.push(trimmed.slice(c1 + 1, c2));
            out.tiers.push(trimmed.slice(c2 + 1, c3));
            out.a.push(a);
          } else {
            pushRow(out, [trimmed.slice(pos, c1), trimmed.slice(c1 + 1, c2), trimmed.slice(c2 + 1, c3), trimmed.slice(c3 + 1, end)], line);
          }
        }
        pos = end + 1;
      }
      return out;
    }
    var rows = parseCsv(trimmed);
    if (!rows.length) throw new FrameFileError("the frame file is empty", 0);
    header = rows[0].map(function (h) { return h.trim(); });
    var at = FRAME_COLUMNS.map(function (name) { return header.indexOf(name); });
    if (at[0] >= 0 && at[1] >= 0 && at[2] < 0 && at[3] < 0) {
      // The public frame of a version-2 draw with disclosure "auditors": ids and strata only, no π.
      var plainFrame = { ids: [], strata: [], tiers: null, a: null };
      for (var p = 1; p < rows.length; p++) {
        var cells = rows[p];
        if (cells[at[0]] === undefined || cells[at[1]] === undefined)
          throw new FrameFileError("row " + (p + 1) + " of the frame file has missing cells", p + 1);
        plainFrame.ids.push(String(cells[at[0]]));
        plainFrame.strata.push(String(cells[at[1]]));
      }
      return plainFrame;
    }
    at.forEach(function (j, k) {
      if (j < 0) throw new FrameFileError("the frame file has no column " + FRAME_COLUMNS[k], 1);
    });
    for (var r = 1; r < rows.length; r++) {
      var row = rows[r];
      pushRow(out, [row[at[0]], row[at[1]], row[at[2]], row[at[3]]], r + 1);
    }
    return out;
  }

  var DIGITS = /^[0-9]+$/;

  function pushRow(out, cells, line) {
    if (cells[0] === undefined || cells[0] === null || cells[1] === undefined || cells[1] === null ||
        cells[2] === undefined || cells[2] === null || cells[3] === undefined || cells[3] === null)
      throw new FrameFileError("row " + line + " of the frame file has missing cells", line);
    var a = typeof cells[3] === "number" ? String(cells[3]) : cells[3].trim();
    if (!DIGITS.test(a) || Number(a) > D)
      throw new FrameFileError("row " + line + ": pi_numerator " + JSON.stringify(a) + " is not a whole number from 0 to 2^32", line);
    out.ids.push(String(cells[0]));
    out.strata.push(String(cells[1]));
    out.tiers.push(String(cells[2]));
    out.a.push(Number(a));
  }

  function FrameFileError(message, line) {
    this.name = "FrameFileError";
    this.message = message;
    this.line = line;
  }
  FrameFileError.prototype = Object.create(Error.prototype);

  // --------------------------------------------------------------------------------------- results
  /**
   * A first difference: `step` names the check, `code` is stable for programs, `zh`/`en` explain it in
   * plain words, `detail` holds the two values compared.
   */
  function difference(step, code, zh, en, detail) {
    return { ok: false, step: step, code: code, zh: zh, en: en, detail: detail || {} };
  }

  // The checks a version-1 verifier runs, in order, with their names in both languages.
  var STEPS_V1 = [
    { step: "version", zh: "算法版本", en: "algorithm version" },
    { step: "commitment", zh: "抽查前公示的承诺（摘要）", en: "commitment published before the seed (digest)" },
    { step: "frame", zh: "抽查对象名录（摘要与数量）", en: "frame of objects (digest and size)" },
    { step: "table", zh: "入选概率表（摘要与期望数）", en: "inclusion-probability table (digest and expected count)" },
    { step: "seed", zh: "公开随机种子", en: "public seed" },
    { step: "selection", zh: "重新抽取：起点、抽中对象和数量", en: "re-run: start, drawn objects and counts" },
  ];

  /**
   * The UTF-8 texts behind the frame and table digests (spec §3), one line per object in canonical order:
   * "id TAB stratum LF" and "id TAB stratum TAB tier TAB a LF".
   */
  function digestTexts(frame, canon) {
    var frameText = "", tableText = "";
    var full = frame.a !== null && frame.a !== undefined;
    for (var i = 0; i < canon.length; i++) {
      var j = canon[i];
      var head = frame.ids[j] + "\t" + frame.strata[j];
      frameText += head + "\n";
      if (full) tableText += head + "\t" + frame.tiers[j] + "\t" + frame.a[j] + "\n";
    }
    return { frame: utf8(frameText), table: full ? utf8(tableText) : null };
  }

  /**
   * The same two texts from the body of a plain frame file already in canonical order (lines
   * "id,stratum,tier,a"): commas become tabs, and the frame text keeps the first two cells of each line.
   */
  function bodyTexts(body) {
    // The table text is the body's own bytes with commas turned into tabs (in place).
    var table = utf8(body.charAt(body.length - 1) === "\n" || body === "" ? body : body + "\n");
    var frameBytes = new Uint8Array(table.length);
    var f = 0, commas = 0;
    for (var i = 0; i < table.length; i++) {
      var b = table[i];
      // UTF-8 continuation and lead bytes are >= 0x80, so ASCII commas and newlines are found byte-wise.
      if (b === 0x2c) {
        table[i] = 0x09;
        commas++;
        if (commas === 1) frameBytes[f++] = 0x09;
        continue;
      }
      if (b === 0x0a) { commas = 0; frameBytes[f++] = 0x0a; continue; }
      if (commas < 2) frameBytes[f++] = b;
    }
    return { frame: frameBytes.subarray(0, f), table: table };
  }

  function shortHex(h) {
    return String(h).slice(0, 16) + "…";
  }

  /** The stratum labels in code-point order and the rank of each object's label among them. */
  function stratumTable(strata) {
    // Number the labels as first seen (one Map look-up per object), then renumber them in sorted order.
    var seenAs = new Map(), seen = [], ranks = new Int32Array(strata.length), i;
    for (i = 0; i < strata.length; i++) {
      var r = seenAs.get(strata[i]);
      if (r === undefined) { r = seen.length; seenAs.set(strata[i], r); seen.push(strata[i]); }
      ranks[i] = r;
    }
    var labels = seen.slice().sort(compareCodePoints), rankOfSeen = new Int32Array(seen.length);
    for (i = 0; i < labels.length; i++) rankOfSeen[seenAs.get(labels[i])] = i;
    for (i = 0; i < ranks.length; i++) ranks[i] = rankOfSeen[ranks[i]];
    return { labels: labels, ranks: ranks };
  }

  /** Stable counting sort of the numbers `src` by `digit[x]` (each below `size`). */
  function countingSort(src, digit, size) {
    var count = new Uint32Array(size + 1), dst = new Uint32Array(src.length), k;
    for (k = 0; k < src.length; k++) count[digit[src[k]] + 1]++;
    for (k = 1; k <= size; k++) count[k] += count[k - 1];
    for (k = 0; k < src.length; k++) dst[count[digit[src[k]]]++] = src[k];
    return dst;
  }

  /**
   * Order of the inner objects (0 < a < D): by stratum, then ticket, then id (spec §4.1). The ticket is
   * the 64-bit number hi·2^32 + lo. A radix sort (least significant digit first: the two 16-bit halves of
   * hi, then the stratum rank) orders by stratum and hi; runs with equal stratum and hi, which are rare,
   * are then ordered by lo and id.
   */
  function selectionOrder(frame, inner, hi, lo, strata, compareIds) {
    var ids = frame.ids, n = inner.length, k;
    var idx = new Uint32Array(n), digit = new Uint32Array(n);
    for (k = 0; k < n; k++) { idx[k] = k; digit[k] = hi[k] & 0xffff; }
    idx = countingSort(idx, digit, 65536);
    for (k = 0; k < n; k++) digit[k] = hi[k] >>> 16;
    idx = countingSort(idx, digit, 65536);
    for (k = 0; k < n; k++) digit[k] = strata.ranks[inner[k]];
    idx = countingSort(idx, digit, strata.labels.length);
    var order = new Array(n);
    for (var from = 0; from < n;) {
      var to = from + 1;
      while (to < n && hi[idx[to]] === hi[idx[from]] && digit[idx[to]] === digit[idx[from]]) to++;
      if (to - from > 1) {
        var run = Array.from(idx.subarray(from, to)).sort(function (x, y) {
          return lo[x] - lo[y] || compareIds(ids[inner[x]], ids[inner[y]]);
        });
        idx.set(run, from);
      }
      for (k = from; k < to; k++) order[k] = inner[idx[k]];
      from = to;
    }
    return order;
  }

  /**
   * Systematic selection over an ordered list of numerators with start u (spec §4.3): object i is drawn
   * iff its interval [C_{i-1}, C_i) holds a point u + kD. The next point at or after C_{i-1} lies
   * (u − C_{i-1}) mod D ahead, so the object is drawn iff that distance is below a_i; only C mod D is
   * needed, which keeps every number below 2^33 (exact in doubles) for frames of any size.
   */
  function systematic(order, a, u) {
    var drawn = [];
    var c = 0; // C_{i-1} mod D
    for (var k = 0; k < order.length; k++) {
      var ai = a[order[k]];
      var ahead = (((u - c) % D) + D) % D;
      if (ahead < ai) drawn.push(order[k]);
      c = (c + ai) % D;
    }
    return drawn;
  }

  function nextTick() {
    return new Promise(function (resolve) { setTimeout(resolve, 0); });
  }

  /**
   * The settings of a commitment's policy parameters that change the check: `units` ("shared" or
   * "independent") and `disclosure` ("public" or "auditors"). Version 1 has neither (shared, public).
   */
  function policySettings(version, policy) {
    var p = policy || {};
    if (version < 2) return { units: "shared", disclosure: "public" };
    var units = p.units === undefined ? "shared" : p.units;
    var disclosure = p.disclosure === undefined ? "public" : p.disclosure;
    if (units !== "shared" && units !== "independent")
      return { error: "units", zh: "承诺中的 units 取值 " + JSON.stringify(units) + " 无效。", en: "the commitment's units " + JSON.stringify(units) + " is not valid." };
    if (disclosure !== "public" && disclosure !== "auditors")
      return { error: "disclosure", zh: "承诺中的 disclosure 取值 " + JSON.stringify(disclosure) + " 无效。", en: "the commitment's disclosure " + JSON.stringify(disclosure) + " is not valid." };
    return { units: units, disclosure: disclosure };
  }

  /**
   * The checks of step 6 that need no π table (a version-2 public frame under disclosure "auditors"):
   * every listed object is in the committed frame with its stratum, listed once in canonical order, and
   * the counts add up (total and per stratum; the per-tier counts sum to the total). The start(s) were
   * already checked against the seed.
   */
  function checkWithoutTable(record, frame, listed, start, checked, notChecked, done, version) {
    var stratumOf = new Map();
    for (var i = 0; i < frame.ids.length; i++) stratumOf.set(frame.ids[i], frame.strata[i]);
    var byStratum = {};
    for (i = 0; i < frame.strata.length; i++) byStratum[frame.strata[i]] = 0;
    for (i = 0; i < listed.length; i++) {
      var s = listed[i];
      if (!stratumOf.has(s.id))
        return difference("selection", "extra", "记录列出了对象 " + s.id + "，但它不在承诺的名录中。",
          "the record lists " + s.id + ", which is not in the committed frame.", { id: s.id });
      if (stratumOf.get(s.id) !== s.stratum)
        return difference("selection", "selected-field",
          "抽中对象 " + s.id + " 的 stratum 为 " + stratumOf.get(s.id) + "，记录中为 " + s.stratum + "。",
          "drawn object " + s.id + " has stratum " + stratumOf.get(s.id) + ", the record says " + s.stratum + ".",
          { id: s.id, field: "stratum", computed: stratumOf.get(s.id), record: s.stratum });
      if (i > 0 && compareCodePoints(listed[i - 1].id, s.id) >= 0)
        return difference("selection", "order", "记录中的抽中对象没有按编号排序，或有重复（" + s.id + "）。",
          "the record's drawn objects are not in id order or repeat (" + s.id + ").", { id: s.id });
      byStratum[s.stratum]++;
    }
    var counts = record.counts || {};
    var tierSum = 0;
    Object.keys(counts.by_tier || {}).forEach(function (t) { tierSum += Number(counts.by_tier[t]); });
    if (counts.total !== listed.length || tierSum !== listed.length || canonicalJson(byStratum) !== canonicalJson(counts.by_stratum || {}))
      return difference("selection", "counts", "抽中数量的统计与记录列出的对象不一致。", "the counts do not add up to the objects listed.",
        { computed: { total: listed.length, by_stratum: byStratum }, record: counts });
    notChecked.push("selection-rerun");
    done("selection");
    return { ok: true, version: version, partial: true, checked: checked, notChecked: notChecked, drawn: listed.length, start: start,
      zh: "部分复核通过：承诺、名录、种子和起点一致，抽中的 " + listed.length + " 个对象都在名录中、数量相符。" +
        "入选概率表只提供给指定的审核人员（disclosure = auditors），所以无法在此重新抽取；审核人员可用完整的概率表文件复核全部结果。",
      en: "Partly checked: the commitment, frame, seed and start(s) match, and the " + listed.length + " drawn objects are in the frame with counts that add up. " +
        "The probability table goes to designated auditors only (disclosure = auditors), so the draw cannot be re-run here; an auditor loads the full table file to check everything." };
  }

  /**
   * Verify a record of algorithm `version` (1 or 2) against a public frame. See the file comment for
   * what is checked; version 2 adds independent units (one start per stratum, spec §4), the disclosure
   * setting (spec §5.3: under "auditors" drawn objects carry only id and stratum) and frames without π.
   */
  async function verifyRecord(version, record, frame, options) {
    var opts = options || {};
    var hasher = makeHasher(opts.hash);
    var progress = opts.onProgress || function () {};
    var c = record.commitment;
    var checked = [];
    var notChecked = [];
    function done(step) { checked.push(step); progress({ step: step, fraction: (checked.length + notChecked.length) / STEPS_V1.length }); }
    function skip(step) { notChecked.push(step); progress({ step: step, fraction: (checked.length + notChecked.length) / STEPS_V1.length }); }

    // 1. versions
    if (c.version !== version)
      return difference("version", "version", "承诺的算法版本为 " + c.version + "，与记录的版本 " + version + " 不一致。",
        "the commitment's algorithm version is " + c.version + ", the record's is " + version + ".", { record: version, commitment: c.version });
    done("version");

    // 2. commitment digest, context, published digest
    var body = {};
    Object.keys(c).forEach(function (k) { if (k !== "digest") body[k] = c[k]; });
    var digest = hex(await hasher.digest(utf8(canonicalJson(body))));
    if (digest !== c.digest)
      return difference("commitment", "commitment-digest",
        "承诺的内容被改动过：按内容重新计算的摘要 " + shortHex(digest) + " 与记录中的摘要 " + shortHex(c.digest) + " 不一致。",
        "the commitment was changed: its contents hash to " + shortHex(digest) + ", the record says " + shortHex(c.digest) + ".",
        { computed: digest, record: c.digest });
    if (opts.commitmentDigest && opts.commitmentDigest !== c.digest)
      return difference("commitment", "commitment-published",
        "记录中的承诺摘要 " + shortHex(c.digest) + " 不是抽查前公示的摘要 " + shortHex(opts.commitmentDigest) + "。",
        "the record's commitment " + shortHex(c.digest) + " is not the one published before the seed, " + shortHex(opts.commitmentDigest) + ".",
        { record: c.digest, published: opts.commitmentDigest });
    var item = c.item || {};
    var context = item.id + "|" + c.year + "|round=" + c.round;
    if (context !== c.context)
      return difference("commitment", "context",
        "抽取标识 " + JSON.stringify(c.context) + " 与事项、年度和轮次（" + context + "）不一致。",
        "the context " + JSON.stringify(c.context) + " does not match the item, year and round (" + context + ").",
        { record: c.context, expected: context });
    if (c.denominator !== D)
      return difference("commitment", "denominator", "概率分母不是 2^32。", "the denominator is not 2^32.", { record: c.denominator });
    var settings = policySettings(version, c.policy);
    if (settings.error)
      return difference("commitment", "policy", settings.zh, settings.en, { policy: settings.error });
    var units = settings.units, disclosure = settings.disclosure;
    var full = frame.a !== null && frame.a !== undefined;
    if (!full && version < 2)
      return difference("file", "frame-file", "版本 1 的公开名录文件必须包含 tier 和 pi_numerator 两列。",
        "a version-1 public frame file must have the columns tier and pi_numerator.", {});
    done("commitment");

    // 3. frame: canonical order, digest, size
    var n = frame.ids.length, i;
    var compareIds = codePointComparer(frame.ids);
    var sorted = true;
    for (var q = 1; q < n && sorted; q++) sorted = compareIds(frame.ids[q - 1], frame.ids[q]) < 0;
    // Strictly ascending ids hold no duplicate; any other frame is sorted here and checked for them.
    var canon = Array.from(frame.ids.keys());
    if (!sorted) canon.sort(function (x, y) { return compareIds(frame.ids[x], frame.ids[y]); });
    for (i = 1; i < n && !sorted; i++) {
      if (frame.ids[canon[i]] === frame.ids[canon[i - 1]])
        return difference("frame", "duplicate-id", "名录中对象 " + frame.ids[canon[i]] + " 出现了两次。",
          "object " + frame.ids[canon[i]] + " appears twice in the frame.", { id: frame.ids[canon[i]] });
    }
    var texts = full && sorted && typeof frame.body === "string" ? bodyTexts(frame.body) : digestTexts(frame, canon);
    var frameDigest = hex(await hasher.digest(texts.frame));
    if (n !== c.frame_size || frameDigest !== c.frame_digest)
      return difference("frame", "frame",
        "对象名录与承诺不一致：文件有 " + n + " 个对象（摘要 " + shortHex(frameDigest) + "），承诺为 " + c.frame_size + " 个（摘要 " + shortHex(c.frame_digest) + "）。名录文件被改动过，或不是这次抽取的名录。",
        "the frame differs from the commitment: the file has " + n + " objects (digest " + shortHex(frameDigest) + "), the commitment " + c.frame_size + " (digest " + shortHex(c.frame_digest) + ").",
        { size: n, committed_size: c.frame_size, digest: frameDigest, committed: c.frame_digest });
    done("frame");

    // 4. π table (not published under disclosure "auditors": the public frame then has ids and strata only)
    if (!full) skip("table");
    else {
    var tableDigest = hex(await hasher.digest(texts.table));
    if (tableDigest !== c.table_digest)
      return difference("table", "table",
        "入选概率表与承诺不一致（摘要 " + shortHex(tableDigest) + "，承诺为 " + shortHex(c.table_digest) + "）：某个对象的层级或入选概率被改动过。",
        "the inclusion-probability table differs from the commitment (digest " + shortHex(tableDigest) + " vs " + shortHex(c.table_digest) + "): a tier or probability was changed.",
        { digest: tableDigest, committed: c.table_digest });
    // Σa exactly: add in doubles while below 2^53, then carry into a BigInt.
    var sum = 0n, part = 0;
    for (i = 0; i < n; i++) {
      part += frame.a[i];
      if (part > 4503599627370496) { sum += BigInt(part); part = 0; }
    }
    sum += BigInt(part);
    if (decimalString(sum) !== c.expected)
      return difference("table", "expected", "概率之和 " + decimalString(sum) + " 与承诺的期望数 " + c.expected + " 不一致。",
        "the probabilities sum to " + decimalString(sum) + ", the commitment expects " + c.expected + ".", { computed: decimalString(sum), committed: c.expected });
    done("table");
    }

    // 5. seed
    var source = record.source || {};
    if (source.kind !== "public-seed-sha256")
      return difference("seed", "source", "这次抽取没有使用公开随机种子，无法由公众复核。",
        "this draw did not use a public seed; the public cannot re-run it.", { kind: source.kind });
    if (source.version !== 1)
      return difference("seed", "ticket-version", "随机数版本 " + source.version + " 不受支持。",
        "ticket version " + source.version + " is not supported.", { version: source.version });
    var seed;
    try { seed = normaliseSeed(source.seed); } catch (e) {
      return difference("seed", "seed", "记录中的种子无效：" + e.message, "the record's seed is invalid: " + e.message, {});
    }
    var S = await hasher.digest(utf8(seed));
    if (hex(S) !== source.seed_digest)
      return difference("seed", "seed-digest", "种子与其摘要不一致：种子被改动过。",
        "the seed does not match its digest: the seed was changed.", { computed: hex(S), record: source.seed_digest });
    if (opts.expectedSeed !== undefined && opts.expectedSeed !== null && normaliseSeed(opts.expectedSeed) !== seed)
      return difference("seed", "seed-announced",
        "记录使用的种子 " + JSON.stringify(seed) + " 不是公开摇号时宣布的种子 " + JSON.stringify(normaliseSeed(opts.expectedSeed)) + "。",
        "the record was drawn with seed " + JSON.stringify(seed) + ", not the announced " + JSON.stringify(normaliseSeed(opts.expectedSeed)) + ".",
        { record: seed, announced: normaliseSeed(opts.expectedSeed) });
    done("seed");

    // 6. start(s), tickets, systematic selection, drawn objects and counts
    var u = 0, starts = null;
    var strata = stratumTable(frame.strata);
    if (units === "independent") {
      // One start per stratum, from the context "<c>|start|<label>" (spec §4, independent units); start 0.
      if (record.start !== 0)
        return difference("selection", "start", "各单位独立抽取时记录的起点应为 0，记录中为 " + record.start + "。",
          "with independent units the record's start must be 0, it is " + record.start + ".", { computed: 0, record: record.start });
      starts = {};
      var labels = strata.labels;
      for (i = 0; i < labels.length; i++)
        starts[labels[i]] = Number(await integerBelow(hasher, S, c.context + "|start|" + labels[i], D));
      if (canonicalJson(starts) !== canonicalJson(record.starts || null))
        return difference("selection", "starts", "重新计算的各单位起点与记录不一致。",
          "the per-stratum starts differ from the record on re-run.", { computed: starts, record: record.starts });
    } else {
      u = Number(await integerBelow(hasher, S, c.context + "|start", D));
      if (u !== record.start)
        return difference("selection", "start", "重新计算的起点为 " + u + "，记录中为 " + record.start + "。",
          "the start is " + u + " on re-run, " + record.start + " in the record.", { computed: u, record: record.start });
      if (record.starts !== undefined && record.starts !== null)
        return difference("selection", "starts", "记录列出了各单位起点，但承诺的是统一起点。",
          "the record lists per-stratum starts, but the commitment has one shared start.", { record: record.starts });
    }
    var fields = disclosure === "auditors" ? ["id", "stratum"] : ["id", "tier", "stratum", "pi_numerator", "pi"];
    var listed = record.selected || [];
    for (i = 0; i < listed.length; i++) {
      var extraKeys = Object.keys(listed[i] || {}).filter(function (k) { return fields.indexOf(k) < 0; });
      if (extraKeys.length)
        return difference("selection", "disclosure",
          "记录中抽中对象 " + listed[i].id + " 含有 " + extraKeys.join("、") + "，但本次抽取的公开范围（" + disclosure + "）不公开这些内容。",
          "drawn object " + listed[i].id + " has " + extraKeys.join(", ") + ", which disclosure \"" + disclosure + "\" keeps out of the public record.",
          { id: listed[i].id, fields: extraKeys });
    }
    if (!full) return checkWithoutTable(record, frame, listed, starts === null ? u : starts, checked, notChecked, done, version);
    var inner = [], always = [];
    for (i = 0; i < n; i++) {
      if (frame.a[i] === D) always.push(i);
      else if (frame.a[i] > 0) inner.push(i);
    }
    var hi = new Uint32Array(inner.length), lo = new Uint32Array(inner.length);
    var ctx = utf8(c.context.normalize("NFC"));
    var prefix = concatBytes([S, ctx, SEP]);
    var chunk = opts.chunk || 16384;
    var ticketHash = opts.ticketHash || (hasher.kind === "webcrypto" && opts.hash === "webcrypto" ? "webcrypto" : "js");
    // One reusable buffer for the built-in hash: prefix once, then each id's UTF-8 bytes after it.
    var buffer = new Uint8Array(prefix.length + 4096);
    buffer.set(prefix);
    var idBytes = buffer.subarray(prefix.length), shared = prefixStart(prefix);
    for (var start = 0; start < inner.length; start += chunk) {
      var end = Math.min(inner.length, start + chunk);
      var k;
      if (ticketHash === "webcrypto") {
        var pending = [];
        for (k = start; k < end; k++) {
          pending.push(hasher.digest(concatBytes([prefix, utf8(frame.ids[inner[k]].normalize("NFC"))])));
        }
        var hashes = await Promise.all(pending);
        for (k = start; k < end; k++) {
          var h = hashes[k - start];
          hi[k] = ((h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3]) >>> 0;
          lo[k] = ((h[4] << 24) | (h[5] << 16) | (h[6] << 8) | h[7]) >>> 0;
        }
      } else {
        for (k = start; k < end; k++) {
          var id = frame.ids[inner[k]];
          if (id.length * 3 > buffer.length - prefix.length) {
            var bigger = new Uint8Array(prefix.length + id.length * 3);
            bigger.set(prefix);
            buffer = bigger;
            idBytes = buffer.subarray(prefix.length);
          }
          // ASCII ids (the usual credit codes) are copied byte by byte; others are NFC-normalised and encoded.
          var at = prefix.length, code = 0;
          for (var ci = 0; ci < id.length; ci++) {
            code = id.charCodeAt(ci);
            if (code >= 0x80) break;
            buffer[at++] = code;
          }
          if (code >= 0x80) at = prefix.length + encoder.encodeInto(id.normalize("NFC"), idBytes).written;
          sha256Into(buffer, at, shared);
          hi[k] = H[0] >>> 0;
          lo[k] = H[1] >>> 0;
        }
      }
      progress({ step: "tickets", fraction: (checked.length + end / inner.length) / STEPS_V1.length, done: end, total: inner.length });
      if (opts.yieldEvery !== false) await nextTick();
    }
    var order = selectionOrder(frame, inner, hi, lo, strata, compareIds);
    var drawnIdx = always;
    if (starts === null) drawnIdx = drawnIdx.concat(systematic(order, frame.a, u));
    else {
      // The order is by stratum first: each stratum's run is a line of its own with its own start.
      for (var from = 0; from < order.length;) {
        var to = from, label = frame.strata[order[from]];
        while (to < order.length && frame.strata[order[to]] === label) to++;
        drawnIdx = drawnIdx.concat(systematic(order.slice(from, to), frame.a, starts[label]));
        from = to;
      }
    }
    // Canonical (id) order: the frame's own order when it came sorted, else each object's place in canon.
    var place = Int32Array.from(drawnIdx);
    if (!sorted) {
      var rank = new Int32Array(n);
      for (i = 0; i < n; i++) rank[canon[i]] = i;
      for (i = 0; i < place.length; i++) place[i] = rank[place[i]];
      place.sort();
      for (i = 0; i < place.length; i++) place[i] = canon[place[i]];
    } else place.sort();
    var drawn = Array.from(place, function (x) {
      return { id: frame.ids[x], tier: frame.tiers[x], stratum: frame.strata[x], pi_numerator: frame.a[x], pi: decimalString(frame.a[x]) };
    });
    var mine = null, theirs = null;
    for (i = 0; i < Math.max(drawn.length, listed.length); i++) {
      var d = drawn[i], s = listed[i];
      if (!d || !s)
        return difference("selection", "count", "重新抽取抽中 " + drawn.length + " 个对象，记录列出 " + listed.length + " 个。",
          "the re-run draws " + drawn.length + " objects, the record lists " + listed.length + ".", { computed: drawn.length, record: listed.length });
      if (d.id !== s.id && mine === null) {
        // The lists part here: look the two ids up in the other list (built once, at the first difference).
        mine = new Map(); theirs = new Map();
        drawn.forEach(function (x) { mine.set(x.id, x); });
        listed.forEach(function (x) { theirs.set(x.id, x); });
      }
      if (d.id !== s.id && !theirs.has(d.id))
        return difference("selection", "missing",
          "重新抽取抽中了对象 " + d.id + "，但记录中没有它。", "the re-run draws " + d.id + ", which the record does not list.", { id: d.id });
      if (d.id !== s.id && !mine.has(s.id))
        return difference("selection", "extra",
          "记录列出了对象 " + s.id + "，但重新抽取没有抽中它。", "the record lists " + s.id + ", which the re-run does not draw.", { id: s.id });
      for (var f = 0; f < fields.length; f++) {
        if (String(d[fields[f]]) !== String(s[fields[f]]))
          return difference("selection", "selected-field",
            "抽中对象 " + d.id + " 的 " + fields[f] + " 为 " + d[fields[f]] + "，记录中为 " + s[fields[f]] + "。",
            "drawn object " + d.id + " has " + fields[f] + " " + d[fields[f]] + ", the record says " + s[fields[f]] + ".",
            { id: d.id, field: fields[f], computed: d[fields[f]], record: s[fields[f]] });
      }
    }
    // Every tier and every stratum of the frame is counted, drawn or not (as the record lists them).
    var counts = { total: drawn.length, by_tier: { key: 0, problem: 0, risk: 0, general: 0 }, by_stratum: {} };
    strata.labels.forEach(function (label) { counts.by_stratum[label] = 0; });
    drawn.forEach(function (x) {
      counts.by_tier[x.tier] = (counts.by_tier[x.tier] || 0) + 1;
      counts.by_stratum[x.stratum] = (counts.by_stratum[x.stratum] || 0) + 1;
    });
    if (canonicalJson(counts) !== canonicalJson(record.counts || {}))
      return difference("selection", "counts", "抽中数量的统计与记录不一致。", "the counts differ from the record.",
        { computed: counts, record: record.counts });
    done("selection");
    return { ok: true, version: version, partial: false, checked: checked, notChecked: notChecked, drawn: drawn.length,
      start: starts === null ? u : starts, hash: hasher.kind,
      zh: "复核通过：用公开的种子重新抽取，结果与公布的记录完全一致（共抽中 " + drawn.length + " 个对象）。",
      en: "Reproduces: re-running the draw from the public seed gives exactly the published record (" + drawn.length + " objects drawn)." };
  }

  /**
   * Version dispatch: VERSIONS[n] = {verify(record, frame, options), steps, canVerify}. A new draw
   * algorithm version (or a disclosure mode) adds an entry; records of unknown versions are refused.
   */
  var VERSIONS = {
    1: {
      verify: function (record, frame, options) { return verifyRecord(1, record, frame, options); },
      steps: STEPS_V1,
      canVerify: {
        zh: ["承诺在种子产生前已固定（摘要一致）", "公布的对象名录和入选概率表就是承诺的那一份",
          "种子与其摘要一致", "用种子重新抽取，抽中的每个对象、层级、概率和各单位数量都与记录一致"],
        en: ["the commitment was fixed before the seed (its digest matches)", "the published frame and probability table are the committed ones",
          "the seed matches its digest", "re-running the draw from the seed gives every drawn object, tier, probability and count of the record"],
      },
      cannotVerify: {
        zh: ["名录是否包含了全部应抽查的主体（需要完整的主体名录，未公开）",
          "每个对象的入选概率是否按其信用等级和风险等级计算（信用和风险分类不公开）"],
        en: ["that the frame holds every object in the item's scope (needs the full directory, not public)",
          "that each probability follows from the object's credit grade and risk class (not public)"],
      },
    },
    2: {
      verify: function (record, frame, options) { return verifyRecord(2, record, frame, options); },
      steps: STEPS_V1,
      // What a citizen and an auditor can check under each disclosure setting (spec §5.3, the table).
      canVerify: {
        zh: ["承诺在种子产生前已固定（摘要一致）；强制抽查的原因只以加盐摘要公示，不公开名单",
          "公布的对象名录就是承诺的那一份（编号和所属单位）",
          "种子与其摘要一致；起点（各单位独立抽取时每个单位的起点）由种子算出",
          "抽查结果公开（disclosure = public）时：公布的入选概率表就是承诺的那一份，用种子重新抽取，抽中的每个对象、层级、概率和各项数量都与记录一致",
          "仅向审核人员提供（disclosure = auditors）时：网站不公开单个对象的层级和入选概率；公众可核对抽中对象都在名录中、各单位数量相符；审核人员用完整概率表文件可复核全部结果"],
        en: ["the commitment was fixed before the seed (its digest matches); mandatory reasons are published only as salted digests, never as lists",
          "the published frame is the committed one (ids and units)",
          "the seed matches its digest; the start (with independent units, each unit's start) follows from the seed",
          "with disclosure \"public\": the published probability table is the committed one, and re-running the draw gives every drawn object, tier, probability and count of the record",
          "with disclosure \"auditors\": the site shows no tier or probability of single objects; the public checks that the drawn objects are in the frame and the counts add up; an auditor with the full table file checks everything"],
      },
      cannotVerify: {
        zh: ["名录是否包含了全部应抽查的主体（需要完整的主体名录，未公开）",
          "每个对象的入选概率是否按其信用等级和风险等级计算，以及哪些对象因何被列为重点或问题对象（需要主体名录和审核人员持有的原因清单）",
          "disclosure = auditors 时：没有完整概率表，无法在网页上重新抽取"],
        en: ["that the frame holds every object in the item's scope (needs the full directory, not public)",
          "that each probability follows from the object's credit grade and risk class, and why objects are key or problem objects (needs the directory and the auditors' opening)",
          "with disclosure \"auditors\": without the full table the draw cannot be re-run on this page"],
      },
    },
  };

  function register(version, entry) {
    VERSIONS[version] = entry;
  }

  /**
   * Verify a published draw record against its public frame.
   * record: the record JSON (object or text); frame: the frame file text, or {ids, strata, tiers, a}.
   * options: onProgress({step, fraction}), expectedSeed, commitmentDigest, hash ("webcrypto" | "js").
   * Resolves to {ok: true, ...} or the first difference {ok: false, step, code, zh, en, detail}.
   */
  async function verifyDraw(record, frame, options) {
    if (typeof record === "string") {
      try { record = JSON.parse(record); } catch (e) {
        return difference("file", "record-json", "记录文件不是有效的 JSON：" + e.message, "the record file is not valid JSON: " + e.message, {});
      }
    }
    if (!record || record.format !== "randinspect-draw-record" || !record.commitment)
      return difference("file", "record-format", "这不是 randinspect 抽取记录文件。", "this is not a randinspect draw record.", {});
    var entry = VERSIONS[record.version];
    if (!entry)
      return difference("version", "unsupported-version",
        "记录的算法版本 " + record.version + " 不受本复核程序支持（支持：" + Object.keys(VERSIONS).join("、") + "）。请使用更新的复核程序。",
        "algorithm version " + record.version + " is not supported by this verifier (supported: " + Object.keys(VERSIONS).join(", ") + ").",
        { version: record.version });
    if (typeof frame === "string") {
      try { frame = readFrame(frame); } catch (e) {
        return difference("file", "frame-file", "名录文件无法读取：" + e.message, "the frame file cannot be read: " + e.message, { line: e.line });
      }
    }
    try {
      return await entry.verify(record, frame, options);
    } catch (e) {
      return difference("file", "malformed", "记录格式有误，无法复核：" + e.message, "the record is malformed: " + e.message, {});
    }
  }

  var api = {
    D: D,
    VERSIONS: VERSIONS,
    canonicalJson: canonicalJson,
    compareCodePoints: compareCodePoints,
    decimalString: decimalString,
    hex: hex,
    integerBelow: integerBelow,
    makeHasher: makeHasher,
    normaliseSeed: normaliseSeed,
    readFrame: readFrame,
    register: register,
    seedDigest: seedDigest,
    sha256Sync: sha256Sync,
    systematic: systematic,
    ticket: ticket,
    uniform: uniform,
    utf8: utf8,
    verifyDraw: verifyDraw,
  };
  root.RandinspectVerify = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
