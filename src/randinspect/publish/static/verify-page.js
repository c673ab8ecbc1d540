/* The verifier page: pick a published draw (its record and public frame ship with the site as scripts,
 * so the page works from file:// too) or choose your own files, then re-run the draw with verify.js. */
(function () {
  "use strict";
  var V = window.RandinspectVerify;
  var data = window.RandinspectData || { draws: [], loaded: {}, seed: null };
  var $ = function (id) { return document.getElementById(id); };

  function bilingual(zh, en) {
    var frag = document.createDocumentFragment();
    var a = document.createElement("span"); a.className = "zh"; a.lang = "zh-CN"; a.textContent = zh;
    var b = document.createElement("span"); b.className = "en"; b.lang = "en"; b.textContent = en;
    frag.appendChild(a); frag.appendChild(b);
    return frag;
  }

  function setProgress(fraction, zh, en) {
    $("progress").value = Math.max(0, Math.min(1, fraction));
    var t = $("progress-text"); t.textContent = ""; t.appendChild(bilingual(zh, en));
  }

  function showResult(result) {
    var box = $("result");
    box.textContent = "";
    var p = document.createElement("p");
    p.className = result.ok ? "result-ok" : "result-bad";
    p.dataset.ok = result.ok ? "true" : "false";
    p.dataset.step = result.step || "";
    p.dataset.code = result.code || "";
    p.dataset.partial = result.partial ? "true" : "false";
    if (result.ok) {
      p.appendChild(bilingual(result.zh, result.en));
    } else {
      p.appendChild(bilingual("发现第一处不一致：" + result.zh, "First difference: " + result.en));
    }
    box.appendChild(p);
    var steps = $("steps"); steps.textContent = "";
    var entry = V.VERSIONS[result.version] || V.VERSIONS[1];
    (entry ? entry.steps : []).forEach(function (s) {
      var li = document.createElement("li");
      // Under disclosure "auditors" the π table is not public: that step is shown as not checked here.
      var skipped = (result.notChecked || []).indexOf(s.step) >= 0;
      var passed = !skipped && (result.ok || (result.checked || []).indexOf(s.step) >= 0);
      var failed = !result.ok && result.step === s.step;
      var mark = skipped ? "未公开，未核对 – " : passed ? "通过 ✔ " : failed ? "不一致 ✘ " : "未检查 – ";
      var markEn = skipped ? "not public, not checked – " : passed ? "passed ✔ " : failed ? "differs ✘ " : "not reached – ";
      li.appendChild(bilingual(mark + s.zh, markEn + s.en));
      steps.appendChild(li);
    });
    setProgress(1, result.ok ? "完成" : "已停止", result.ok ? "done" : "stopped");
    document.body.dataset.verifyState = result.ok ? "ok" : "differs";
  }

  function run(record, frame, options) {
    document.body.dataset.verifyState = "running";
    $("result").textContent = "";
    setProgress(0, "正在复核…", "checking…");
    var steps = {};
    Object.keys(V.VERSIONS).forEach(function (v) { V.VERSIONS[v].steps.forEach(function (s) { steps[s.step] = s; }); });
    var opts = Object.assign({}, options, {
      onProgress: function (p) {
        if (p.step === "tickets") setProgress(p.fraction, "计算随机数 " + p.done + "/" + p.total, "tickets " + p.done + "/" + p.total);
        else if (steps[p.step]) setProgress(p.fraction, "已核对：" + steps[p.step].zh, "checked: " + steps[p.step].en);
      },
    });
    var started = performance.now();
    return V.verifyDraw(record, frame, opts).then(function (result) {
      result.checked = result.checked || [];
      result.ms = performance.now() - started;
      document.body.dataset.verifyMs = String(result.ms);
      window.lastVerifyResult = result;
      showResult(result);
      return result;
    });
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src; s.onload = resolve;
      s.onerror = function () { reject(new Error("cannot load " + src)); };
      document.body.appendChild(s);
    });
  }

  function runPicked() {
    var slug = $("draw-select").value;
    var meta = data.draws.filter(function (d) { return d.slug === slug; })[0];
    if (!meta) return Promise.resolve(null);
    setProgress(0, "正在载入记录…", "loading the record…");
    var ready = data.loaded[slug] ? Promise.resolve() : loadScript("data/" + encodeURIComponent(slug) + ".js");
    return ready.then(function () {
      var got = data.loaded[slug];
      return run(got.record, got.frame, { commitmentDigest: meta.commitment, expectedSeed: data.seed === null ? undefined : data.seed });
    });
  }

  function readFile(file) {
    return new Promise(function (resolve, reject) {
      var r = new FileReader();
      r.onload = function () { resolve(String(r.result)); };
      r.onerror = function () { reject(r.error); };
      r.readAsText(file, "utf-8");
    });
  }

  var dropped = [];
  function runFiles() {
    var files = dropped.length ? dropped : Array.from($("files").files || []);
    return Promise.all(files.map(readFile)).then(function (texts) {
      var record = null, frame = null;
      texts.forEach(function (t) {
        var s = t.replace(/^\ufeff/, "").trim();
        if (s[0] === "{" && s.indexOf("randinspect-draw-record") >= 0) record = s; else frame = t;
      });
      if (!record || !frame) {
        showResult({ ok: false, step: "file", code: "files", zh: "请同时选择一份抽取记录（.json）和它的公开名录文件（.csv，审核人员可用完整概率表文件）。",
          en: "choose both a draw record (.json) and its public frame file (.csv; auditors may use the full table file)." });
        return null;
      }
      var seed = $("seed-input").value.trim();
      return run(record, frame, { expectedSeed: seed ? seed : undefined });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var select = $("draw-select");
    data.draws.forEach(function (d) {
      var o = document.createElement("option");
      o.value = d.slug;
      o.textContent = d.name + " · " + d.item + " · 第 " + d.round + " 轮 (" + d.frame_size + ")" +
        (d.disclosure === "auditors" ? " · 概率表仅供审核人员" : "");
      select.appendChild(o);
    });
    var hash = decodeURIComponent(window.location.hash.slice(1));
    if (hash) select.value = hash;
    $("run-picked").addEventListener("click", runPicked);
    $("run-files").addEventListener("click", runFiles);
    $("files").addEventListener("change", function () { dropped = []; });
    var zone = $("drop-zone");
    zone.addEventListener("dragover", function (e) { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
    zone.addEventListener("drop", function (e) {
      e.preventDefault(); zone.classList.remove("over");
      dropped = Array.from(e.dataTransfer.files || []);
    });
    var can = $("can-verify");
    Object.keys(V.VERSIONS).forEach(function (version) {
      var entry = V.VERSIONS[version];
      var h = document.createElement("h3");
      h.appendChild(bilingual("算法版本 " + version, "Algorithm version " + version));
      can.appendChild(h);
      [["能核对", "Checks", entry.canVerify], ["不能核对", "Cannot check", entry.cannotVerify]].forEach(function (part) {
        var p = document.createElement("p"); p.appendChild(bilingual(part[0] + "：", part[1] + ":")); can.appendChild(p);
        var ul = document.createElement("ul");
        part[2].zh.forEach(function (zh, i) { var li = document.createElement("li"); li.appendChild(bilingual(zh, part[2].en[i])); ul.appendChild(li); });
        can.appendChild(ul);
      });
    });
    window.randinspectVerifyPage = { runPicked: runPicked, runFiles: runFiles, run: run };
    document.body.dataset.verifyState = "idle";
  });
})();
