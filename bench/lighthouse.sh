#!/usr/bin/env bash
# Lighthouse on the built sample site: home, an article, a topic and an author page.
#
# Builds the sample newsroom into a temporary folder, serves it on a loopback port with
# Python's http.server, runs Lighthouse (npm package, driving Debian's chromium) on each
# page and prints the four category scores and every failing accessibility audit.
# Exits non-zero when a page misses the targets: accessibility, best practices and SEO
# >= 0.95, performance >= 0.90, no failing accessibility audit.
#
# Usage: bench/lighthouse.sh            (from the repository, with ssg installed)
# Needs: node/npm (Lighthouse is installed into .ci/node on first use), chromium.
# Slow (about a minute) and somewhat noisy (performance varies with load): not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."

CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
export CHROME_PATH
LIGHTHOUSE=${LIGHTHOUSE:-.ci/node/node_modules/.bin/lighthouse}
if [ ! -x "$LIGHTHOUSE" ]; then
    npm install --prefix .ci/node --no-audit --no-fund --silent lighthouse@12 >&2
fi
PYTHON=${PYTHON:-python3}
SSG=${SSG:-ssg}

work=$(mktemp -d)
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

port=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$SSG" build --output "$work/public" --base-url "http://127.0.0.1:$port/" >&2
"$PYTHON" -m http.server "$port" --bind 127.0.0.1 --directory "$work/public" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do
    "$PYTHON" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break
    sleep 0.1
done

# the front page's lead story, its first topic and its first author
pick() {
    "$PYTHON" -c 'import re, sys; print(re.findall(sys.argv[2], open(sys.argv[1]).read())[0].strip("/"))' "$@"
}
article=$(pick "$work/public/index.html" 'class="card-title"><a href="([^"]+)"')/
topic=$(pick "$work/public/$article/index.html" 'rel="tag" href="([^"]+)"')/
author=$(pick "$work/public/$article/index.html" 'rel="author" href="([^"]+)"')/
flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"

for page in "" "$article" "$topic" "$author"; do
    name=${page:-home}
    "$LIGHTHOUSE" "http://127.0.0.1:$port/$page" --quiet --output=json \
        --output-path="$work/${name//\//_}.json" --chrome-flags="$flags" \
        --only-categories=performance,accessibility,best-practices,seo
done

"$PYTHON" - "$work" <<'PY'
import json, pathlib, sys

targets = {"performance": 0.90, "accessibility": 0.95, "best-practices": 0.95, "seo": 0.95}
ok = True
print(f"{'page':<55} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5}")
for report in sorted(pathlib.Path(sys.argv[1]).glob("*.json")):
    data = json.loads(report.read_text())
    scores = {key: data["categories"][key]["score"] for key in targets}
    url = data["finalDisplayedUrl"].split("/", 3)[-1] or "(home)"
    print(f"/{url:<54} " + " ".join(f"{scores[k]:>5.2f}" for k in targets))
    for key, minimum in targets.items():
        if scores[key] is None or scores[key] < minimum:
            ok = False
            print(f"    {key} below {minimum}")
    for ref in data["categories"]["accessibility"]["auditRefs"]:
        audit = data["audits"][ref["id"]]
        if audit["score"] is not None and audit["score"] < 1 and audit["scoreDisplayMode"] == "binary":
            ok = False
            print(f"    failing accessibility audit: {ref['id']}: {audit['title']}")
    for key in ("performance", "best-practices", "seo"):
        for ref in data["categories"][key]["auditRefs"]:
            audit = data["audits"][ref["id"]]
            if ref.get("weight") and audit["score"] is not None and audit["score"] < 0.9:
                print(f"    {key}: {ref['id']}: {audit['title']} ({audit['score']})")
sys.exit(0 if ok else 1)
PY
