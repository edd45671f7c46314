#!/usr/bin/env python3
"""The book in a real browser: headless Chromium opens the loiter page of the
built book (`just book`) at a desktop width and at a phone width, and checks
what a reader sees:

- desktop: the Python listing and the Rust listing stand side by side, each
  wide enough to read, and the page does not scroll sideways;
- phone: the two listings stack, Python above Rust, and nothing scrolls sideways;
- both: the timeline image (img/loiter.svg) is loaded and shown, the Chinese
  headings are drawn with a CJK font (not as boxes), and the page logs no
  script error, console error or failed request.

The timelines themselves (img/loiter.svg on the loiter page, img/futures.svg
on the futures page), opened as documents: every bar is labelled (loiter(0)
.. loiter(4), or the 20 codes), each result has its tick ("result 2"), the
three states have bars of their own, the run replays (a CSS animation), and
the smallest text, at the width the page shows the picture at 1366 px, is at
least 12 px. The timeline screenshot is taken while the replay holds its last
frame, the still a reader without animation sees.

Then the language switch (book/lang-switch.js): it clicks 中文, English and
双语 in turn on the loiter page and follows the mode to two more pages, checking
on each of the three that the mode was remembered, that only its language is
shown (中文: no block of English prose; English: no Chinese character; 双语:
both), that the "中文 · English" units are split, and that the code blocks are
exactly the same text, all shown, in every mode.

And the tables: on every page of the book (book/SUMMARY.md), in each of the
three modes, at 1366 px and at 390 px, no table needs a sideways scrollbar:
each table (and the wrapper mdBook scrolls it in) has scrollWidth <=
clientWidth, and none reaches past the right edge of the text column.

It saves screenshots (desktop top, desktop listings, desktop timeline, phone
listings, the loiter page's top in each language, and the loiter page's side
by side table in each mode at each width) to look at, and prints their paths.

    python3 .ci/browser-check.py [--book target/book] [--shots target/book-shots]

Stdlib only: Chromium is driven through the DevTools protocol over a pipe
(--remote-debugging-pipe), and the book is served on 127.0.0.1 by http.server,
as `just book-serve` would serve it.
"""

import argparse
import base64
import fcntl
import functools
import http.server
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time

PAGE = "notes/loiter_map.html"
LANG_PAGES = (PAGE, "notes/threadpool.html", "notes/processes.html")
MODES = (("zh", "中文"), ("en", "English"), ("both", "双语"))
# Each page with a recorded timeline, its picture, and the labels its bars carry.
TIMELINES = ((PAGE, "loiter.svg", r"^loiter\(\d\)$", 5),
             ("notes/submit_as_completed.html", "futures.svg", r"^[A-Z]{2}$", 20))
DESKTOP = {"width": 1366, "height": 900, "deviceScaleFactor": 1, "mobile": False}
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
CJK_FONTS = ("CJK", "WenQuanYi", "Source Han", "Droid Sans Fallback", "PingFang")

# What the page shows, measured in the page (positions in CSS pixels).
MEASURE = """(() => {
  const box = e => { const b = e.getBoundingClientRect();
    return {x: b.left + scrollX, y: b.top + scrollY, w: b.width, h: b.height}; };
  const pair = document.querySelector('.side-by-side');
  const [py, rs] = pair ? [...pair.querySelectorAll(':scope > .listing')] : [];
  const timeline = [...document.querySelectorAll('main img')]
    .filter(i => (i.getAttribute('src') || '').endsWith('loiter.svg'));
  return JSON.stringify({
    pairs: document.querySelectorAll('.side-by-side').length,
    py: py ? box(py) : null, rs: rs ? box(rs) : null,
    pyCode: !!(py && py.querySelector('code.language-python')),
    rsCode: !!(rs && rs.querySelector('code.language-rust')),
    timeline: timeline.map(i => ({loaded: i.complete && i.naturalWidth > 0,
                                  shown: i.getBoundingClientRect().width})),
    pageWidth: document.documentElement.scrollWidth, viewport: innerWidth,
  });
})()"""


