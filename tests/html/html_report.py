#!/usr/bin/env python3
"""The HTML report (`analyze --format html`, `--html FILE`), checked three ways:

  html_report.py --binary B --captures DIR reports   every shipped capture: the HTML parses, its
                                                     tags balance, its ids are unique and its links
                                                     land; one sequence diagram per procedure and
                                                     one findings row per finding of the JSON of
                                                     the same run; nothing external; no secret
                                                     without --show-keys, the secrets with it
  html_report.py --binary B big                      a simulated capture above the message-table
                                                     limit: summarised, no rows kept, under the
                                                     size bound
  html_report.py --binary B --captures DIR render    two reports in headless Chromium: no console
                                                     error, no uncaught exception, a screenshot
                                                     (--screenshots DIR keeps them, for docs/)
Standard library only.
"""
import argparse
import concurrent.futures
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from jobs_identical import captures_with_keys  # noqa: E402

# The limits html_report.hpp documents (README, "The HTML report").
MESSAGE_ROWS = 5000
DIAGRAMS = 100
BYTES_BOUND = 16 << 20

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# A reference the browser would fetch from elsewhere.
EXTERNAL = re.compile(r"^\s*(https?:|//|ftp:|data:text/html)", re.I)


class Document(html.parser.HTMLParser):
    """What the checks need of a report: ids, links, sequence diagrams, finding rows, and the
    problems found while parsing (unbalanced tags, external references)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.problems = []
        self.ids = []
        self.links = []
        self.sequences = 0
        self.finding_rows = 0
        self.frame_rows = 0
        self.in_style = False
        self.styles = []

    def handle_starttag(self, tag, attrs):
        self._element(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)
        self.in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self._element(tag, attrs)

    def _element(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        for name in ("src", "href", "xlink:href", "action", "srcset", "poster"):
            value = a.get(name)
            if value is None:
                continue
            if EXTERNAL.match(value):
                self.problems.append(f"external reference <{tag} {name}={value!r}>")
            elif value.startswith("#"):
                self.links.append(value[1:])
        if tag == "script" and "src" in a:
            self.problems.append("a script from a file")
        if tag == "link":
            self.problems.append(f"<link {a}>: the file must not load anything")
        if tag == "svg" and "sequence" in (a.get("class") or "").split():
            self.sequences += 1
        if tag == "tr" and re.fullmatch(r"(c\d+-)?finding-\d+", a.get("id") or ""):
            self.finding_rows += 1
        if tag == "tr" and re.fullmatch(r"(c\d+-)?frame-\d+", a.get("id") or ""):
            self.frame_rows += 1

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.styles.append(data)

    def finish(self):
        self.close()
        if self.stack:
            self.problems.append(f"unclosed at the end: {self.stack}")
        duplicates = sorted({i for i in self.ids if self.ids.count(i) > 1}) if len(self.ids) < 20000 else []
        if duplicates:
            self.problems.append(f"duplicate ids: {duplicates[:5]}")
        known = set(self.ids)
        dangling = sorted({l for l in self.links if l not in known})
        if dangling:
            self.problems.append(f"links to no id: {dangling[:5]}")
        style = "".join(self.styles)
        if "@import" in style or "url(" in style:
            self.problems.append("the stylesheet loads something")
        return self


def parse(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    doc = Document()
    doc.feed(text)
    return doc.finish(), text


def run(binary, folder, args):
    proc = subprocess.run([binary, "analyze", "--fail-on", "never", *args], cwd=folder, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"exit {proc.returncode}: {proc.stderr.strip()[:500]}")
    return proc.stdout


def secrets_of(document):
    out = set()
    for c in document["contexts"]:
        for key in ("master_secret", "master_salt"):
            value = c.get(key) or ""
            if len(value) >= 8:
                out.add(value)
    return out


def check_capture(binary, folder, capture, keys, tmp):
    """Problems of one capture's reports, as strings."""
    name = os.path.join(os.path.relpath(folder), capture)
    base = os.path.join(tmp, re.sub(r"[^\w.-]", "_", name))
    plain, shown = base + ".html", base + ".keys.html"
    problems = []
    public = run(binary, folder, ["--format", "json", "--html", plain, "-k", keys, capture])
    document = json.loads(public)
    # The secrets come from the JSON with --show-keys; the HTML with --show-keys must have them.
    with_keys = json.loads(run(binary, folder, ["--format", "json", "--show-keys", "-k", keys, capture]))
    # A derived context's salt can be a value sent in clear (draft-07 KUDOS: Master Salt = N):
    # only what the JSON without --show-keys does not show is a secret.
    secrets = {s for s in secrets_of(with_keys) if s not in public}
    run(binary, folder, ["--format", "html", "--show-keys", "-o", shown, "-k", keys, capture])
    doc, text = parse(plain)
    problems += doc.problems
    if doc.sequences != len(document["procedures"]):
        problems.append(f"{doc.sequences} sequence diagrams for {len(document['procedures'])} procedures")
    if doc.finding_rows != len(document["findings"]):
        problems.append(f"{doc.finding_rows} findings rows for {len(document['findings'])} findings")
    if doc.frame_rows != len(document["messages"]):
        problems.append(f"{doc.frame_rows} message rows for {len(document['messages'])} messages")
    for secret in secrets:
        if secret in text:
            problems.append(f"secret {secret[:8]}... without --show-keys")
    shown_doc, shown_text = parse(shown)
    problems += [f"--show-keys: {p}" for p in shown_doc.problems]
    for secret in secrets:
        if secret not in shown_text:
            problems.append(f"secret {secret[:8]}... missing with --show-keys")
    return [f"{name}: {p}" for p in problems]


