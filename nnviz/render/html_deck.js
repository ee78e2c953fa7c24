/* The HTML deck's player: steps through the frames with lecture mode's keys, shows each
   frame's caption, the step and phase, and the formulas of the neuron chosen by a click or
   the chooser. Reads #step=S&phase=P from the address on opening; ?keys=ArrowRight,... (a
   test's hook) replays those keys through the same handler, ?click=L:I clicks that neuron
   (L from 1, I from 0), in the order given. */
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("deck-data").textContent);
  const frames = data.frames;

  /* The keys, as lecture mode has them (nnviz/gui/lecture.py). Kept in this one list, with
     the help text beside each action, so it can later be generated from one key map. */
  /* [action, KeyboardEvent.key names, keys as shown, what it does]: generated from lecture
     mode's one key map (nnviz/gui/keymap.py, browser_keymap) when the deck is written. */
  const KEYMAP = data.keymap;
  const ACTION = {};
  for (const [action, keys] of KEYMAP) for (const k of keys) ACTION[k] = action;

  const $ = (id) => document.getElementById(id);
  const state = { index: 0, selected: null, typed: "", formulas: true, note: "" };
  if (data.selected) state.selected = data.selected[0] + ":" + data.selected[1];

  function stepRange(step) {
    let first = -1, last = -1;
    frames.forEach((f, i) => { if (f.step === step) { if (first < 0) first = i; last = i; } });
    return [first, last];
  }

  function neuronName(key) {
    const [layer, i] = key.split(":").map(Number);
    return "layer " + layer + ", neuron " + (i + 1);
  }

  /* A caption's or formulas' HTML, typeset by nnviz (file text escaped there), from its
     template. */
  function text(k) {
    return $("text-" + k).content.cloneNode(true);
  }

  function drawHits(svg, frame) {
    const ns = "http://www.w3.org/2000/svg";
    const g = document.createElementNS(ns, "g");
    g.setAttribute("class", "hits");
    for (const [layer, i, x, y, r] of frame.hits) {
      const c = document.createElementNS(ns, "circle");
      const key = layer + ":" + i;
      c.setAttribute("cx", x); c.setAttribute("cy", y); c.setAttribute("r", r);
      c.setAttribute("class", key === state.selected ? "hit selected" : "hit");
      c.setAttribute("data-neuron", key);
      const t = document.createElementNS(ns, "title");
      t.textContent = neuronName(key);
      c.appendChild(t);
      c.addEventListener("click", () => select(key));
      g.appendChild(c);
    }
    svg.appendChild(g);
  }

  function show() {
    const f = frames[state.index];
    const stage = $("stage");
    const svg = $("svg-" + f.svg).content.firstElementChild.cloneNode(true);
    drawHits(svg, f);
    stage.replaceChildren(svg);
    $("caption").replaceChildren(text(f.caption));
    const where = "step " + f.step + " · phase " + f.phase + "/" + f.phases + " " + f.name +
      " · frame " + (state.index + 1) + " of " + frames.length;
    $("where").textContent = state.note ? where + " · " + state.note : where;
    const panel = $("formulas");
    panel.hidden = !(state.formulas && state.selected);
    if (state.selected) {
      $("formulas-title").textContent = neuronName(state.selected);
      const k = f.formulas[state.selected];
      if (k !== undefined) $("formulas-body").replaceChildren(text(k));
      else $("formulas-body").textContent = "Not drawn in this frame.";
    }
    $("chooser").value = state.selected || "";
    document.title = data.name + " · step " + f.step + " · phase " + f.phase + "/" + f.phases;
    const b = document.body.dataset;
    b.frame = state.index + 1; b.step = f.step; b.phase = f.phase; b.selected = state.selected || "";
    try { history.replaceState(null, "", "#step=" + f.step + "&phase=" + f.phase); } catch (e) { /* file: pages may refuse */ }
  }

  function go(index) {
    state.index = Math.max(0, Math.min(frames.length - 1, index));
    show();
  }

  function select(key) {
    state.selected = key || null;
    state.formulas = true;
    show();
  }

  function handleKey(ev) {
    const key = ev.key;
    state.note = "";
    if (!$("help").hidden) { $("help").hidden = true; return true; }
    if (!$("blackout").hidden) { $("blackout").hidden = true; return true; }
    if (/^[0-9]$/.test(key)) { state.typed += key; $("where").textContent = "go to step " + state.typed + " …"; return true; }
    const action = ACTION[key];
    const typed = state.typed;
    state.typed = "";
    if (action === undefined) return false;
    const cur = frames[state.index];
    if (action === "next") go(state.index + 1);
    else if (action === "prev") go(state.index - 1);
    else if (action === "first") go(stepRange(cur.step)[0]);
    else if (action === "last") go(stepRange(cur.step)[1]);
    else if (action === "go") {
      if (!typed) return false;
      const [first] = stepRange(Number(typed));
      if (first >= 0) go(first);
      else { state.note = "this deck has steps " + frames[0].step + " to " + frames[frames.length - 1].step; show(); }
    } else if (action === "blackout" || action === "whiteout") {
      $("blackout").className = action === "whiteout" ? "white" : "";
      $("blackout").hidden = false;
    } else if (action === "formulas") { state.formulas = !state.formulas; show(); }
    else if (action === "help") $("help").hidden = false;
    return true;
  }

  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.altKey || ev.metaKey) return;
    if (ev.target && ev.target.tagName === "SELECT" && ev.key !== "Escape") return;
    if (handleKey(ev)) ev.preventDefault();
  });
  $("blackout").addEventListener("click", () => { $("blackout").hidden = true; });
  $("help").addEventListener("click", () => { $("help").hidden = true; });
  /* buttons let go of the focus, so that Space after a click steps once, not twice */
  $("prev").addEventListener("click", (ev) => { ev.currentTarget.blur(); go(state.index - 1); });
  $("next").addEventListener("click", (ev) => { ev.currentTarget.blur(); go(state.index + 1); });
  $("help-button").addEventListener("click", (ev) => { ev.currentTarget.blur(); $("help").hidden = false; });
  const chooser = $("chooser");
  const seen = new Set();
  for (const f of frames) for (const [layer, i] of f.hits) {
    const key = layer + ":" + i;
    if (seen.has(key)) continue;
    seen.add(key);
    const opt = document.createElement("option");
    opt.value = key; opt.textContent = neuronName(key);
    chooser.appendChild(opt);
  }
  chooser.addEventListener("change", () => { select(chooser.value); chooser.blur(); });
  const table = $("help-keys");
  for (const [, , keys, words] of KEYMAP) {
    const row = table.insertRow();
    row.insertCell().textContent = keys;
    row.insertCell().textContent = words;
  }

  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.has("step")) {
    const [first, last] = stepRange(Number(hash.get("step")));
    if (first >= 0) {
      const phase = Number(hash.get("phase") || "1");
      const at = frames.findIndex((f, i) => i >= first && i <= last && f.phase === phase);
      state.index = at >= 0 ? at : first;
    }
  }
  show();
  for (const [param, value] of new URLSearchParams(location.search)) {  /* in their order */
    if (param === "keys") {
      const trail = [state.index + 1];  /* the frame after each key, for the test to read */
      for (const name of value.split(",").filter(Boolean)) {
        handleKey({ key: name === "Space" ? " " : name });
        trail.push(state.index + 1);
      }
      document.body.dataset.trail = trail.join(",");
    } else if (param === "click") {
      const hit = document.querySelector('circle.hit[data-neuron="' + CSS.escape(value) + '"]');
      if (hit) hit.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    }
  }
  document.body.dataset.ready = "1";
})();
