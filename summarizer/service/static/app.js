// Brief editor: articles in, brief out, every citation one hover/focus/click from its source.
// Each brief sentence can be edited in place; leaving an edited sentence checks it against the
// articles (POST /v1/check) and replaces its citations, showing inline why it is not supported.
// No framework and no network beyond this service; all source text is set with textContent.
"use strict";

const $ = (selector) => document.querySelector(selector);
const articlesList = $("#articles");
const template = $("#article-template");
// The brief on screen: `request` is the body it was written from (the copy buttons and the checks
// use its articles), `data` the service's JSON, `sentences` the sentences as edited so far
// ({text, citations, extractive, edited, supported, problems}), `headline` the brief's headline
// (as in the JSON; not editable) or null.
let current = null;

// How each sentence was made (BriefSentence.method), shown beside it so an editor knows what to read closely.
const METHODS = {
  fused: "two source sentences joined, or one with details another sentence gives (a place, a role, \"each\") taken in (every word is the sources', and each source is cited)",
  compressed: "a source sentence with phrases left out (every word is the source's)",
  resolved: "a source sentence whole, a person it named by pronoun or surname given their full name, or a thing it named by \"the\" alone given its description, from the same article",
  quoted: "taken verbatim from a source",
};

function addArticle(article = {}) {
  const item = template.content.firstElementChild.cloneNode(true);
  item.querySelector(".title").value = article.title || "";
  item.querySelector(".source").value = article.source || "";
  item.querySelector(".url").value = article.url || "";
  item.querySelector(".text").value = article.text || "";
  item.dataset.id = article.id || "";
  if (article.html) { // a whole page: sent as it is, the server extracts the article from it
    item.pageHtml = article.html;
    item.querySelector(".text").hidden = true;
    const note = item.querySelector(".page-note");
    note.textContent = `(HTML page: ${article.html.length.toLocaleString("en")} characters; ` +
      "the article is extracted on the server)";
    note.hidden = false;
  }
  item.querySelector(".remove").addEventListener("click", () => {
    item.remove();
    if (!articlesList.children.length) addArticle();
  });
  articlesList.appendChild(item);
  return item;
}