def check_reports(args):
    found = captures_with_keys(args.captures, (".keys.json", ".oscore_contexts", ".oscore_conf"))
    if not found:
        print(f"no captures in {args.captures}", file=sys.stderr)
        return 1
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = {pool.submit(check_capture, args.binary, f, c, k, tmp): c for f, c, k in found}
            for future in concurrent.futures.as_completed(futures):
                try:
                    failures += future.result()
                except Exception as e:  # the analyzer failed: name the capture
                    failures.append(f"{futures[future]}: {e}")
        # Two captures in one file: each section's ids apart, every link landing.
        (f1, c1, k1), (f2, c2, k2) = found[0], found[-1]
        both = os.path.join(tmp, "both.html")
        run(args.binary, tmp, ["--format", "html", "-o", both, "-k", os.path.join(f1, k1), "-k", os.path.join(f2, k2),
                               os.path.join(f1, c1), os.path.join(f2, c2)])
        doc, _ = parse(both)
        failures += [f"two captures in one report: {p}" for p in doc.problems]
        # --jobs formats the messages on other threads: the same bytes.
        folder, capture, keys = found[0]
        one, three = os.path.join(tmp, "j1.html"), os.path.join(tmp, "j3.html")
        run(args.binary, folder, ["--format", "html", "-o", one, "-k", keys, capture])
        run(args.binary, folder, ["--format", "html", "-o", three, "--jobs", "3", "-k", keys, capture])
        if open(one, "rb").read() != open(three, "rb").read():
            failures.append(f"{capture}: --jobs 3 wrote other bytes than --jobs 1")
    for f in sorted(failures):
        print("FAIL", f)
    print(f"{len(found)} captures, {len(failures)} problems")
    return 1 if failures else 0