# A timeline opened as a document: its texts, bars, animation and text sizes.
SVG_TEXTS = """(() => {
  const svg = document.querySelector('svg');
  const texts = [...svg.querySelectorAll('text')];
  return JSON.stringify({
    texts: texts.map(t => t.textContent),
    states: [...new Set([...svg.querySelectorAll('rect[data-state]')]
                         .map(r => r.dataset.state))],
    animated: [...svg.querySelectorAll('.bar')]
      .filter(r => getComputedStyle(r).animationName !== 'none').length,
    minFont: Math.min(...texts.map(t => parseFloat(getComputedStyle(t).fontSize))),
    viewWidth: svg.viewBox.baseVal.width,
  });
})()"""

# The width a page shows an image at.
SHOWN = """(name => JSON.stringify([...document.querySelectorAll('main img')]
  .filter(i => (i.getAttribute('src') || '').endsWith(name))
  .map(i => ({src: i.src, shown: i.getBoundingClientRect().width}))))"""


# What a reader sees in each language, measured in the page: every visible
# block (a heading, paragraph, list item, cell or summary holding no such
# block itself) with its code taken out, and every code block's text.
LANGUAGES = r"""(() => {
  document.querySelectorAll('main details').forEach(d => { d.open = true; });
  const HAN = /\p{Script=Han}/u;
  const FILEISH = /\S*[./]\S*\.(md|rs|py|svg|html|toml|json|gif)\b\S*|\S+\/\S*|\b\w+(?:\.\w+)+\b/g;
  const BLOCKS = 'h1, h2, h3, h4, h5, h6, p, li, td, th, summary';
  const main = document.querySelector('main');
  const shown = el => el.getClientRects().length > 0;
  // The text a reader sees: shown text nodes, outside code.
  const words = el => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const parts = [];
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (!node.parentElement.closest('code') && shown(node.parentElement)) parts.push(node.data);
    }
    return parts.join(' ').replace(FILEISH, ' ');
  };
  const blocks = [...main.querySelectorAll(BLOCKS)]
    .filter(el => !el.closest('pre') && !el.querySelector(BLOCKS) && shown(el))
    .map(el => {
      const text = words(el);
      return {tag: el.tagName, text: text.trim().slice(0, 90),
              han: HAN.test(text),
              english: (text.match(/\b[a-z][a-z'-]*[a-z]\b/g) || []).length >= 2};
    });
  const pres = [...main.querySelectorAll('pre')];
  return JSON.stringify({
    mode: document.documentElement.dataset.lang || null,
    buttons: [...document.querySelectorAll('.lang-switch button')].map(b => b.textContent),
    splits: main.querySelectorAll('.lang-split').length,
    englishOnly: blocks.filter(b => b.english && !b.han).map(b => b.tag + ': ' + b.text),
    withHan: blocks.filter(b => b.han).map(b => b.tag + ': ' + b.text),
    code: pres.map(p => p.textContent),
    codeHidden: pres.filter(p => !shown(p)).length,
  });
})()"""


# Every table of a page: does it, or the wrapper mdBook scrolls it in, need a
# sideways scrollbar, or reach past the text column?
TABLES = """(() => {
  const main = document.querySelector('main');
  const right = main.getBoundingClientRect().right;
  return JSON.stringify([...main.querySelectorAll('table')].map((t, i) => {
    const w = t.parentElement.matches('.table-wrapper') ? t.parentElement : t;
    const head = [...t.querySelectorAll('th')].map(h => h.innerText.trim()).join(' | ');
    return {i, head: head.slice(0, 60), scroll: w.scrollWidth, client: w.clientWidth,
            tscroll: t.scrollWidth, tclient: t.clientWidth,
            over: Math.round(t.getBoundingClientRect().right - right)};
  }));
})()"""