function collectArticles() {
  return [...articlesList.children].map((item, i) => {
    const body = item.pageHtml !== undefined ? { html: item.pageHtml } : { text: item.querySelector(".text").value };
    const article = { id: item.dataset.id || `article-${i + 1}`, ...body };
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

// A saved page as the server's file reader decodes it: UTF-8, else the charset its <meta> declares.
async function readPage(file) {
  const bytes = await file.arrayBuffer();
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (_) {
    const head = new TextDecoder("windows-1252").decode(bytes.slice(0, 4096));
    const declared = head.match(/<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)/i);
    try {
      return new TextDecoder(declared ? declared[1] : "windows-1252").decode(bytes);
    } catch (_) { // a charset this browser does not know
      return new TextDecoder("windows-1252").decode(bytes);
    }
  }
}

async function readFile(file) {
  const stem = file.name.replace(/\.[^.]+$/, "");
  if (/\.html?$/i.test(file.name)) return [{ id: stem, html: await readPage(file) }];
  const text = await file.text();
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

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    let parsed = null;
    try { parsed = await response.json(); } catch (_) { /* not JSON */ }
    throw new Error(describeError(response.status, parsed, response.headers));
  }
  return response;
}

async function postBrief(body, format) {
  const response = await post(`/v1/briefs?format=${format}`, body);
  return format === "json" ? response.json() : response.text();
}

// One claim (an edited sentence) against the brief's articles: the service's result for it.
async function postCheck(articles, claim) {
  const response = await post("/v1/check", { articles, claims: [claim] });
  return (await response.json()).results[0];
}

function citationKey(c) {
  return `${c.article_id}:${c.sentence_index}`;
}

// How a citation names its article (render.py `_label`): its title, else its outlet, else its id;
// the outlet follows only a title.
function label(article) {
  return article.title || article.source || article.id;
}

function outlet(article) {
  return article.source && article.title ? article.source : "";
}

function renderPanes(sources, sentences) {
  const cited = new Map(); // article id → sorted list of citations (unique sentences)
  for (const sentence of sentences) {
    for (const c of sentence.citations) {
      const list = cited.get(c.article_id) || [];
      if (!list.some((x) => x.sentence_index === c.sentence_index)) list.push(c);
      cited.set(c.article_id, list);
    }
  }
  const panes = $("#panes");
  panes.replaceChildren();
  for (const source of sources) {
    const pane = document.createElement("article");
    pane.className = "pane";
    pane.id = `pane-${source.id}`;
    const heading = document.createElement("h3");
    if (source.url) {
      const link = document.createElement("a");
      link.href = source.url;
      link.rel = "noopener";
      link.textContent = label(source);
      heading.appendChild(link);
    } else {
      heading.textContent = label(source);
    }
    if (outlet(source)) heading.append(` — ${outlet(source)}`);
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

function sourceTitle(articleId) {
  const source = current.data.sources.find((s) => s.id === articleId);
  return source ? label(source) : articleId;
}

// Footnote numbers: one per distinct cited source sentence, in the order of first citation
// (as render.py numbers the Markdown footnotes), over the headline and the sentences as they are now.
function briefParts() {
  return current.headline ? [current.headline, ...current.sentences] : current.sentences;
}

function numbering() {
  const numbers = new Map();
  for (const sentence of briefParts()) {
    for (const c of sentence.citations) {
      const key = citationKey(c);
      if (!numbers.has(key)) numbers.set(key, numbers.size + 1);
    }
  }
  return numbers;
}

function makeChip(c) {
  const key = citationKey(c);
  const chip = document.createElement("button");
  chip.type = "button";
  chip.className = "chip";
  chip.dataset.key = key;
  chip.title = `${sourceTitle(c.article_id)}, sentence ${c.sentence_index + 1}: ${c.text}`;
  for (const event of ["mouseenter", "focus", "click"]) chip.addEventListener(event, () => highlight(key, chip));
  return chip;
}

// Give every chip on the page its current number (chips are kept, so focus stays where it is).
function renumber() {
  const numbers = numbering();
  document.querySelectorAll("#headline .chip, #brief .chip").forEach((chip) => {
    const number = numbers.get(chip.dataset.key);
    chip.textContent = String(number);
    chip.setAttribute("aria-label", `citation ${number}: ${chip.title}`);
  });
}

function makeEditable(element) {
  try {
    element.contentEditable = "plaintext-only"; // no pasted markup
  } catch (_) {
    element.contentEditable = "true"; // browsers without plaintext-only: textContent is read anyway
  }
}

function renderSentence(sentence, index) {
  const item = document.createElement("li");
  item.dataset.index = String(index);
  const text = document.createElement("span");
  text.className = "sentence-text";
  text.textContent = sentence.text;
  makeEditable(text);
  text.spellcheck = true;
  text.setAttribute("role", "textbox");
  text.setAttribute("aria-label", `Sentence ${index + 1} of the brief (edit it; leaving it checks it against the articles)`);
  text.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { // one sentence, one line: Enter ends the edit
      event.preventDefault();
      text.blur();
    } else if (event.key === "Escape") {
      text.textContent = sentence.text;
      text.blur();
    }
  });
  text.addEventListener("blur", () => sentenceEdited(index));
  item.appendChild(text);
  const made = METHODS[sentence.method];
  if (made && !sentence.edited) {
    const badge = document.createElement("span");
    badge.className = `badge method-${sentence.method}`;
    badge.textContent = sentence.method;
    badge.title = made;
    item.appendChild(badge);
  }
  const chips = document.createElement("span");
  chips.className = "chips";
  chips.append(...sentence.citations.map(makeChip));
  item.appendChild(chips);
  const check = document.createElement("div");
  check.className = "check";
  check.setAttribute("role", "status"); // present from the start, so screen readers announce changes
  check.setAttribute("aria-live", "polite");
  item.appendChild(check);
  return item;
}

function renderHeadline(headline) {
  const element = $("#headline");
  element.querySelector(".headline-text").textContent = headline ? headline.text : "";
  element.querySelector(".chips").replaceChildren(...(headline ? headline.citations.map(makeChip) : []));
  element.hidden = !headline;
}

// Notices about the brief (an article left out, articles that tell different stories), as text.
function renderWarnings(warnings) {
  const list = $("#warning-list");
  list.replaceChildren();
  for (const warning of warnings) {
    const entry = document.createElement("li");
    entry.dataset.code = warning.code;
    if (warning.article_id) entry.dataset.articleId = warning.article_id;
    entry.textContent = warning.message;
    list.appendChild(entry);
  }
  $("#warnings").hidden = !warnings.length;
}

function renderBrief(data, request) {
  current = {
    request,
    data,
    headline: data.headline ? { ...data.headline } : null,
    sentences: data.sentences.map((s) => ({ ...s, edited: false, supported: true, problems: [], checking: 0 })),
  };
  renderWarnings(data.warnings || []);
  renderHeadline(current.headline);
  const list = $("#brief");
  list.replaceChildren(...current.sentences.map(renderSentence));
  renumber();
  const groups = data.dedup.groups;
  $("#dedup-count").textContent = String(groups.length);
  const groupList = $("#dedup-groups");
  groupList.replaceChildren();
  for (const group of groups) {
    const entry = document.createElement("li");
    entry.textContent = `${group.method}: ` + group.members.map((m) => `${quoted(m.text)} (${m.article_id})`).join(" = ");
    groupList.appendChild(entry);
  }
  renderPanes(data.sources, briefParts());
  $("#copy-status").textContent = "";
  $("#output").hidden = false;
}

// What the check of a claim says, for the sentence's status line: the citations of all its
// sentences (once each) and, when not supported, every problem (prefixed by its sentence when
// the edit holds several).
function verdict(result) {
  const citations = [];
  const seen = new Set();
  for (const part of result.sentences) {
    for (const c of part.citations) {
      if (!seen.has(citationKey(c))) citations.push(c);
      seen.add(citationKey(c));
    }
  }
  const several = result.sentences.length > 1;
  const problems = [];
  for (const part of result.sentences.filter((p) => !p.supported)) {
    const found = part.problems.length ? part.problems : ["no source sentence supports it"];
    for (const problem of found) problems.push(several ? `${quoted(part.text)}: ${problem}` : problem);
  }
  return { citations, supported: result.supported, problems };
}

function showCheck(item, sentence, message) {
  const box = item.querySelector(".check");
  box.replaceChildren();
  item.classList.remove("checking", "supported", "unsupported", "unchecked");
  if (message) {
    item.classList.add(message.kind);
    box.textContent = message.text;
    return;
  }
  if (sentence.supported) {
    item.classList.add("supported");
    box.textContent = "Supported: the citations say this.";
    return;
  }
  item.classList.add("unsupported");
  const title = document.createElement("strong");
  title.textContent = "Not supported: ";
  const list = document.createElement("ul");
  list.className = "problems";
  for (const problem of sentence.problems) {
    const entry = document.createElement("li");
    entry.textContent = problem;
    list.appendChild(entry);
  }
  box.append(title, list);
}

function replaceChips(item, sentence) {
  const chips = item.querySelector(".chips");
  const hadFocus = chips.contains(document.activeElement);
  chips.replaceChildren(...sentence.citations.map(makeChip));
  renumber();
  renderPanes(current.data.sources, briefParts());
  if (hadFocus && chips.firstElementChild) chips.firstElementChild.focus();
}

async function sentenceEdited(index) {
  const brief = current;
  const sentence = brief.sentences[index];
  const item = $("#brief").children[index];
  const element = item.querySelector(".sentence-text");
  const text = element.textContent.replace(/\s+/g, " ").trim();
  if (text === sentence.text) return;
  element.textContent = text;
  sentence.text = text;
  sentence.edited = true;
  sentence.extractive = false;
  const badge = item.querySelector(".badge");
  if (badge) badge.remove();
  const attempt = ++sentence.checking; // a later edit wins over an earlier check still running
  if (!text) {
    sentence.citations = [];
    sentence.supported = true;
    sentence.problems = [];
    replaceChips(item, sentence);
    showCheck(item, sentence, { kind: "unchecked", text: "Removed: the copy leaves this sentence out." });
    return;
  }
  showCheck(item, sentence, { kind: "checking", text: "Checking the edit against the articles…" });
  try {
    const result = verdict(await postCheck(brief.request.articles, text));
    if (current !== brief || attempt !== sentence.checking) return; // a new brief or a newer edit
    Object.assign(sentence, result);
    replaceChips(item, sentence);
    showCheck(item, sentence);
  } catch (error) {
    if (current !== brief || attempt !== sentence.checking) return;
    sentence.citations = [];
    sentence.supported = false;
    sentence.problems = [];
    replaceChips(item, sentence);
    showCheck(item, sentence, { kind: "unchecked", text: `Could not check this edit: ${error.message}` });
  }
}

// --- Markdown and HTML built here from the headline and the sentences as edited, exactly as
// render.py builds them on the service (tests compare the two on an unedited brief).

// Footnote numbers per part (the headline's first when there is one); one per distinct cited
// source sentence.
function footnotes(parts) {
  const numbering = new Map();
  const notes = [];
  const marks = parts.map((part) =>
    part.citations.map((c) => {
      const key = citationKey(c);
      if (!numbering.has(key)) {
        notes.push(c);
        numbering.set(key, notes.length);
      }
      return numbering.get(key);
    }),
  );
  return { marks, notes };
}

// A cited sentence in quote marks (render.py `_quoted`): one that opens with a quote mark gets no
// second pair, and its opening mark is closed when the sentence never closes it.
const QUOTE_MARKS = '"“”„«»';
const CLOSING = { "“": "”", "„": "“", "«": "»", '"': '"' };

function opensWithQuote(text) {
  return QUOTE_MARKS.includes(text.slice(0, 1));
}

function quoted(text) {
  const opening = text.slice(0, 1);
  if (!QUOTE_MARKS.includes(opening)) return `“${text}”`;
  const closing = CLOSING[opening];
  const unclosed = opening === '"' ? (text.split('"').length - 1) % 2 === 1 : !text.slice(1).includes(closing);
  return closing && unclosed ? text + closing : text;
}

// What Python's str.split() splits on (JavaScript's \s differs: it has U+FEFF, lacks U+001C-1F, U+0085).
const PY_WHITESPACE = /[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

function mdEscape(text) {
  let out = text;
  for (const char of "\\`*_[]<>|") out = out.split(char).join(`\\${char}`);
  return out.split(PY_WHITESPACE).filter(Boolean).join(" "); // Python's " ".join(text.split())
}

function htmlEscape(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
}

function buildMarkdown(sources, headline, allSentences) {
  const sentences = allSentences.filter((s) => s.text);
  const { marks, notes } = footnotes(headline ? [headline, ...sentences] : sentences);
  const refs = (numbers) => numbers.map((n) => `[^${n}]`).join("");
  let out = headline ? `## ${mdEscape(headline.text)}${refs(marks.shift())}\n\n` : "";
  out += sentences.map((s, i) => mdEscape(s.text) + refs(marks[i])).join(" ") + "\n\n";
  notes.forEach((c, i) => {
    const article = sources.find((a) => a.id === c.article_id);
    const title = mdEscape(label(article));
    const name = article.url ? `[${title}](${article.url})` : `*${title}*`;
    const source = outlet(article) ? `, ${mdEscape(outlet(article))}` : "";
    out += `[^${i + 1}]: ${quoted(mdEscape(c.text))} — ${name}${source}, sentence ${c.sentence_index + 1}\n`;
  });
  return out;
}

function buildHtml(sources, headline, allSentences) {
  const sentences = allSentences.filter((s) => s.text);
  const { marks, notes } = footnotes(headline ? [headline, ...sentences] : sentences);
  const refs = (numbers) => numbers.map((n) => `<sup><a href="#summarizer-cite-${n}">[${n}]</a></sup>`).join("");
  const parts = ['<div class="summarizer-brief">'];
  if (headline) parts.push(`<h2>${htmlEscape(headline.text)}${refs(marks.shift())}</h2>`);
  parts.push("<p>");
  sentences.forEach((s, i) => {
    const cls = s.extractive ? ' class="extractive" title="quoted from a source"' : "";
    parts.push(`<span${cls}>${htmlEscape(s.text)}</span>${refs(marks[i])} `);
  });
  parts.push("</p>");
  parts.push('<ol class="summarizer-citations">');
  notes.forEach((c, i) => {
    const article = sources.find((a) => a.id === c.article_id);
    const title = htmlEscape(label(article));
    const link = article.url ? `<a href="${htmlEscape(article.url)}" rel="noopener">${title}</a>` : title;
    const source = outlet(article) ? `, ${htmlEscape(outlet(article))}` : "";
    // <q> adds quotation marks of its own: a sentence that opens with one is shown as it is
    const quote = opensWithQuote(c.text) ? `<span>${htmlEscape(quoted(c.text))}</span>` : `<q>${htmlEscape(c.text)}</q>`;
    parts.push(`<li id="summarizer-cite-${i + 1}">${quote} — ${link}${source}</li>`);
  });
  parts.push("</ol></div>");
  return parts.join("\n") + "\n";
}

async function copy(format) {
  const status = $("#copy-status");
  const name = format === "markdown" ? "Markdown" : "HTML";
  try {
    const edited = current.sentences.filter((s) => s.edited);
    let text;
    if (edited.length) { // built here from the sentences as edited
      const build = format === "markdown" ? buildMarkdown : buildHtml;
      text = build(current.data.sources, current.headline, current.sentences);
    } else { // the brief as written: the same request, served from the cache
      text = await postBrief(current.request, format);
    }
    await navigator.clipboard.writeText(text);
    const unsupported = edited.filter((s) => s.text && !s.supported).length;
    const note = unsupported ? ` ${unsupported} edited sentence(s) in it are not supported by the articles.` : "";
    status.textContent = `${name} copied${edited.length ? " with your edits" : ""}.${note}`;
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
    const current = collectArticles().filter((a) => a.html !== undefined || a.text.trim());
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
    options: {
      max_sentences: Number($("#max-sentences").value),
      max_words: Number($("#max-words").value),
      headline: $("#with-headline").checked,
    },
  };
  const button = $("#submit");
  button.disabled = true;
  $("#status").textContent = "Writing the brief… (about 20 s on a CPU)";
  try {
    const data = await postBrief(body, "json");
    renderBrief(data, body);
    const headline = data.headline ? " and a headline" : "";
    const warnings = data.warnings || [];
    const setAside = warnings.filter((w) => w.code === "article_set_aside").length;
    const mixed = warnings.some((w) => w.code === "mixed_stories") ? " These articles seem to tell different stories: see the notice." : "";
    const left = (setAside ? ` ${setAside} article(s) left out: see the notice.` : "") + mixed;
    $("#status").textContent = `Done: ${data.sentences.length} sentences${headline}.${left}`;
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

// The options' ranges come from the service's schema (one definition, BriefOptions in pipeline.py),
// so the page never offers what the API would refuse; the HTML's are a fallback. Values are left
// alone: an editor may already have typed one.
async function applyOptionLimits() {
  try {
    const response = await fetch("/openapi.json");
    const options = (await response.json()).components.schemas.OptionsIn.properties;
    for (const [name, id] of [["max_sentences", "#max-sentences"], ["max_words", "#max-words"]]) {
      const input = $(id);
      input.min = options[name].minimum;
      input.max = options[name].maximum;
    }
  } catch (error) {
    console.warn("option limits not loaded; using the page's", error);
  }
}
applyOptionLimits();
