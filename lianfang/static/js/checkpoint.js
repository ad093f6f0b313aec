/* Lianfang checkpoint: scan (camera or typed), decide on the server, keep working offline.
 *
 * Every scan gets a client_id (UUID) and goes into a queue in localStorage before anything is sent.
 * The whole queue is posted as one batch; an item leaves the queue only when the server answered it.
 * The server records a client_id once, so a batch sent twice (a lost answer) counts nothing twice.
 */
(function () {
  "use strict";
  const root = document.getElementById("checkpoint");
  if (!root) return;
  const T = JSON.parse(document.getElementById("cp-text").textContent);
  const scanUrl = root.dataset.scanUrl;
  const queueKey = "lf-checkpoint-queue-" + root.dataset.gate;
  const tempRequired = root.dataset.temperatureRequired === "1";
  const $ = (id) => document.getElementById(id);
  const form = $("scan-form"), verdict = $("verdict");
  let flushing = false;

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  function loadQueue() { try { return JSON.parse(localStorage.getItem(queueKey) || "[]"); } catch (e) { return []; } }
  function saveQueue(q) { localStorage.setItem(queueKey, JSON.stringify(q)); showPending(q.length); }
  function showPending(n) {
    $("pending-count").textContent = n;
    $("pending").hidden = n === 0;
  }
  function setOnline(on) {
    const net = $("net");
    net.textContent = on ? T.online : T.offline;
    net.className = "net " + (on ? "online" : "offline");
  }
  function csrf() { const el = form.querySelector("[name=csrfmiddlewaretoken]"); return el ? el.value : ""; }

  function show(answer) {
    const kind = answer.queued ? "queued" : answer.decision;
    verdict.className = "verdict " + kind;
    $("v-word").textContent = answer.queued ? T.queued : (T[answer.decision] || answer.decision);
    $("v-household").textContent = answer.household || "";
    $("v-message").textContent = answer.queued ? T.queuedMessage : answer.message;
    let exits = "";
    if (answer.exits_left !== null && answer.exits_left !== undefined) exits = `${T.exitsLeft}: ${answer.exits_left}`;
    if (answer.next_allowed) exits = `${T.nextAllowed} ${answer.next_allowed}`;
    $("v-exits").textContent = exits;
    $("v-advice").textContent = answer.queued ? T.queuedAdvice : (answer.advice || "");
    showMembers(answer);
    verdict.dataset.decision = kind;
    verdict.dataset.code = answer.code || "";
    verdict.hidden = false;
    verdict.focus();
    if (!answer.queued) logSynced(answer);
  }
  // A fever: ask which member it was, by number in the household's list (sex and age band, never a name).
  function showMembers(answer) {
    const box = $("v-members"), choices = $("v-choices");
    choices.replaceChildren();
    $("v-recorded").textContent = "";
    const members = (!answer.queued && answer.members) || [];
    box.hidden = members.length === 0;
    if (box.hidden) return;
    $("v-ask").textContent = T.feverWho;
    const options = members.map((m) => [m.position, [T.memberNo.replace("{n}", m.position), m.sex, m.age].filter(Boolean).join(" · ")]);
    options.push([0, T.noneOfThem]);
    for (const [position, label] of options) {
      const b = document.createElement("button");
      b.type = "button"; b.className = "secondary"; b.textContent = label; b.dataset.position = position;
      b.addEventListener("click", () => nameMember(answer.client_id, position, b));
      choices.appendChild(b);
    }
  }
  async function nameMember(clientId, position, button) {
    try {
      const resp = await fetch(root.dataset.feverMemberUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ client_id: clientId, position: position }),
        credentials: "same-origin",
      });
      const reply = await resp.json();
      $("v-recorded").textContent = reply.message || "";
      if (resp.ok) {
        for (const b of $("v-choices").children) b.classList.toggle("chosen", b === button);
      }
    } catch (e) {
      $("v-recorded").textContent = T.notSent;
    }
  }

  // This phone's answered scans, newest first (the last 20): those answered at once and those sent later.
  const RECENT = 20;
  function logSynced(answer) {
    const li = document.createElement("li");
    li.textContent = `${new Date().toLocaleTimeString()} · ${T[answer.decision] || answer.decision} · ${answer.household || ""} · ${answer.message}`;
    li.dataset.code = answer.code;
    const list = $("synced");
    list.prepend(li);
    while (list.children.length > RECENT) list.lastElementChild.remove();
  }

  async function flush(currentId) {
    if (flushing) return null;
    const queue = loadQueue();
    if (!queue.length) return null;
    flushing = true;
    try {
      const resp = await fetch(scanUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify(queue),
        credentials: "same-origin",
      });
      const type = resp.headers.get("Content-Type") || "";
      if (resp.redirected || !type.includes("application/json")) { formError(T.relogin); return null; }
      if (resp.status >= 500) throw new Error("server " + resp.status);
      const answers = await resp.json();
      if (!Array.isArray(answers)) { formError(answers.message || "error"); return null; }
      setOnline(true);
      const answered = new Set(answers.map((a) => a.client_id));
      saveQueue(loadQueue().filter((s) => !answered.has(s.client_id)));
      let mine = null;
      for (const a of answers) {
        if (a.client_id === currentId) mine = a; else logSynced(a);
      }
      return mine;
    } catch (e) {
      setOnline(false);
      return null;
    } finally {
      flushing = false;
    }
  }

  function formError(msg) { const el = $("form-error"); el.textContent = msg; el.hidden = !msg; }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    formError("");
    const token = $("token").value.trim();
    const tRaw = $("temperature").value.trim();
    if (!token) { formError(T.needToken); return; }
    if (!tRaw && tempRequired) { formError(T.needTemp); $("temperature").focus(); return; }
    const temperature = tRaw ? Number(tRaw) : null;
    if (tRaw && (!isFinite(temperature) || temperature < 34 || temperature > 43)) { formError(T.badTemp); return; }
    const scan = {
      client_id: uuid4(), token: token,
      direction: form.querySelector("[name=direction]:checked").value,
      temperature: temperature, scanned_at: new Date().toISOString(),
    };
    const q = loadQueue(); q.push(scan); saveQueue(q);
    const answer = await flush(scan.client_id);
    show(answer || { queued: true, client_id: scan.client_id });
  });

  $("next").addEventListener("click", () => {
    verdict.hidden = true;
    $("token").value = "";
    $("temperature").value = "";
    $("temperature").focus();
  });

  // Camera scanning with jsQR (served from our static files), loaded only when the camera is first opened:
  // a guard who types pass numbers never downloads it.
  let stream = null;
  let reader = null;
  const loadReader = () => {
    if (!reader) {
      reader = new Promise((resolve, reject) => {
        const s = document.createElement("script");
        s.src = $("camera-btn").dataset.reader;
        s.onload = () => (typeof jsQR === "undefined" ? reject(new Error("jsQR")) : resolve());
        s.onerror = () => { reader = null; reject(new Error("jsQR")); };
        document.head.appendChild(s);
      });
    }
    return reader;
  };
  $("camera-btn").addEventListener("click", async () => {
    const video = $("camera");
    if (stream) { stream.getTracks().forEach((t) => t.stop()); stream = null; video.hidden = true; return; }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { formError(T.noCamera); return; }
    try { await loadReader(); } catch (e) { formError(T.noCamera); return; }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (e) { formError(T.noCamera); return; }
    video.srcObject = stream; video.hidden = false; await video.play();
    const canvas = $("frame"), ctx = canvas.getContext("2d", { willReadFrequently: true });
    const tick = () => {
      if (!stream) return;
      if (video.readyState === video.HAVE_ENOUGH_DATA) {
        canvas.width = video.videoWidth; canvas.height = video.videoHeight;
        ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
        const code = jsQR(ctx.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height);
        if (code && code.data) {
          $("token").value = code.data;
          stream.getTracks().forEach((t) => t.stop()); stream = null; video.hidden = true;
          form.requestSubmit();
          return;
        }
      }
      setTimeout(tick, 150);
    };
    tick();
  });

  window.addEventListener("online", () => { setOnline(true); flush(null); });
  window.addEventListener("offline", () => setOnline(false));
  setInterval(() => { if (loadQueue().length) flush(null); }, 5000);
  showPending(loadQueue().length);
  setOnline(navigator.onLine);
  if (loadQueue().length) flush(null);
})();