class Chromium:
    """A headless Chromium driven over the DevTools pipe (fd 3 in, fd 4 out)."""

    def __init__(self, binary, profile):
        self.log = os.path.join(profile, "chromium.log")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def fds():
            # Out of the way first, so that neither end lands on the other's number.
            r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu",
             "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
             "--disable-extensions", "--hide-scrollbars", "--mute-audio",
             f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            preexec_fn=fds, pass_fds=(3, 4), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=open(self.log, "wb"))
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.next_id = 0
        self.buffer = b""
        self.events = []

    def _read(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.from_chrome], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method, timeout=30):
        deadline = time.monotonic() + timeout
        for i, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(i)
        while True:
            event = self._read(deadline)
            if event.get("method") == method:
                return event
            self.events.append(event)

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def log_tail(self, lines=15):
        with open(self.log, errors="replace") as log:
            return "".join(log.readlines()[-lines:])


def serve(book):
    """The book on 127.0.0.1, on a free port; the paths it could not serve."""
    missing = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send_error(self, code, *args, **kwargs):
            missing.append(f"{code} {self.path}")
            super().send_error(code, *args, **kwargs)

    handler = functools.partial(Handler, directory=book)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, missing


def errors_logged(events):
    """Script errors, console errors and failed loads among the page's events."""
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details["text"]
            found.append(f"script error: {text}")
        elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            found.append(f"console.{params['type']}: {text}")
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            found.append(f"{entry['source']} error: {entry['text']} {entry.get('url', '')}")
    return found


def visit(chrome, session, url, metrics, settle=0.5):
    """Opens url at the given screen size; returns what MEASURE reports."""
    chrome.send("Emulation.setDeviceMetricsOverride", metrics, session)
    chrome.send("Page.navigate", {"url": url}, session)
    chrome.wait_for("Page.loadEventFired")
    chrome.send("Runtime.evaluate", {"expression": "document.fonts.ready.then(() => 1)",
                                     "awaitPromise": True}, session)
    time.sleep(settle)  # highlight.js and the image zoom run after load
    reply = chrome.send("Runtime.evaluate", {"expression": MEASURE,
                                             "returnByValue": True}, session)
    return json.loads(reply["result"]["value"])


def shoot(chrome, session, path, scroll_to=None, offset=0):
    """A screenshot of the viewport, scrolled to an element first."""
    if scroll_to:
        chrome.send("Runtime.evaluate", {"expression":
            f"document.querySelector({json.dumps(scroll_to)}).scrollIntoView();"
            f"window.scrollBy(0, {offset});"}, session)
    else:
        chrome.send("Runtime.evaluate", {"expression": f"window.scrollTo(0, {offset})"},
                    session)
    time.sleep(0.3)
    shot = chrome.send("Page.captureScreenshot", {"format": "png"}, session)
    with open(path, "wb") as out:
        out.write(base64.b64decode(shot["data"]))
    return path


def click_mode(chrome, session, label):
    """Clicks a button of the language switch, as a reader would."""
    found = chrome.send("Runtime.evaluate", {"expression":
        "(() => { const b = [...document.querySelectorAll('.lang-switch button')]"
        f".find(b => b.textContent === {json.dumps(label)}); if (b) b.click(); return !!b; }})()",
        "returnByValue": True}, session)
    return found["result"]["value"]


