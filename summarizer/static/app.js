// Brief editor: articles in, brief out, every citation one hover/focus/click from its source.
// No framework and no network beyond this service; all source text is set with textContent.
"use strict";

const $ = (selector) => document.querySelector(selector);
const articlesList = $("#articles");
const template = $("#article-template");
let lastRequest = null; // the body of the last successful brief, for the copy buttons

function addArticle(article = {}) {
  const item = template.content.firstElementChild.cloneNode(true);
  item.querySelector(".title").value = article.title || "";
  item.querySelector(".source").value = article.source || "";
  item.querySelector(".url").value = article.url || "";
  item.querySelector(".text").value = article.text || "";
  item.dataset.id = article.id || "";
  item.querySelector(".remove").addEventListener("click", () => {
    item.remove();
    if (!articlesList.children.length) addArticle();
  });
  articlesList.appendChild(item);
  return item;
}

function collectArticles() {
  return [...articlesList.children].map((item, i) => {
    const article = { id: item.dataset.id || `article-${i + 1}`, text: item.querySelector(".text").value };
    for (const field of ["title", "source", "url"]) {
      const value = item.querySelector(`.${field}`).value.trim();
      if (value) article[field] = value;
    }
    return article;
  });
}

function setArticles(articles) {
  articlesList.replaceChildren();
  articles.forEach((article) => addArticle(article));
  if (!articles.length) addArticle();
}

function showError(message) {
  const box = $("#error");
  box.textContent = message;
  box.hidden = !message;
}

async function readFile(file) {
  const text = await file.text();
  const stem = file.name.replace(/\.[^.]+$/, "");
  if (file.name.toLowerCase().endsWith(".json")) {
    const value = JSON.parse(text);
    return (Array.isArray(value) ? value : [value]).map((a, i) => ({ id: a.id || `${stem}-${i + 1}`, ...a }));
  }
  const lines = text.replace(/^\ufeff/, "").split("\n");
  if (lines.length > 2 && lines[0].trim() && !lines[1].trim()) {
    return [{ id: stem, title: lines[0].trim(), text: lines.slice(2).join("\n") }];
  }
  return [{ id: stem, text }];
}

function describeError(status, body, headers) {
  const error = body && body.error;
  if (status === 429) {
    return `The service is busy. Try again in ${headers.get("Retry-After") || "a few"} seconds.`;
  }
  if (!error) return `The service answered ${status}.`;
  return error.field ? `${error.message} (field: ${error.field})` : error.message;
}

