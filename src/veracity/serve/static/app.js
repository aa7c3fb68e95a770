// The editors' page: a small hash-routed client of the veracity HTTP API.
// Every string that comes from an article or from evidence is put into the page with textContent, never
// as markup, so nothing in a checked text can run as script.
"use strict";

(() => {
  const VERDICT_NAMES = {
    refuted: "Refuted",
    conflicting: "Conflicting",
    not_enough_evidence: "Not enough evidence",
    supported: "Supported",
  };
  // Where claims overlap, the highlight shows the most serious verdict among them.
  const SEVERITY = ["refuted", "conflicting", "not_enough_evidence", "supported"];
  const PAGE_SIZE = 20;
  const TOKEN_KEY = "veracity-token";
  const EDITOR_KEY = "veracity-editor";

  const $ = (id) => document.getElementById(id);
  const state = { authRequired: false, job: null, selected: null, pollTimer: null, listOffset: 0 };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function safeHref(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function formatTime(iso) {
    if (!iso) return "";
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  }

  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.status === 204) return null;
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    if (!response.ok) {
      if (response.status === 401) {
        $("token-box").hidden = false;
        $("token-input").focus();
      }
      const detail = data && typeof data.detail === "string" ? data.detail : `HTTP ${response.status}`;
      const error = new Error(detail);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  function showError(node, message) {
    node.textContent = message;
    node.hidden = !message;
  }

  // ---- routing -------------------------------------------------------------------------------------

  function route() {
    clearTimeout(state.pollTimer);
    const hash = location.hash || "#/new";
    const match = hash.match(/^#\/checks\/([A-Za-z0-9_-]+)(?:\/([A-Za-z0-9_-]+))?$/);
    for (const view of document.querySelectorAll(".view")) view.hidden = true;
    let nav = "new";
    if (match) {
      nav = "checks";
      $("view-check").hidden = false;
      openCheck(match[1], match[2] || null);
    } else if (hash.startsWith("#/checks")) {
      nav = "checks";
      $("view-checks").hidden = false;
      document.title = "Past checks · veracity";
      loadList();
    } else {
      $("view-new").hidden = false;
      document.title = "New check · veracity";
    }
    for (const link of document.querySelectorAll("[data-nav]")) {
      if (link.dataset.nav === nav) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
  }

  // ---- new check -----------------------------------------------------------------------------------

  function plural(count, noun) {
    return `${count} ${noun}${count === 1 ? "" : "s"}`;
  }

  async function readFile(file) {
    const text = await file.text();
    const isHtml = /\.(html?|xhtml)$/i.test(file.name) || file.type === "text/html";
    return isHtml ? { html: text } : { text };
  }

  // Pasted sources are split at lines of three or more dashes; uploaded ones are cited by file name.
  async function readSources() {
    const pasted = $("f-sources").value.split(/^[ \t]*-{3,}[ \t]*$/m)
      .map((part) => part.trim()).filter(Boolean).map((text) => ({ text }));
    const uploaded = await Promise.all([...$("f-source-files").files].map(
      async (file) => ({ ...(await readFile(file)), id: file.name })));
    return [...pasted, ...uploaded];
  }

  async function submitCheck(event) {
    event.preventDefault();
    const error = $("form-error");
    showError(error, "");
    const body = {};
    const title = $("f-title").value.trim();
    const published = $("f-published").value;
    const text = $("f-text").value;
    const file = $("f-file").files[0];
    const url = $("f-url").value.trim();
    const given = [text.trim() ? "text" : null, file ? "file" : null, url ? "link" : null].filter(Boolean);
    if (given.length !== 1) {
      showError(error, given.length ? `Give only one of text, file or link (got ${given.join(", ")}).` : "Paste an article, choose a file or give a link.");
      return;
    }
    if (title) body.title = title;
    if (published) body.published = published;
    if (!$("verifier-field").hidden) body.verifier = $("f-verifier").value;
    const sources = await readSources();
    if (sources.length) body.evidence = sources;
    if (file) Object.assign(body, await readFile(file));
    else if (url) body.url = url;
    else body.text = text;
    const button = $("submit-check");
    button.disabled = true;
    try {
      const job = await api("POST", "/v1/checks", body);
      $("check-form").reset();
      location.hash = `#/checks/${job.id}`;
    } catch (err) {
      showError(error, err.message);
    } finally {
      button.disabled = false;
    }
  }

  // ---- one check -----------------------------------------------------------------------------------

  async function openCheck(id, claimId) {
    if (!state.job || state.job.id !== id) {
      state.job = null;
      state.selected = null;
      $("report").hidden = true;
      $("exports").hidden = true;
      $("progress-card").hidden = true;
      showError($("check-error"), "");
      $("check-title").textContent = "Loading…";
      $("check-meta").textContent = "";
    }
    try {
      const job = await api("GET", `/v1/checks/${id}`);
      renderJob(job);
      if (job.status === "queued" || job.status === "running") {
        state.pollTimer = setTimeout(() => openCheck(id, claimId), 700);
      } else if (claimId) {
        selectClaim(claimId, { focus: true });
      }
    } catch (err) {
      $("check-title").textContent = "Check not found";
      showError($("check-error"), err.message);
    }
  }

  function finalVerdict(claim, overrides) {
    const override = overrides[claim.id];
    return override ? override.verdict : claim.verdict;
  }

  function renderJob(job) {
    const previous = state.job;
    state.job = job;
    const title = job.title || (job.report && job.report.article.title) || "Untitled article";
    $("check-title").textContent = title;
    document.title = `${title} · veracity`;
    const meta = [];
    if (job.source && job.source !== "-") meta.push(job.source);
    if (job.published) meta.push(`published ${job.published}`);
    meta.push(`submitted ${formatTime(job.created_at)}`);
    if (job.verifier) meta.push(`verifier ${job.verifier}`);
    if (job.evidence_documents) meta.push(`against ${plural(job.evidence_documents, "source")} given with it`);
    $("check-meta").textContent = meta.join(" · ");
    $("check-eyebrow").textContent = job.status === "succeeded" ? "Fact check" : "Fact check · " + job.status;

    if (job.status === "queued" || job.status === "running") {
      renderProgress(job);
      return;
    }
    $("progress-card").hidden = true;
    if (job.status === "failed") {
      showError($("check-error"), `This check failed: ${job.error || "unknown error"}`);
      return;
    }
    for (const format of ["json", "markdown", "claimreview"]) {
      $(`export-${format}`).href = `/v1/checks/${job.id}/export?format=${format}`;
    }
    $("exports").hidden = false;
    const sameReport = previous && previous.id === job.id && previous.status === "succeeded";
    renderReport(job, sameReport);
  }

  function renderProgress(job) {
    $("progress-card").hidden = false;
    const bar = $("progress-bar");
    const { done, total } = job.progress;
    let label;
    if (job.status === "queued") label = "Waiting in the queue…";
    else if (total === null) label = "Finding the claims in the article…";
    else label = `Checking claims: ${done} of ${total}`;
    $("progress-label").textContent = label;
    const determinate = job.status === "running" && total;
    bar.classList.toggle("indeterminate", !determinate);
    const percent = determinate ? Math.round((100 * done) / total) : 0;
    $("progress-fill").style.width = determinate ? `${percent}%` : "";
    bar.setAttribute("aria-valuenow", String(percent));
  }

  function renderReport(job, keepSelection) {
    const report = job.report;
    const overrides = job.overrides || {};
    $("report").hidden = false;
    renderSummary(report.claims, overrides);
    renderArticle(report.article.text, report.claims, overrides);
    renderClaimList(report.claims, overrides);
    if (keepSelection && state.selected) selectClaim(state.selected, { focus: false });
    else {
      state.selected = null;
      const detail = $("claim-detail");
      detail.replaceChildren(el("p", { class: "empty" }, report.claims.length
        ? "Select a highlighted passage or a claim below to see its reason and evidence."
        : "No check-worthy claims were found in this article."));
    }
  }

  function renderSummary(claims, overrides) {
    const counts = Object.fromEntries(SEVERITY.map((v) => [v, 0]));
    for (const claim of claims) counts[finalVerdict(claim, overrides)] += 1;
    const edited = claims.filter((c) => overrides[c.id]).length;
    const chips = [el("span", { class: "chip" }, el("strong", {}, claims.length), " claims")];
    for (const verdict of SEVERITY) {
      if (counts[verdict]) chips.push(el("span", { class: `chip v-${verdict}` }, el("strong", {}, counts[verdict]), " ", VERDICT_NAMES[verdict].toLowerCase()));
    }
    if (edited) chips.push(el("span", { class: "chip" }, el("strong", {}, edited), " edited"));
    $("summary").replaceChildren(...chips);
  }

  function renderArticle(text, claims, overrides) {
    const bounds = new Set([0, text.length]);
    const spans = claims
      .map((claim) => ({ claim, start: Math.max(0, Math.min(claim.start, text.length)), end: Math.max(0, Math.min(claim.end, text.length)) }))
      .filter((span) => span.end > span.start);
    for (const span of spans) {
      bounds.add(span.start);
      bounds.add(span.end);
    }
    const points = [...bounds].sort((a, b) => a - b);
    const nodes = [];
    for (let i = 0; i < points.length - 1; i += 1) {
      const [from, to] = [points[i], points[i + 1]];
      const piece = text.slice(from, to);
      const covering = spans.filter((span) => span.start <= from && span.end >= to).map((span) => span.claim);
      if (!covering.length) {
        nodes.push(document.createTextNode(piece));
        continue;
      }
      const verdicts = covering.map((claim) => finalVerdict(claim, overrides));
      const verdict = SEVERITY.find((v) => verdicts.includes(v));
      const overridden = covering.some((claim) => overrides[claim.id]);
      const ids = covering.map((claim) => claim.id);
      const label = covering.map((claim) => `${claim.id}: ${VERDICT_NAMES[finalVerdict(claim, overrides)]}${overrides[claim.id] ? " (edited)" : ""}`).join("; ");
      nodes.push(el("mark", {
        class: `claim v-${verdict}${overridden ? " overridden" : ""}`,
        tabindex: "0",
        role: "button",
        "aria-label": `${label}. ${piece}`,
        title: label,
        dataset: { claims: ids.join(" "), verdict },
        onclick: () => selectClaim(ids[0], { focus: true }),
        onkeydown: (event) => {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            selectClaim(ids[0], { focus: true });
          }
        },
      }, piece));
    }
    $("article-text").replaceChildren(...nodes);
  }

  function renderClaimList(claims, overrides) {
    const items = claims.map((claim) => {
      const verdict = finalVerdict(claim, overrides);
      return el("li", {},
        el("button", {
          type: "button",
          dataset: { claim: claim.id },
          "aria-label": `${claim.id}, ${VERDICT_NAMES[verdict]}${overrides[claim.id] ? ", edited" : ""}: ${claim.text}`,
          onclick: () => selectClaim(claim.id, { focus: true }),
        },
        el("span", { class: `dot v-${verdict}`, "aria-hidden": "true" }),
        el("span", { class: "claim-id" }, claim.id),
        el("span", { class: "claim-text" }, claim.text)));
    });
    $("claim-list").replaceChildren(...items);
  }

  function selectClaim(claimId, { focus }) {
    const job = state.job;
    if (!job || !job.report) return;
    const claim = job.report.claims.find((c) => c.id === claimId);
    if (!claim) return;
    state.selected = claimId;
    const wanted = `#/checks/${job.id}/${claimId}`;
    if (location.hash !== wanted) history.replaceState(null, "", wanted);
    for (const mark of document.querySelectorAll("mark.claim")) {
      mark.classList.toggle("selected", mark.dataset.claims.split(" ").includes(claimId));
    }
    for (const button of document.querySelectorAll("#claim-list button")) {
      if (button.dataset.claim === claimId) button.setAttribute("aria-current", "true");
      else button.removeAttribute("aria-current");
    }
    renderDetail(claim, (job.overrides || {})[claim.id] || null);
    const mark = [...document.querySelectorAll("mark.claim")].find((m) => m.dataset.claims.split(" ").includes(claimId));
    if (mark) mark.scrollIntoView({ block: "nearest", behavior: "smooth" });
    if (focus) $("claim-detail").focus({ preventScroll: true });
  }

  function renderDetail(claim, override) {
    const verdict = override ? override.verdict : claim.verdict;
    const head = el("div", { class: "detail-head" },
      el("span", { class: `badge v-${verdict}`, id: "detail-verdict", dataset: { verdict } }, VERDICT_NAMES[verdict]),
      override ? el("span", { class: "badge edited" }, "Edited") : null,
      el("span", { class: "meta" }, claim.id));
    const facts = el("dl", { class: "detail-dl" },
      claim.speaker ? [el("dt", {}, "Attributed to"), el("dd", {}, claim.speaker)] : null,
      el("dt", {}, override ? "Machine verdict" : "Confidence"),
      el("dd", {},
        override ? `${VERDICT_NAMES[claim.verdict]}, ` : null,
        el("span", { class: "confidence", "aria-hidden": "true" }, el("span", { style: null })),
        `${Math.round(claim.confidence * 100)}%`),
      el("dt", {}, "In the article"),
      el("dd", {}, `“${claim.sentence}”`));
    const bar = facts.querySelector(".confidence span");
    bar.style.width = `${Math.round(claim.confidence * 100)}%`;

    const parts = [head, el("p", { class: "detail-claim" }, claim.text), facts];
    if (override) {
      parts.push(el("div", { class: "reason override-note" },
        el("strong", {}, `Editor’s note${override.editor ? ` (${override.editor})` : ""}: `), override.note,
        el("div", { class: "meta" }, `Changed ${formatTime(override.updated_at)}`)));
    }
    parts.push(el("div", { class: "reason" }, el("strong", {}, "Why: "), claim.reason));
    parts.push(el("h2", {}, `Evidence (${claim.evidence.length})`));
    if (claim.evidence.length) {
      parts.push(el("ol", { class: "evidence" }, claim.evidence.map((item) => {
        const where = item.title || item.source || item.doc_id;
        const href = safeHref(item.url);
        return el("li", {},
          el("div", { class: "ev-head" },
            el("span", { class: `stance ${item.stance}` }, item.stance),
            href ? el("a", { class: "ev-source", href, target: "_blank", rel: "noopener noreferrer" }, where)
              : el("span", { class: "ev-source" }, where),
            item.published ? el("span", { class: "ev-date" }, item.published) : null),
          el("blockquote", {}, item.passage),
          item.reason ? el("p", { class: "ev-reason" }, item.reason) : null);
      })));
    } else {
      parts.push(el("p", { class: "empty" }, "No evidence passage was found for this claim."));
    }
    parts.push(overrideForm(claim, override));
    $("claim-detail").replaceChildren(...parts);
  }

  function overrideForm(claim, override) {
    const select = el("select", { id: "override-verdict", name: "verdict" },
      SEVERITY.map((v) => el("option", { value: v, selected: (override ? override.verdict : claim.verdict) === v }, VERDICT_NAMES[v])));
    const note = el("textarea", { id: "override-note", name: "note", rows: "3", maxlength: "4000", placeholder: "Why the verdict is different (sources, reasoning)…" });
    note.value = override ? override.note : "";
    const editor = el("input", { id: "override-editor", name: "editor", type: "text", maxlength: "200", autocomplete: "name" });
    editor.value = override && override.editor ? override.editor : localStorage.getItem(EDITOR_KEY) || "";
    const error = el("p", { class: "form-error", role: "alert", hidden: true });
    const save = el("button", { type: "submit", class: "primary", id: "override-save" }, override ? "Update override" : "Save override");
    const remove = override ? el("button", { type: "button", class: "danger", id: "override-remove", onclick: () => removeOverride(claim.id, error) }, "Remove override") : null;
    return el("form", {
      class: "override-form",
      onsubmit: (event) => {
        event.preventDefault();
        saveOverride(claim.id, { verdict: select.value, note: note.value, editor: editor.value.trim() || null }, error);
      },
    },
    el("h3", {}, override ? "Editor’s override" : "Override the verdict"),
    el("div", { class: "field" }, el("label", { for: "override-verdict" }, "Verdict"), select),
    el("div", { class: "field" }, el("label", { for: "override-note" }, "Note"), note),
    el("div", { class: "field" }, el("label", { for: "override-editor" }, "Editor ", el("span", { class: "optional" }, "optional")), editor),
    error,
    el("div", { class: "actions" }, save, remove));
  }

  async function saveOverride(claimId, body, errorNode) {
    if (!body.note.trim()) {
      showError(errorNode, "Add a note that says why the verdict changes.");
      return;
    }
    if (body.editor) localStorage.setItem(EDITOR_KEY, body.editor);
    try {
      await api("PUT", `/v1/checks/${state.job.id}/claims/${claimId}/override`, body);
      await refreshAfterEdit(claimId);
    } catch (err) {
      showError(errorNode, err.message);
    }
  }

  async function removeOverride(claimId, errorNode) {
    try {
      await api("DELETE", `/v1/checks/${state.job.id}/claims/${claimId}/override`);
      await refreshAfterEdit(claimId);
    } catch (err) {
      showError(errorNode, err.message);
    }
  }

  async function refreshAfterEdit(claimId) {
    const job = await api("GET", `/v1/checks/${state.job.id}`);
    state.selected = claimId;
    renderJob(job);
    selectClaim(claimId, { focus: true });
  }

  function stepClaim(delta) {
    const job = state.job;
    if (!job || !job.report || !job.report.claims.length) return;
    const ids = job.report.claims.map((c) => c.id);
    const index = ids.indexOf(state.selected);
    const next = index < 0 ? (delta > 0 ? 0 : ids.length - 1) : Math.min(ids.length - 1, Math.max(0, index + delta));
    selectClaim(ids[next], { focus: true });
  }

  // ---- list ----------------------------------------------------------------------------------------

  async function loadList() {
    const body = $("checks-body");
    try {
      const page = await api("GET", `/v1/checks?limit=${PAGE_SIZE}&offset=${state.listOffset}`);
      if (!page.items.length && state.listOffset > 0) {
        state.listOffset = Math.max(0, state.listOffset - PAGE_SIZE);
        loadList();
        return;
      }
      body.replaceChildren(...page.items.map(listRow));
      $("checks-empty").hidden = page.total > 0;
      $("page-prev").disabled = state.listOffset === 0;
      $("page-next").disabled = page.next_offset === null;
      $("page-info").textContent = page.total ? `${state.listOffset + 1}–${state.listOffset + page.items.length} of ${page.total}` : "";
    } catch (err) {
      body.replaceChildren(el("tr", {}, el("td", { colspan: "5", class: "form-error" }, err.message)));
    }
  }

  function listRow(job) {
    const title = job.title || "Untitled article";
    const summary = job.summary;
    const chips = summary
      ? SEVERITY.filter((v) => summary[v]).map((v) => el("span", { class: `chip v-${v}` }, `${summary[v]} ${VERDICT_NAMES[v].toLowerCase()}`))
      : [];
    if (job.overrides) chips.push(el("span", { class: "chip" }, `${job.overrides} edited`));
    const status = job.status === "running" && job.progress.total ? `running ${job.progress.done}/${job.progress.total}` : job.status;
    return el("tr", {},
      el("td", { class: "title-cell" },
        el("a", { href: `#/checks/${job.id}` }, title),
        el("span", { class: "sub" }, [job.source && job.source !== "-" ? job.source : `${job.input} input`, job.verifier, job.evidence_documents ? plural(job.evidence_documents, "source") : null].filter(Boolean).join(" · "))),
      el("td", {}, el("span", { class: `status ${job.status}` }, status)),
      el("td", {}, el("span", { class: "mini" }, summary ? [el("span", { class: "chip" }, `${summary.claims} claims`), ...chips] : "—")),
      el("td", {}, formatTime(job.created_at)),
      el("td", {}, el("button", {
        type: "button",
        class: "danger",
        "aria-label": `Delete the check of ${title}`,
        onclick: async () => {
          if (!confirm(`Delete the check of “${title}”?`)) return;
          try {
            await api("DELETE", `/v1/checks/${job.id}`);
            loadList();
          } catch (err) {
            alert(err.message);
          }
        },
      }, "Delete")));
  }

  // ---- start ---------------------------------------------------------------------------------------

  function onKey(event) {
    if ($("view-check").hidden) return;
    const target = event.target;
    const typing = target.closest && target.closest("input, textarea, select");
    if (typing || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "n" || event.key === "j") stepClaim(1);
    else if (event.key === "p" || event.key === "k") stepClaim(-1);
    else if (event.key === "Escape" && state.selected) {
      const mark = [...document.querySelectorAll("mark.claim")].find((m) => m.dataset.claims.split(" ").includes(state.selected));
      if (mark) mark.focus();
    }
  }

  async function start() {
    $("check-form").addEventListener("submit", submitCheck);
    $("page-prev").addEventListener("click", () => { state.listOffset = Math.max(0, state.listOffset - PAGE_SIZE); loadList(); });
    $("page-next").addEventListener("click", () => { state.listOffset += PAGE_SIZE; loadList(); });
    const tokenInput = $("token-input");
    tokenInput.value = sessionStorage.getItem(TOKEN_KEY) || "";
    tokenInput.addEventListener("change", () => sessionStorage.setItem(TOKEN_KEY, tokenInput.value.trim()));
    document.addEventListener("keydown", onKey);
    window.addEventListener("hashchange", route);
    try {
      const health = await api("GET", "/healthz");
      state.authRequired = Boolean(health.auth_required);
      $("token-box").hidden = !state.authRequired;
    } catch (err) {
      state.authRequired = false;
    }
    await loadVerifiers();
    route();
  }

  async function loadVerifiers() {
    try {
      const offered = await api("GET", "/v1/verifiers");
      const options = offered.verifiers.map((name) =>
        el("option", { value: name }, name === offered.default ? `${name} (default)` : name));
      $("f-verifier").replaceChildren(...options);
      $("verifier-field").hidden = offered.verifiers.length < 2;
    } catch (err) {
      $("verifier-field").hidden = true;
    }
  }

  document.addEventListener("DOMContentLoaded", start);
})();