def check_languages(chrome, session, base, shots):
    """The switch in every mode, on three pages; the problems and screenshots."""
    problems, saved, code = [], [], {}
    for mode, label in MODES:
        for i, page in enumerate(LANG_PAGES):
            visit(chrome, session, f"{base}/{page}", DESKTOP)
            if i == 0:
                if not click_mode(chrome, session, label):
                    problems.append(f"{page}: no language switch button {label!r}")
                    continue
                saved.append(shoot(chrome, session, f"{shots}/lang-{mode}.png"))
            seen = json.loads(chrome.send("Runtime.evaluate", {
                "expression": LANGUAGES, "returnByValue": True}, session)["result"]["value"])
            where = f"{mode}: {page}"
            if seen["mode"] != mode:
                problems.append(f"{where}: the page is in mode {seen['mode']!r}, not remembered")
            if seen["splits"] < 3:
                problems.append(f"{where}: only {seen['splits']} 中文 · English units split")
            if mode == "zh" and seen["englishOnly"]:
                problems.append(f"{where}: English shown: {seen['englishOnly'][:3]}")
            if mode == "en" and seen["withHan"]:
                problems.append(f"{where}: Chinese shown: {seen['withHan'][:3]}")
            if mode == "both" and not (seen["englishOnly"] and seen["withHan"]):
                problems.append(f"{where}: not both languages shown")
            if seen["codeHidden"]:
                problems.append(f"{where}: {seen['codeHidden']} code blocks hidden")
            if not seen["code"]:
                problems.append(f"{where}: no code block")
            if code.setdefault(page, seen["code"]) != seen["code"]:
                problems.append(f"{where}: the code blocks changed with the language")
    # Leave the next reader in the default mode.
    click_mode(chrome, session, "双语")
    return problems, saved


def book_pages():
    """Every page of the book, in book/SUMMARY.md's order, as paths in the built book."""
    import re
    summary = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "book",
                           "SUMMARY.md")
    with open(summary) as text:
        links = re.findall(r"\]\(([^)]+)\.md\)", text.read())
    return ["index.html" if link == "README" else f"{link}.html" for link in links]


def check_tables(chrome, session, base, shots):
    """Every table of every page fits, in every mode, at both widths."""
    problems, saved, counted = [], [], 0
    pages = book_pages()
    for mode, label in MODES:
        for size, metrics in (("desktop", DESKTOP), ("phone", PHONE)):
            for i, page in enumerate(pages):
                visit(chrome, session, f"{base}/{page}", metrics, settle=0.1)
                if i == 0 and not click_mode(chrome, session, label):
                    problems.append(f"tables: no language switch button {label!r}")
                tables = json.loads(chrome.send("Runtime.evaluate", {
                    "expression": TABLES, "returnByValue": True}, session)["result"]["value"])
                counted += len(tables)
                for t in tables:
                    past = f", {t['over']} px past the column" if t["over"] > 1 else ""
                    if t["scroll"] > t["client"] + 1 or t["tscroll"] > t["tclient"] + 1 or past:
                        problems.append(
                            f"tables: {mode} {size}: {page} table {t['i'] + 1} ({t['head']}) "
                            f"scrolls: {t['scroll']} > {t['client']} px wide{past}")
                if page == PAGE:
                    saved.append(shoot(chrome, session, f"{shots}/table-{mode}-{size}.png",
                                       "main table", -80))
    click_mode(chrome, session, "双语")
    print(f"browser-check: {counted} tables on {len(pages)} pages measured in "
          f"{len(MODES)} modes at {DESKTOP['width']}px and {PHONE['width']}px")
    return problems, saved


