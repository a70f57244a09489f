// LiveFigure's browser side (anywidget): draws the moving artists of a scene over a
// matplotlib-rendered background, entirely in the browser, so a slider's new value reaches
// the screen without a trip through the kernel.
//
// Python computes everything: the frames (point arrays per control setting, from course_lib's
// math), the backgrounds (PNG per zoom level, with their axis limits) and the axes box.
// This file only maps data coordinates linearly onto that box and strokes lines and markers.
// The sliders are jsdlink-ed to the traits s0..s5 (settings) and k (iteration).

const TYPED = { float32: Float32Array, float64: Float64Array, int16: Int16Array, int32: Int32Array };

function typed(buffer, dtype) {
  const Kind = TYPED[dtype];
  const view = buffer instanceof DataView ? buffer : new DataView(buffer.buffer || buffer);
  return new Kind(view.buffer, view.byteOffset, view.byteLength / Kind.BYTES_PER_ELEMENT);
}

async function onMessage(s, msg, buffers) {
  if (msg.type === "reset") {   // every frame is out of date: keep the picture until new ones come
    s.frames.clear();
    s.pending = true;
  } else if (msg.type === "frames") {
    const arrays = msg.arrays.map((a, i) => ({ ...a, data: typed(buffers[i], a.dtype) }));
    msg.keys.forEach((key, n) => {
      const frame = {};
      for (const a of arrays) {
        const size = a.shape.slice(1).reduce((x, y) => x * y, 1);
        frame[a.name] = { data: a.data.subarray(n * size, (n + 1) * size), shape: a.shape.slice(1) };
      }
      for (const [name, perKey] of Object.entries(msg.texts || {})) frame[name] = { strings: perKey[n] };
      s.frames.set(key.join(","), frame);
    });
  } else if (msg.type === "error") {  // the kernel could not compute frames: say so on the figure
    s.error = msg.text;
    s.pending = true;
  } else if (msg.type === "background") {
    const blob = new Blob([buffers[0]], { type: "image/png" });
    const image = new Image();
    image.src = URL.createObjectURL(blob);
    await image.decode();
    s.backgrounds.set(msg.level, { image, xlim: msg.xlim, ylim: msg.ylim });
    if (s.canvas) s.canvas.dataset.backgrounds = s.backgrounds.size; // read by the widget bench
  } else {
    return;
  }
  if (s.pending && s.redraw) s.redraw(); // only if the shown setting was waiting
}

const PT = 96 / 72; // matplotlib sizes are in points; figures are rendered at 96 DPI

function marker(ctx, kind, x, y, size) {
  const r = (size * PT) / 2;
  ctx.setLineDash([]);
  ctx.beginPath();
  if (kind === "o") {
    ctx.arc(x, y, r, 0, 2 * Math.PI);
  } else if (kind === "D") {
    ctx.moveTo(x, y - r); ctx.lineTo(x + r, y); ctx.lineTo(x, y + r); ctx.lineTo(x - r, y);
  } else if (kind === "s") {
    ctx.rect(x - r, y - r, 2 * r, 2 * r);
  } else if (kind === "*") {
    for (let i = 0; i < 10; i++) {
      const rr = i % 2 === 0 ? r : r * 0.382;
      const a = -Math.PI / 2 + (i * Math.PI) / 5;
      ctx[i === 0 ? "moveTo" : "lineTo"](x + rr * Math.cos(a), y + rr * Math.sin(a));
    }
  }
  ctx.closePath();
  ctx.fill();
}

function arrow(ctx, [x0, y0], [x1, y1], head) {  // a shaft and a filled head at the end
  const length = Math.hypot(x1 - x0, y1 - y0);
  if (!(length > 0.5)) return;
  const ux = (x1 - x0) / length, uy = (y1 - y0) / length, h = Math.min(head, length);
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1 - ux * h * 0.8, y1 - uy * h * 0.8);
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - ux * h - uy * h * 0.45, y1 - uy * h + ux * h * 0.45);
  ctx.lineTo(x1 - ux * h + uy * h * 0.45, y1 - uy * h - ux * h * 0.45);
  ctx.closePath();
  ctx.fill();
}

