// The /search/ page: queries the Pagefind index written by `ssg build` (ssg/search.py).
// Reads ?q= (and ?topic=, ?section=, ?author=) so links and the header form land on
// results; keeps the address in step as the reader types or ticks filters.

const app = document.querySelector("[data-search]");
const form = document.querySelector(".search-form");
const input = document.querySelector("#search-query");
const PAGE_SIZE = 10;
const FILTERS = [
  ["section", "Section"],
  ["topic", "Topic"],
  ["author", "Author"],
];

let pagefind = null;
let ranked = [];
let shown = 0;
let generation = 0;

const status = app.querySelector(".search-status");
const list = app.querySelector(".search-results");
const more = app.querySelector(".search-more");
const filterBox = app.querySelector(".search-filters");

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

// Pagefind's excerpt is HTML with <mark> around matches; keep only text and <mark>,
// so nothing from an article can turn into markup here.
function excerptNodes(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const out = document.createDocumentFragment();
  for (const node of template.content.childNodes) {
    if (node.nodeName === "MARK") out.append(element("mark", "", node.textContent));
    else out.append(document.createTextNode(node.textContent));
  }
  return out;
}

function selectedFilters() {
  const chosen = {};
  for (const box of filterBox.querySelectorAll("input:checked")) {
    (chosen[box.name] ||= []).push(box.value);
  }
  const filters = {};
  for (const [name, values] of Object.entries(chosen)) filters[name] = { any: values };
  return [chosen, filters];
}

function buildFilters(available, initial) {
  filterBox.replaceChildren();
  for (const [name, label] of FILTERS) {
    const values = Object.keys(available[name] || {}).sort((a, b) => a.localeCompare(b));
    if (!values.length) continue;
    const set = element("fieldset", "search-filter");
    set.dataset.filter = name;
    set.append(element("legend", "", label));
    for (const value of values) {
      const row = element("label");
      const box = element("input");
      box.type = "checkbox";
      box.name = name;
      box.value = value;
      box.checked = initial.getAll(name).includes(value);
      box.addEventListener("change", () => run());
      row.append(box, element("span", "", value), element("span", "count"));
      set.append(row);
    }
    filterBox.append(set);
  }
}

// Each value's count for the current results; values no result has are hidden (unless
// ticked), so the list stays short enough to get through from the keyboard.
function updateCounts(counts) {
  for (const box of filterBox.querySelectorAll("input")) {
    const n = counts?.[box.name]?.[box.value] ?? 0;
    box.parentElement.querySelector(".count").textContent = `(${n})`;
    box.parentElement.hidden = n === 0 && !box.checked;
  }
  for (const set of filterBox.querySelectorAll("fieldset")) {
    set.hidden = !set.querySelector("label:not([hidden])");
  }
}

function remember(query, chosen) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [name, values] of Object.entries(chosen)) {
    for (const value of values) params.append(name, value);
  }
  const search = params.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

// Relevance first; among equally relevant pages, the newer article first.
async function rank(query, filters) {
  const [byScore, byDate] = await Promise.all([
    pagefind.search(query, { filters }),
    pagefind.search(query, { filters, sort: { date: "desc" } }),
  ]);
  const age = new Map(byDate.results.map((result, index) => [result.id, index]));
  const results = [...byScore.results].sort(
    (a, b) =>
      b.score - a.score || (age.get(a.id) ?? Infinity) - (age.get(b.id) ?? Infinity),
  );
  return [results, byScore.filters];
}

function renderResult(data) {
  const item = element("li", "search-result");
  if (data.meta.image) {
    const image = element("img", "search-result-image");
    image.src = data.meta.image;
    image.alt = "";
    image.loading = "lazy";
    item.append(image);
  }
  const body = element("div", "search-result-body");
  const title = element("h2", "search-result-title");
  const link = element("a", "", data.meta.title || data.url);
  link.href = data.url;
  title.append(link);
  body.append(title);
  if (data.meta.dek) body.append(element("p", "search-result-dek", data.meta.dek));
  if (data.meta.date) {
    const time = element("time", "search-result-date", data.meta.date);
    if (data.meta.datetime) time.dateTime = data.meta.datetime;
    body.append(time);
  }
  const excerpt = element("p", "search-result-excerpt");
  excerpt.append(excerptNodes(data.excerpt || ""));
  body.append(excerpt);
  item.append(body);
  return item;
}

// Shows the next batch of results. Asked for by the "More results" button, it moves the
// focus to the first new result: the button may disappear, and the focus with it.
async function showMore(current, fromButton = false) {
  const batch = ranked.slice(shown, shown + PAGE_SIZE);
  const pages = await Promise.all(batch.map((result) => result.data()));
  if (current !== generation) return;
  const added = pages.map(renderResult);
  list.append(...added);
  shown += batch.length;
  if (fromButton && added.length) added[0].querySelector("a").focus();
  more.hidden = shown >= ranked.length;
}

async function run() {
  const current = ++generation;
  const query = input.value.trim();
  const [chosen, filters] = selectedFilters();
  remember(query, chosen);
  if (!query && !Object.keys(filters).length) {
    ranked = [];
    shown = 0;
    list.replaceChildren();
    more.hidden = true;
    status.textContent = "Type a word to search every article.";
    updateCounts(await pagefind.filters());
    return;
  }
  const [results, counts] = await rank(query || null, filters);
  if (current !== generation) return;
  ranked = results;
  shown = 0;
  list.replaceChildren();
  updateCounts(counts);
  await showMore(current);
  if (current !== generation) return;
  const what = query ? ` for “${query}”` : "";
  status.textContent =
    results.length === 1 ? `1 result${what}` : `${results.length} results${what}`;
}

let typing = null;
async function start() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  try {
    pagefind = await import(`${app.dataset.bundle}pagefind.js`);
    await pagefind.options({ baseUrl: app.dataset.base, excerptLength: 24 });
    await pagefind.init();
    buildFilters(await pagefind.filters(), params);
  } catch (error) {
    app.hidden = false;
    status.textContent = "Search is not available right now.";
    console.error(error);
    return;
  }
  app.hidden = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  input.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(run, 150);
  });
  more.addEventListener("click", () => showMore(generation, true));
  await run();
  app.dataset.ready = "true";
}

start();
