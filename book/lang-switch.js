// The book's language switch: 中文 / English / 双语 (both, the default),
// remembered across pages in localStorage.
//
// It relies on the notes' marking convention (notes/CONVENTIONS.md), which
// tests/notes.rs enforces:
// - a prose paragraph is in one language: it has Chinese characters (中文) or
//   none (English), and a Chinese paragraph is followed by its English one;
// - a heading, list item, table cell or <summary> holds both, "中文 · English",
//   split at the last " · " with Chinese before it and none after it;
// - a block with no Chinese and no English words (code, commands, numbers,
//   file names) is neutral and always shown;
// - code blocks (<pre>) are never touched.
(() => {
  "use strict";
  const KEY = "futures-chapter-lang";
  const MODES = [["zh", "中文"], ["en", "English"], ["both", "双语"]];
  const HAN = /\p{Script=Han}/u;
  const SEP = " · ";
  const root = document.documentElement;

  const stored = () => {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  };
  const apply = (mode) => {
    if (!MODES.some(([m]) => m === mode)) mode = "both";
    root.dataset.lang = mode;
    document.querySelectorAll(".lang-switch button").forEach((b) => {
      b.setAttribute("aria-pressed", String(b.dataset.mode === mode));
    });
  };
  apply(stored());

  // Text a reader reads as words: code, file names and link-like tokens out.
  const FILEISH = /\S*[./]\S*\.(md|rs|py|svg|html|toml|json|gif)\b\S*|\S+\/\S*|\b\w+(?:\.\w+)+\b/g;
  const prose = (el) => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll("code, pre, kbd").forEach((c) => c.remove());
    return copy.textContent.replace(FILEISH, " ");
  };
  // English words: two or more lower-case letters (not a code like `CN`).
  const englishWords = (text) => (text.match(/\b[a-z][a-z'-]*[a-z]\b/g) || []).length;
  const isEnglish = (text) => !HAN.test(text) && englishWords(text) >= 2;

  // Text nodes of el outside code, in document order.
  const textNodes = (el) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, {
      acceptNode: (n) => (n.parentElement.closest("code, pre") ? NodeFilter.FILTER_REJECT
        : NodeFilter.FILTER_ACCEPT),
    });
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    return nodes;
  };

  // The " · " where el splits into Chinese and English, or null.
  const splitPoint = (el) => {
    const seps = [];
    for (const node of textNodes(el)) {
      let at = node.data.indexOf(SEP);
      while (at >= 0) {
        seps.push([node, at]);
        at = node.data.indexOf(SEP, at + 1);
      }
    }
    for (const [node, at] of seps.reverse()) {
      const before = document.createRange();
      before.setStart(el, 0);
      before.setEnd(node, at);
      const after = document.createRange();
      after.setStart(node, at + SEP.length);
      after.setEnd(el, el.childNodes.length);
      const a = after.toString();
      const words = after.cloneContents();
      words.querySelectorAll("code").forEach((c) => c.remove());
      if (HAN.test(before.toString()) && !HAN.test(a) && /[A-Za-z]{2,}/.test(words.textContent)) {
        return [node, at];
      }
    }
    return null;
  };

  const span = (lang, content) => {
    const s = document.createElement("span");
    s.className = lang;
    if (typeof content === "string") s.textContent = content;
    else s.append(content);
    return s;
  };

  // A shared lead, shown in every language: the code spans and file links
  // an item opens with ("`download_one` 返回… · returns…").
  const isLead = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return /^[\s:：,，、]*$/.test(node.data);
    if (node.matches("code")) return true;
    // The sidebar's chapter numbers ("1.").
    if (node.matches("strong") && /^[\d.]+$/.test(node.textContent.trim())) return true;
    if (node.matches("a")) {
      const t = node.textContent;
      return node.querySelector("code") !== null && prose(node).trim() === ""
        || /^[\w./-]+\.(md|rs|py|svg|toml)$/.test(t.trim());
    }
    return false;
  };

  const mark = (el) => {
    const split = splitPoint(el);
    if (split) {
      const [node, at] = split;
      const after = document.createRange();
      after.setStart(node, at + SEP.length);
      after.setEnd(el, el.childNodes.length);
      const en = after.extractContents();
      const lead = [];
      for (const child of el.childNodes) {
        if (!isLead(child)) break;
        lead.push(child);
      }
      const before = document.createRange();
      if (lead.length) before.setStartAfter(lead[lead.length - 1]);
      else before.setStart(el, 0);
      before.setEnd(node, at);
      const zh = before.extractContents();
      // The space between a lead ("1.") and the text belongs to both halves.
      if (lead.length && /^\s/.test(zh.textContent)) lead.push(document.createTextNode(" "));
      el.replaceChildren(...lead, span("lang-zh", zh), span("lang-sep", SEP),
                         span("lang-en", en));
      el.classList.add("lang-split");
      return;
    }
    const text = prose(el);
    const lang = HAN.test(text) ? "lang-zh" : isEnglish(text) ? "lang-en" : null;
    if (!lang) return;
    if (el.matches("td, th")) {
      // Hiding a cell would shift the row: hide its content instead.
      const inner = document.createDocumentFragment();
      inner.append(...el.childNodes);
      el.replaceChildren(span(lang, inner));
    } else {
      el.classList.add(lang);
    }
  };

  const BLOCKS = "h1, h2, h3, h4, h5, h6, p, li, td, th, summary, dt, dd";
  // A list item whose content is in paragraphs (a loose list) is marked
  // through its paragraphs; so is one holding a nested block.
  const HAS_BLOCKS = ":scope > p, :scope > div, :scope > details, :scope > ul, " +
    ":scope > ol, :scope > pre, :scope > table, :scope > blockquote";

  const main = document.querySelector("main");
  if (main) {
    for (const el of main.querySelectorAll(BLOCKS)) {
      if (el.closest("pre") || (el.matches("li") && el.querySelector(HAS_BLOCKS))) continue;
      mark(el);
    }
  }

  // The sidebar's chapter titles follow the same convention.
  for (const el of document.querySelectorAll("#mdbook-sidebar a, #mdbook-sidebar .chapter-link-wrapper > span, " +
    "#mdbook-sidebar .part-title")) {
    mark(el);
  }

  // The switch itself, in the menu bar next to the print button.
  const bar = document.querySelector(".right-buttons") || document.querySelector(".menu-bar");
  if (bar) {
    const group = document.createElement("div");
    group.className = "lang-switch";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "语言 · Language");
    for (const [mode, label] of MODES) {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.mode = mode;
      b.textContent = label;
      b.addEventListener("click", () => {
        try { localStorage.setItem(KEY, mode); } catch (e) { /* private mode */ }
        apply(mode);
      });
      group.append(b);
    }
    bar.prepend(group);
  }
  apply(stored());
})();