def check_timelines(chrome, session, base):
    """Each recorded timeline: labelled bars, result ticks, three states, an
    animation, and text of at least 12 px as the page shows it at 1366 px."""
    import re
    problems = []
    for page, name, label, rows in TIMELINES:
        visit(chrome, session, f"{base}/{page}", DESKTOP)
        images = json.loads(chrome.send("Runtime.evaluate", {
            "expression": f"{SHOWN}({json.dumps(name)})", "returnByValue": True},
            session)["result"]["value"])
        if not images:
            problems.append(f"{page}: no {name} image")
            continue
        shown = images[0]["shown"]
        chrome.send("Page.navigate", {"url": images[0]["src"]}, session)
        chrome.wait_for("Page.loadEventFired")
        seen = json.loads(chrome.send("Runtime.evaluate", {
            "expression": SVG_TEXTS, "returnByValue": True}, session)["result"]["value"])
        labels = [t for t in seen["texts"] if re.match(label, t)]
        ticks = [t for t in seen["texts"] if re.match(r"^result \d+$", t)]
        where = f"{name}"
        if len(labels) != rows:
            problems.append(f"{where}: {len(labels)} labelled bars, not {rows}: {labels}")
        if len(ticks) != rows or "result 2" not in ticks:
            problems.append(f"{where}: {len(ticks)} result ticks, not {rows}: {ticks}")
        if not {"pending", "running"} <= set(seen["states"]):
            problems.append(f"{where}: bars for states {seen['states']} only")
        if not seen["animated"]:
            problems.append(f"{where}: nothing replays (no CSS animation on the bars)")
        smallest = seen["minFont"] * shown / seen["viewWidth"]
        if smallest < 12:
            problems.append(f"{where}: text of {smallest:.1f} px at {shown:.0f} px wide")
        else:
            print(f"browser-check: {name}: {len(labels)} labelled bars, {len(ticks)} result "
                  f"ticks, smallest text {smallest:.1f} px at {shown:.0f} px wide")
    return problems


def heading_fonts(chrome, session):
    """The fonts Chromium really drew the page's title with."""
    root = chrome.send("DOM.getDocument", {}, session)["root"]["nodeId"]
    # With the language switch, the title's Chinese is in its own span.
    node = 0
    for selector in ("main h1 .lang-zh a", "main h1 .lang-zh", "main h1"):
        node = chrome.send("DOM.querySelector", {"nodeId": root, "selector": selector},
                           session)["nodeId"]
        if node:
            break
    fonts = chrome.send("CSS.getPlatformFontsForNode", {"nodeId": node}, session)["fonts"]
    return [f["familyName"] for f in fonts]