// Diagram layers: fixed geometry from the layer spec, per-frame styles or strings.
//   segments: spec.segments [[p0, p1], ...], spec.styles [{color, lw}], frame array: style index per item
//   circles:  spec.centers [p, ...], spec.radius (pt), spec.edge, spec.lw, spec.styles [{fill}], same
//   boxes:    like circles, with spec.size [w, h] and spec.round (corner radius), in CSS pixels
//   text:     spec.positions [p, ...], frame strings per item (lines split on \n), spec.color(s),
//             spec.size (pt), spec.ha / spec.va, spec.box (a fill colour behind the text, or none)
function itemsAt(layer, frame, k) {
  const item = frame[layer.data || layer.name];
  if (!item) return null;
  if (item.strings) return layer.mode === "at" ? item.strings[Math.min(k, item.strings.length - 1)] : item.strings;
  const { data, shape } = item;
  if (layer.mode === "at") {
    const q = shape[1], row = Math.min(k, shape[0] - 1);
    return Array.from(data.subarray(row * q, (row + 1) * q));
  }
  return Array.from(data);
}

function drawItems(ctx, layer, frame, k, map) {
  const items = itemsAt(layer, frame, k);
  if (!items) return;
  ctx.save();
  ctx.setLineDash([]);
  if (layer.kind === "segments") {
    ctx.lineCap = "round";
    layer.segments.forEach(([a, b], i) => {
      const style = layer.styles[items[i]] || layer.styles[0];
      const [x0, y0] = map(a), [x1, y1] = map(b);
      ctx.strokeStyle = style.color;
      ctx.lineWidth = style.lw * PT;
      ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke();
    });
  } else if (layer.kind === "circles") {
    layer.centers.forEach((c, i) => {
      const style = layer.styles[items[i]] || layer.styles[0];
      const [x, y] = map(c);
      ctx.beginPath();
      ctx.arc(x, y, layer.radius * PT, 0, 2 * Math.PI);
      ctx.fillStyle = style.fill; ctx.fill();
      ctx.strokeStyle = layer.edge; ctx.lineWidth = layer.lw * PT; ctx.stroke();
    });
  } else if (layer.kind === "boxes") {
    const [w, h] = layer.size;            // CSS pixels, centred on each point
    layer.centers.forEach((c, i) => {
      const style = layer.styles[items[i]] || layer.styles[0];
      const [x, y] = map(c);
      ctx.beginPath();
      ctx.roundRect(x - w / 2, y - h / 2, w, h, layer.round || 0);
      ctx.fillStyle = style.fill; ctx.fill();
      ctx.strokeStyle = layer.edge; ctx.lineWidth = layer.lw * PT; ctx.stroke();
    });
  } else if (layer.kind === "text") {
    const size = layer.size * PT, lineHeight = size * 1.2;
    ctx.font = `${layer.weight || "normal"} ${size}px DejaVu Sans, sans-serif`;
    ctx.textAlign = layer.ha || "center";
    ctx.textBaseline = "middle";
    layer.positions.forEach((p, i) => {
      const text = items[i];
      if (!text) return;
      const lines = String(text).split("\n");
      const [x, y] = map(p);
      const top = y - ((lines.length - 1) * lineHeight) / 2;
      if (layer.box) {
        const w = Math.max(...lines.map((l) => ctx.measureText(l).width)) + 0.3 * size;
        const left = ctx.textAlign === "center" ? x - w / 2 : ctx.textAlign === "left" ? x - 0.15 * size : x - w + 0.15 * size;
        ctx.globalAlpha = 0.85; ctx.fillStyle = layer.box;
        ctx.fillRect(left, top - lineHeight / 2, w, lines.length * lineHeight);
        ctx.globalAlpha = 1;
      }
      ctx.fillStyle = (layer.colors && layer.colors[i]) || layer.color || "black";
      lines.forEach((line, j) => ctx.fillText(line, x, top + j * lineHeight));
    });
  }
  ctx.restore();
}

function points(layer, frame, k) {
  const item = frame[layer.data || layer.name];
  if (!item) return [];
  const { data, shape } = item;
  let start = 0, count;
  if (layer.mode === "at") {          // shape [K, Q, 2]: the Q points of iteration k
    const q = shape[1];
    start = Math.min(k, shape[0] - 1) * q * 2;
    count = q;
  } else if (layer.mode === "point") {  // shape [P, 2]: point k
    start = Math.min(k, shape[0] - 1) * 2;
    count = 1;
  } else if (layer.mode === "prefix") { // shape [P, 2]: points 0..k, or 0..ends[k]-1
    const ends = layer.ends && frame[layer.ends];
    count = Math.min(ends ? ends.data[Math.min(k, ends.data.length - 1)] : k + 1, shape[0]);
  } else {                            // "all", shape [P, 2]
    count = shape[0];
  }
  const out = [];
  for (let i = 0; i < count; i++) out.push([data[start + 2 * i], data[start + 2 * i + 1]]);
  return out;
}