async function postBrief(body, format) {
  const response = await fetch(`/v1/briefs?format=${format}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    let parsed = null;
    try { parsed = await response.json(); } catch (_) { /* not JSON */ }
    throw new Error(describeError(response.status, parsed, response.headers));
  }
  return format === "json" ? response.json() : response.text();
}

function citationKey(c) {
  return `${c.article_id}:${c.sentence_index}`;
}

function renderPanes(data) {
  const cited = new Map(); // article id → sorted list of citations (unique sentences)
  for (const sentence of data.sentences) {
    for (const c of sentence.citations) {
      const list = cited.get(c.article_id) || [];
      if (!list.some((x) => x.sentence_index === c.sentence_index)) list.push(c);
      cited.set(c.article_id, list);
    }
  }
  const panes = $("#panes");
  panes.replaceChildren();
  for (const source of data.sources) {
    const pane = document.createElement("article");
    pane.className = "pane";
    pane.id = `pane-${source.id}`;
    const heading = document.createElement("h3");
    if (source.url) {
      const link = document.createElement("a");
      link.href = source.url;
      link.rel = "noopener";
      link.textContent = source.title;
      heading.appendChild(link);
    } else {
      heading.textContent = source.title;
    }
    if (source.source) heading.append(` — ${source.source}`);
    const body = document.createElement("p");
    const spans = (cited.get(source.id) || []).sort((a, b) => a.start - b.start);
    let at = 0;
    for (const c of spans) {
      body.append(source.text.slice(at, c.start));
      const mark = document.createElement("span");
      mark.className = "cited";
      mark.dataset.key = citationKey(c);
      mark.textContent = source.text.slice(c.start, c.end);
      body.appendChild(mark);
      at = c.end;
    }
    body.append(source.text.slice(at));
    pane.append(heading, body);
    panes.appendChild(pane);
  }
}

function highlight(key, chip) {
  document.querySelectorAll(".cited.highlight").forEach((el) => el.classList.remove("highlight"));
  document.querySelectorAll(".chip.active").forEach((el) => el.classList.remove("active"));
  const target = document.querySelector(`.cited[data-key="${CSS.escape(key)}"]`);
  if (!target) return;
  target.classList.add("highlight");
  chip.classList.add("active");
  target.scrollIntoView({ block: "center", behavior: "smooth" });
}

function renderBrief(data) {
  const numbers = new Map();
  const list = $("#brief");
  list.replaceChildren();
  for (const sentence of data.sentences) {
    const item = document.createElement("li");
    item.append(sentence.text);
    if (sentence.extractive) {
      const badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = "quoted";
      badge.title = "taken verbatim from a source: the written sentence failed verification";
      item.appendChild(badge);
    }
    for (const c of sentence.citations) {
      const key = citationKey(c);
      if (!numbers.has(key)) numbers.set(key, numbers.size + 1);
      const chip = document.createElement("button");
      chip.type = "button";
      chip.className = "chip";
      chip.dataset.key = key;
      chip.textContent = String(numbers.get(key));
      const source = data.sources.find((s) => s.id === c.article_id);
      chip.title = `${source ? source.title : c.article_id}, sentence ${c.sentence_index + 1}: ${c.text}`;
      chip.setAttribute("aria-label", `citation ${numbers.get(key)}: ${chip.title}`);
      for (const event of ["mouseenter", "focus", "click"]) chip.addEventListener(event, () => highlight(key, chip));
      item.appendChild(chip);
    }
    list.appendChild(item);
  }
  const groups = data.dedup.groups;
  $("#dedup-count").textContent = String(groups.length);
  const groupList = $("#dedup-groups");
  groupList.replaceChildren();
  for (const group of groups) {
    const entry = document.createElement("li");
    entry.textContent = `${group.method}: ` + group.members.map((m) => `“${m.text}” (${m.article_id})`).join(" = ");
    groupList.appendChild(entry);
  }
  renderPanes(data);
  $("#output").hidden = false;
}

async function copy(format) {
  const status = $("#copy-status");
  try {
    const text = await postBrief(lastRequest, format); // the same request: served from the cache
    await navigator.clipboard.writeText(text);
    status.textContent = `${format === "markdown" ? "Markdown" : "HTML"} copied.`;
  } catch (error) {
    status.textContent = `Copy failed: ${error.message}`;
  }
}

$("#add-article").addEventListener("click", () => addArticle().querySelector(".text").focus());
$("#load-example").addEventListener("click", async () => {
  const response = await fetch("/v1/examples/seeds");
  setArticles((await response.json()).articles);
});
$("#upload").addEventListener("change", async (event) => {
  try {
    const loaded = (await Promise.all([...event.target.files].map(readFile))).flat();
    const current = collectArticles().filter((a) => a.text.trim());
    setArticles([...current, ...loaded]);
    showError("");
  } catch (error) {
    showError(`Could not read the file: ${error.message}`);
  }
  event.target.value = "";
});
$("#brief-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  showError("");
  const body = {
    articles: collectArticles(),
    options: { max_sentences: Number($("#max-sentences").value), max_words: Number($("#max-words").value) },
  };
  const button = $("#submit");
  button.disabled = true;
  $("#status").textContent = "Writing the brief… (about 20 s on a CPU)";
  try {
    const data = await postBrief(body, "json");
    lastRequest = body;
    renderBrief(data);
    $("#status").textContent = `Done: ${data.sentences.length} sentences.`;
  } catch (error) {
    showError(error.message);
    $("#status").textContent = "";
  } finally {
    button.disabled = false;
  }
});
$("#copy-markdown").addEventListener("click", () => copy("markdown"));
$("#copy-html").addEventListener("click", () => copy("html"));
addArticle();