def check(book, shots, binary):
    problems = []
    server, missing = serve(book)
    url = f"http://127.0.0.1:{server.server_address[1]}/{PAGE}"
    os.makedirs(shots, exist_ok=True)
    saved = []
    with tempfile.TemporaryDirectory(prefix="book-chromium-") as profile:
        chrome = Chromium(binary, profile)
        try:
            target = chrome.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = chrome.send("Target.attachToTarget",
                                  {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log", "DOM", "CSS"):
                chrome.send(f"{domain}.enable", {}, session)

            page = visit(chrome, session, url, DESKTOP)
            py, rs = page["py"], page["rs"]
            if page["pairs"] < 1 or not py or not rs:
                problems.append("desktop: no two-column block of listings")
            else:
                if not (page["pyCode"] and page["rsCode"]):
                    problems.append("desktop: the columns do not hold Python, then Rust")
                if not (py["x"] + py["w"] <= rs["x"] + 1 and abs(py["y"] - rs["y"]) < 2):
                    problems.append(f"desktop: listings not side by side: {py} {rs}")
                if min(py["w"], rs["w"]) < 450:
                    problems.append(f"desktop: columns too narrow to read: {py['w']}, {rs['w']}")
            if page["pageWidth"] > page["viewport"] + 1:
                problems.append(f"desktop: the page scrolls sideways ({page['pageWidth']}px)")
            if not page["timeline"] or not all(i["loaded"] for i in page["timeline"]):
                problems.append(f"desktop: the timeline image did not load: {page['timeline']}")
            elif max(i["shown"] for i in page["timeline"]) < 300:
                problems.append(f"desktop: the timeline image is not shown: {page['timeline']}")
            fonts = heading_fonts(chrome, session)
            if not any(cjk in font for font in fonts for cjk in CJK_FONTS):
                problems.append(f"the Chinese title is drawn without a CJK font: {fonts}")
            saved.append(shoot(chrome, session, f"{shots}/desktop-top.png"))
            saved.append(shoot(chrome, session, f"{shots}/desktop-listings.png",
                               ".side-by-side", -120))
            # Each replay first holds the last frame (3 s), so this is the
            # whole run, the still a reader without animation sees.
            saved.append(shoot(chrome, session, f"{shots}/desktop-timeline.png",
                               "main img[src$='loiter.svg']", -160))
            desktop_errors = errors_logged(chrome.events)
            chrome.events.clear()

            page = visit(chrome, session, url, PHONE)
            py, rs = page["py"], page["rs"]
            if not py or not rs:
                problems.append("phone: no listings")
            elif not (rs["y"] >= py["y"] + py["h"] - 1 and abs(py["x"] - rs["x"]) < 2):
                problems.append(f"phone: listings do not stack: {py} {rs}")
            if page["pageWidth"] > page["viewport"] + 1:
                problems.append(f"phone: the page scrolls sideways ({page['pageWidth']}px)")
            if not page["timeline"] or not all(i["loaded"] for i in page["timeline"]):
                problems.append(f"phone: the timeline image did not load: {page['timeline']}")
            if py and rs:
                boundary = int(rs["y"]) - 420
                saved.append(shoot(chrome, session, f"{shots}/phone-listings.png",
                                   offset=boundary))
            phone_errors = errors_logged(chrome.events)
            chrome.events.clear()

            base = f"http://127.0.0.1:{server.server_address[1]}"
            problems += check_timelines(chrome, session, base)
            problems += [f"timelines: {e}" for e in errors_logged(chrome.events)
                         if not e.endswith("/favicon.ico")]
            chrome.events.clear()
            lang_problems, lang_shots = check_languages(chrome, session, base, shots)
            problems += lang_problems
            saved += lang_shots
            table_problems, table_shots = check_tables(chrome, session, base, shots)
            problems += table_problems
            saved += table_shots
            # The timelines' SVG documents ask for /favicon.ico in the background,
            # and the answer may come in while these later pages load.
            phone_errors += [e for e in errors_logged(chrome.events)
                             if not e.endswith("/favicon.ico")]
        except (OSError, RuntimeError, TimeoutError) as err:
            sys.exit(f"browser-check: driving Chromium failed: {err}\n"
                     f"Chromium said:\n{chrome.log_tail()}")
        finally:
            chrome.close()
            server.shutdown()
    problems += [f"desktop: {e}" for e in desktop_errors]
    problems += [f"phone: {e}" for e in phone_errors]
    # An SVG opened as the page has no favicon link, so Chromium asks for
    # /favicon.ico (later, in the background); the book's pages name theirs.
    problems += [f"not served: {m}" for m in missing if not m.endswith(" /favicon.ico")]
    return problems, saved, fonts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--book", default="target/book", help="the built book")
    parser.add_argument("--shots", default="target/book-shots",
                        help="where the screenshots go")
    args = parser.parse_args()
    if not os.path.isfile(os.path.join(args.book, PAGE)):
        sys.exit(f"browser-check: {args.book}/{PAGE} is missing: run `just book` first")
    binary = next(filter(None, map(shutil.which, (
        "chromium", "chromium-browser", "google-chrome"))), None)
    if not binary:
        sys.exit("browser-check: Chromium is missing: apt-get install chromium fonts-noto-cjk")
    started = time.monotonic()
    problems, saved, fonts = check(os.path.abspath(args.book), args.shots, binary)
    for path in saved:
        print(f"browser-check: screenshot {path}")
    if problems:
        print("browser-check: FAILED", *problems, sep="\n  ", file=sys.stderr)
        sys.exit(1)
    print(f"browser-check: {PAGE} OK at {DESKTOP['width']}px and {PHONE['width']}px "
          f"(two columns, then stacked; timeline loaded; no errors; title font "
          f"{fonts[0]}); language switch OK in {len(MODES)} modes on {len(LANG_PAGES)} pages "
          f"(remembered, one language each, code unchanged); every table fits in "
          f"every mode at both widths, "
          f"{time.monotonic() - started:.1f}s")


if __name__ == "__main__":
    main()