def check_big(args):
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        capture = os.path.join(tmp, "scale.pcapng")
        subprocess.run([args.binary, "simulate", "--scale", "--pairs", "60", "--messages", str(MESSAGE_ROWS + 3000),
                        "-o", capture], check=True, capture_output=True)
        keys = os.path.join(tmp, "scale.oscore_contexts")
        report = os.path.join(tmp, "scale.html")
        summary = json.loads(run(args.binary, tmp, ["--format", "json", "--no-messages", "--html", report,
                                                    "-k", keys, capture]))
        doc, text = parse(report)
        failures += doc.problems
        messages = summary["summary"]["coap_messages"]
        if messages <= MESSAGE_ROWS:
            failures.append(f"only {messages} messages: not above the limit")
        # --no-messages leaves the table out; without it, the table is summarised.
        run(args.binary, tmp, ["--format", "html", "-o", report, "-k", keys, capture])
        doc, text = parse(report)
        failures += doc.problems
        if doc.frame_rows != 0:
            failures.append(f"{doc.frame_rows} message rows above the limit")
        if f"more than the {MESSAGE_ROWS}" not in text:
            failures.append("no note that the message table is summarised")
        procedures = len(summary["procedures"])
        if procedures == 0 or doc.sequences != min(procedures, DIAGRAMS):
            failures.append(f"{doc.sequences} diagrams for {procedures} procedures")
        if doc.finding_rows != len(summary["findings"]):
            failures.append(f"{doc.finding_rows} findings rows for {len(summary['findings'])} findings")
        size = os.path.getsize(report)
        if size > BYTES_BOUND:
            failures.append(f"{size} bytes, above the bound of {BYTES_BOUND}")
        print(f"{messages} messages, {procedures} procedures: {size} bytes, {doc.sequences} diagrams")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


# What Chromium 120+ writes on stderr (with --enable-logging=stderr) for anything on a page's
# console, e.g. `[..:INFO:CONSOLE:145] "Uncaught ReferenceError: ...", source: file:///...`
# (console.error() and uncaught exceptions alike; the report logs nothing), or for a load
# that failed (net::ERR_...). Checked with --inject-error.
CONSOLE_ERROR = re.compile(r"CONSOLE[:(]\d+|Uncaught |net::ERR_")


def render(chromium, page, screenshot, height):
    proc = subprocess.run([chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
                           "--v=0", "--hide-scrollbars", "--no-first-run", "--disable-extensions",
                           "--disable-background-networking", f"--screenshot={screenshot}",
                           f"--window-size=1200,{height}", "file://" + os.path.abspath(page)],
                          capture_output=True, text=True, timeout=120)
    errors = [line for line in proc.stderr.splitlines() if CONSOLE_ERROR.search(line)]
    problems = [f"console: {line}" for line in errors]
    if not os.path.exists(screenshot) or os.path.getsize(screenshot) == 0:
        problems.append(f"no screenshot (exit {proc.returncode}): {proc.stderr.strip()[-300:]}")
    return problems


def check_render(args):
    chromium = args.chromium or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("chromium not installed: skipped (scripts/install-deps.sh installs it)")
        return 77
    pages = [("third-party/californium-kudos.pcap", "third-party/californium-kudos.oscore_contexts",
              "html-report-kudos.png", 1450),
             ("fault-used-before-confirmed.pcapng", "fault-used-before-confirmed.oscore_contexts",
              "html-report-id-update.png", 1650)]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for capture, keys, png, height in pages:
            folder = os.path.join(args.captures, os.path.dirname(capture))
            report = os.path.join(tmp, png.replace(".png", ".html"))
            run(args.binary, folder, ["--format", "html", "-o", report, "-k", os.path.basename(keys),
                                      os.path.basename(capture)])
            if args.inject_error:
                with open(report, "a", encoding="utf-8") as f:
                    f.write("<script>console.error('deliberate'); undefinedFunction();</script>\n")
            screenshot = os.path.join(args.screenshots or tmp, png)
            failures += [f"{capture}: {p}" for p in render(chromium, report, screenshot, height)]
    for f in failures:
        print("FAIL", f)
    print(f"{len(pages)} reports rendered, {len(failures)} problems")
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--captures", default=os.path.join(os.path.dirname(__file__), "..", "..", "captures"))
    parser.add_argument("--jobs", type=int, default=max(2, os.cpu_count() or 2))
    parser.add_argument("--chromium", help="render: the browser (default: chromium on PATH)")
    parser.add_argument("--screenshots", help="render: keep the screenshots in this folder")
    parser.add_argument("--inject-error", action="store_true",
                        help="render: add a script error to each page, to see that the check fails")
    parser.add_argument("mode", choices=["reports", "big", "render"])
    args = parser.parse_args()
    args.binary = os.path.abspath(args.binary)
    args.captures = os.path.abspath(args.captures)
    return {"reports": check_reports, "big": check_big, "render": check_render}[args.mode](args)


if __name__ == "__main__":
    sys.exit(main())