function render({ model, el }) {
  // Each view keeps its own frames: anywidget hands initialize and every render a different
  // model wrapper, so nothing here is shared. The hello asks the kernel to (re)send them.
  const s = { frames: new Map(), backgrounds: new Map(), redraw: null, pending: true };
  const onCustom = (msg, buffers) => onMessage(s, msg, buffers);
  model.on("msg:custom", onCustom);
  const width = model.get("width"), height = model.get("height");
  const dpr = window.devicePixelRatio || 1;
  const canvas = document.createElement("canvas");
  s.canvas = canvas;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", model.get("description"));
  el.classList.add("course-live-figure");
  el.appendChild(canvas);
  const ctx = canvas.getContext("2d");
  let fallback = null;

  function drawFallback() { // no frames (no kernel, e.g. a saved notebook): the static PNG
    const url = model.get("_data_url");
    if (!url) return;
    if (!fallback) {
      fallback = new Image();
      fallback.onload = () => { if (!s.frames.size) ctx.drawImage(fallback, 0, 0, width, height); };
      fallback.src = url;
    }
  }

  function draw() {
    const controls = model.get("controls");
    const key = controls.map((c, n) => {
      const v = model.get(`s${n}`), at = c.base ? Math.log(v) / Math.log(c.base) : v; // log slider: its exponent
      const i = Math.round((at - c.min) / c.step);
      return Math.max(0, Math.min(c.count - 1, i));
    }).join(",");
    const frame = s.frames.get(key);
    s.pending = true;
    if (!frame) { if (!s.frames.size) drawFallback(); return; } // arrives with the kernel's reply
    const k = Math.max(0, model.get("k"));
    const zoom = frame.zoom ? frame.zoom.data[Math.min(k, frame.zoom.data.length - 1)] : 0;
    const bg = s.backgrounds.get(zoom);
    if (!bg) return;
    s.pending = false;
    const [x0, x1] = bg.xlim, [y0, y1] = bg.ylim;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.drawImage(bg.image, 0, 0, width, height);
    for (const layer of model.get("layers")) {
      // "data" layers map through the background's axis limits onto the axes box (the layer's
      // own box, for figures with several axes); "pixels" layers are figure pixels already
      // (Python projected them: log or 3-D axes).
      const [left, top, boxW, boxH] = layer.box || model.get("box");
      const map = layer.space === "pixels" ? ([x, y]) => [x, y]
        : ([x, y]) => [left + ((x - x0) / (x1 - x0)) * boxW, top + boxH - ((y - y0) / (y1 - y0)) * boxH];
      if (layer.kind) { drawItems(ctx, layer, frame, k, map); continue; }
      const clip = layer.clip || (layer.space === "pixels" ? null : [left, top, boxW, boxH]);
      const pts = points(layer, frame, k).map(map);
      ctx.save();
      if (clip) { ctx.beginPath(); ctx.rect(...clip); ctx.clip(); }
      ctx.globalAlpha = layer.alpha ?? 1;
      ctx.strokeStyle = ctx.fillStyle = layer.color;
      ctx.lineWidth = (layer.lw || 1) * PT;
      ctx.lineJoin = ctx.lineCap = "round";
      if (layer.cap) ctx.lineCap = layer.cap;   // "butt": a thick segment drawn as a bar
      if (layer.dash) { ctx.setLineDash(layer.dash.map((d) => d * PT)); ctx.lineCap = "butt"; }
      if (layer.arrow) {
        for (let i = 0; i + 1 < pts.length; i += 2) arrow(ctx, pts[i], pts[i + 1], layer.head || 9);
      } else if (layer.lw > 0 && pts.length > 1) {
        ctx.beginPath();
        let pen = false;
        for (const [x, y] of pts) {
          if (!Number.isFinite(x) || !Number.isFinite(y)) { pen = false; continue; }
          if (pen) ctx.lineTo(x, y); else ctx.moveTo(x, y);
          pen = true;
        }
        ctx.stroke();
      }
      if (layer.marker) {
        for (const [x, y] of pts) if (Number.isFinite(x) && Number.isFinite(y)) marker(ctx, layer.marker, x, y, layer.ms);
      }
      ctx.restore();
    }
    if (s.error) {
      ctx.font = "13px sans-serif"; ctx.fillStyle = "#D55E00"; ctx.textAlign = "left"; ctx.textBaseline = "top";
      ctx.fillText(s.error, 8, 6);
    }
    canvas.dataset.frame = `${key}|${k}`;
  }

  const events = ["change:s0", "change:s1", "change:s2", "change:s3", "change:s4", "change:s5", "change:k"];
  for (const event of events) model.on(event, draw);
  s.redraw = draw;
  draw();
  model.send({ type: "hello" });
  return () => {
    for (const event of events) model.off(event, draw);
    model.off("msg:custom", onCustom);
    s.redraw = null;
    s.canvas = null;
  };
}

export default { render };
