#!/usr/bin/env python3
"""`panya serve` in a real browser: Debian's chromium, headless, as a phone (412x915, touch,
Android user agent), driven over the DevTools protocol. The samples course is made and packed
here, then for every lesson of the catalogue: the page loads with no failed request and no
JavaScript error, videos play and seek, images decode, and the SCORM lessons find their API,
report completed (and passed, for the one the test answers) and still show it after a reload.
Screenshots of the catalogue and of a lesson are left in PANYA_ARTEFACTS. Skips (77) only when
chromium cannot start."""
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import CDP, CDPError  # noqa: E402
from serve_helpers import PANYA, Checks, Server, track  # noqa: E402

ANDROID_UA = ("Mozilla/5.0 (Linux; Android 13; SM-A045F) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/120.0.0.0 Mobile Safari/537.36")
root = os.environ.get("PANYA_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
artefacts = os.environ.get("PANYA_ARTEFACTS", tempfile.gettempdir())
checks = Checks()
check = checks.check
work = tempfile.mkdtemp(prefix="panya-browser-")


def start_chromium():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        return None, None
    profile = os.path.join(work, "chromium-profile")
    os.makedirs(profile)
    log = open(os.path.join(work, "chromium.log"), "wb")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-proxy-server", "--autoplay-policy=no-user-gesture-required",
             "--user-data-dir=" + profile, "--remote-debugging-port=0"]
    proc = track(subprocess.Popen([exe, *flags, "about:blank"], stdout=log, stderr=log))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        with open(os.path.join(work, "chromium.log"), "rb") as f:
            m = re.search(rb"DevTools listening on (ws://\S+)", f.read())
        if m:
            return proc, m.group(1).decode()
        time.sleep(0.1)
    proc.kill()
    proc.wait()
    return None, None


# The samples course, made and packed the way a content team would.
samples = os.path.join(work, "samples")
shutil.copytree(os.path.join(root, "samples"), samples)
env = dict(os.environ, PANYA_SAMPLES_QUICK="1")
r = subprocess.run(["bash", os.path.join(root, "scripts", "make-samples"), samples], env=env,
                   capture_output=True)
if r.returncode != 0:
    print(r.stderr.decode(), file=sys.stderr)
    sys.exit(1)
bundle = os.path.join(work, "samples.panya")
r = subprocess.run([PANYA, "pack", samples, "-o", bundle, "--title", "panya samples",
                    "--title-lo", "ບົດຮຽນຕົວຢ່າງ"], capture_output=True)
if r.returncode != 0:
    print(r.stdout.decode(), r.stderr.decode(), file=sys.stderr)
    sys.exit(1)

browser, ws_url = start_chromium()
if not browser:
    print("SKIP: chromium cannot start here")
    shutil.rmtree(work, ignore_errors=True)
    sys.exit(77)
server = Server(work, [bundle])
cdp = CDP(ws_url)
target = cdp.call("Target.createTarget", {"url": "about:blank"})["targetId"]
session = cdp.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]


def page(method, params=None, timeout=30):
    return cdp.call(method, params, session=session, timeout=timeout)


page("Emulation.setDeviceMetricsOverride", {"width": 412, "height": 915,
                                            "deviceScaleFactor": 1, "mobile": True})
page("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
page("Network.enable")
page("Network.setUserAgentOverride", {"userAgent": ANDROID_UA, "platform": "Linux armv8l"})
page("Page.enable")
page("Runtime.enable")
page("Log.enable")


def evaluate(expression, timeout=60):
    reply = page("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                      "returnByValue": True, "timeout": timeout * 1000},
                 timeout=timeout + 5)
    if "exceptionDetails" in reply:
        details = reply["exceptionDetails"]
        raise CDPError(details.get("exception", {}).get("description") or details.get("text"))
    return reply["result"].get("value")


def navigate(url):
    cdp.events.clear()
    reply = page("Page.navigate", {"url": url})
    check("errorText" not in reply, "navigating to %s: %s" % (url, reply.get("errorText")))
    cdp.wait_event("Page.loadEventFired", timeout=30, session=session)


def problems():
    """Failed requests and JavaScript errors since the last navigation."""
    cdp.pump(0.3)
    found = []
    for e in cdp.events:
        p = e.get("params", {})
        if e["method"] == "Network.loadingFailed" and not p.get("canceled"):
            found.append("request failed: %s" % p.get("errorText"))
        elif e["method"] == "Network.responseReceived" and p["response"]["status"] >= 400:
            found.append("HTTP %d for %s" % (p["response"]["status"], p["response"]["url"]))
        elif e["method"] == "Runtime.exceptionThrown":
            found.append("JS error: %s" % p["exceptionDetails"].get("exception", {})
                         .get("description", p["exceptionDetails"].get("text")))
        elif e["method"] == "Log.entryAdded" and p["entry"]["level"] == "error":
            found.append("console error: %s" % p["entry"]["text"])
    return found


def screenshot(name):
    data = page("Page.captureScreenshot", {"format": "png"})["data"]
    path = os.path.join(artefacts, name)
    with open(path, "wb") as f:
        f.write(base64.b64decode(data))
    print("screenshot: " + path)


WAIT_FOR = """
function waitFor(test, ms, what) {
  return new Promise((ok, no) => {
    const start = Date.now();
    (function poll() {
      if (test()) return ok();
      if (Date.now() - start > ms) return no(new Error('timed out: ' + what));
      setTimeout(poll, 50);
    })();
  });
}
"""

# Every media element plays, seeks, and plays on after the seek.
PLAY_AND_SEEK = WAIT_FOR + """
(async () => {
  const out = [];
  for (const v of document.querySelectorAll('video, audio')) {
    v.muted = true;
    await waitFor(() => v.readyState >= 1 || v.error, 15000, 'metadata');
    if (v.error) { out.push({error: v.error.code}); continue; }
    await v.play();
    const t0 = v.currentTime;
    await waitFor(() => v.currentTime > t0 + 0.1, 15000, 'playing');
    const target = v.duration / 2;
    const seeked = new Promise(ok => v.addEventListener('seeked', ok, {once: true}));
    v.currentTime = target;
    await seeked;
    const t1 = v.currentTime;
    await waitFor(() => v.currentTime > t1 + 0.2, 15000, 'playing after the seek');
    out.push({duration: v.duration, target: target, after: v.currentTime, error: null});
  }
  return out;
})()
"""

# Every image of the page and of its frames has decoded.
IMAGES = WAIT_FOR + """
(async () => {
  const docs = [document];
  for (const f of document.querySelectorAll('iframe')) docs.push(f.contentDocument);
  const imgs = docs.flatMap(d => [...d.images]);
  await waitFor(() => imgs.every(i => i.complete), 15000, 'images');
  return imgs.map(i => ({src: i.src, width: i.naturalWidth}));
})()
"""

navigate(server.url + "/")
lessons = evaluate("[...document.querySelectorAll('main li > a')].map(a => "
                   "({href: a.href, text: a.innerText, kind: a.parentNode.querySelector('small')"
                   ".innerText}))")
check(len(lessons) == 7, "the catalogue lists the 7 sample lessons: %d" % len(lessons))
check(evaluate("document.documentElement.scrollWidth <= 412"), "the catalogue fits 412 px")
check(problems() == [], "catalogue: %s" % problems())
screenshot("serve-catalogue.png")
check(evaluate("document.fonts.status !== undefined && document.title.includes('ບົດຮຽນ')"),
      "the catalogue's title is Lao first")

media_checked = images_checked = scorm_checked = 0
for lesson in lessons:
    name = lesson["text"].replace("\n", " ")
    navigate(lesson["href"])
    try:
        if "/scorm/" in lesson["href"]:
            evaluate(WAIT_FOR + "waitFor(() => { const d = document.getElementById('panya-lesson')"
                     ".contentDocument; return d && d.readyState === 'complete' && "
                     "d.querySelector('button'); }, 15000, 'lesson frame')")
            frame = "document.getElementById('panya-lesson').contentWindow"
            found = evaluate("(() => { const w = %s; let x = w, depth = 0; while (x && depth++ < 10)"
                             " { if (x.API_1484_11 || x.API) return true; if (x.parent === x) "
                             "break; x = x.parent; } return false; })()" % frame)
            check(found, "%s: the lesson finds a SCORM API" % name)
            is_2004 = evaluate("%s.document.querySelector('script[src*=\"scorm-api\"]') !== null"
                               % frame)
            if is_2004:
                # A quiz would report its result: the test answers for it, then presses Done.
                ok = evaluate("['cmi.score.scaled=0.9', 'cmi.success_status=passed', "
                              "'cmi.suspend_data=page=3;seen=1,2', 'cmi.exit=suspend'].every("
                              "kv => { const i = kv.indexOf('='); return API_1484_11.SetValue("
                              "kv.slice(0, i), kv.slice(i + 1)) === 'true'; })")
                check(ok, "%s: the runtime accepts score, success, suspend data" % name)
            evaluate("%s.document.querySelector('button').click()" % frame)
            status = evaluate("document.getElementById('panya-status').textContent")
            want = ["completed", "passed"] if is_2004 else ["completed"]
            check(all(w in status for w in want), "%s: reports %s: '%s'" % (name, want, status))
            screenshot("serve-lesson-scorm.png" if is_2004 else "serve-lesson-scorm12.png")
            navigate(lesson["href"])  # reload: the status comes back from localStorage
            evaluate(WAIT_FOR + "waitFor(() => document.getElementById('panya-status')"
                     ".textContent.includes('completed'), 10000, 'status after reload')")
            status = evaluate("document.getElementById('panya-status').textContent")
            check(all(w in status for w in want), "%s: after a reload: '%s'" % (name, status))
            restored = evaluate("API_1484_11.cmi.completion_status" if is_2004 else
                                "API.cmi.core.lesson_status")
            check(restored == "completed", "%s: the runtime restored '%s'" % (name, restored))
            if is_2004:
                resumed = evaluate("[API_1484_11.cmi.suspend_data, API_1484_11.cmi.entry, "
                                   "API_1484_11.cmi.score.scaled]")
                check(resumed == ["page=3;seen=1,2", "resume", "0.9"],
                      "%s: suspend data, entry and score come back: %s" % (name, resumed))
            scorm_checked += 1
        media = evaluate(PLAY_AND_SEEK, timeout=90)
        for m in media:
            check(m.get("error") is None and m["after"] > m["target"],
                  "%s: plays and seeks: %s" % (name, m))
        media_checked += len(media)
        images = evaluate(IMAGES)
        for i in images:
            check(i["width"] > 0, "%s: image decodes: %s" % (name, i["src"]))
        images_checked += len(images)
        print("%s: %d media played and sought, %d images decoded" % (name, len(media),
                                                                    len(images)))
        if "video" in lesson["kind"] and not media:
            check(False, "%s: no video element" % name)
        if "SCORM" not in lesson["kind"] and "page" in lesson["kind"]:
            screenshot("serve-lesson-page.png")
    except CDPError as e:
        check(False, "%s: %s" % (name, e))
    check(problems() == [], "%s (%s): %s" % (name, lesson["href"], problems()))

check(media_checked >= 3, "videos and the song played: %d" % media_checked)
check(images_checked >= 3, "images decoded: %d" % images_checked)
check(scorm_checked == 2, "both SCORM lessons ran: %d" % scorm_checked)

# Save-Data picks the low profile; the page's choice is remembered in a cookie.
page("Network.setExtraHTTPHeaders", {"headers": {"Save-Data": "on"}})
navigate(server.url + "/")
pressed = evaluate("document.querySelector('button[value=low]').getAttribute('aria-pressed')")
check(pressed == "true", "Save-Data: the catalogue offers 'low'")
page("Network.setExtraHTTPHeaders", {"headers": {}})
navigate(server.url + "/")
evaluate("document.querySelector('button[value=low]').click()")
cdp.wait_event("Page.loadEventFired", timeout=30, session=session)
pressed = evaluate("document.querySelector('button[value=low]').getAttribute('aria-pressed')")
check(pressed == "true", "the 'save data' choice is remembered")
inspect = json.loads(subprocess.run([PANYA, "inspect", "--json", bundle],
                                    capture_output=True).stdout)
low_hashes = {f["sha256"] for f in inspect["files"] if f["profile"] == "low"}
video_link = evaluate("document.querySelector('main li > a[href^=\"/o/\"]').getAttribute('href')")
check(video_link.split("/")[2] in low_hashes, "lesson links point at the low variant")

cdp.close()
browser.terminate()
browser.wait(timeout=30)
check(server.stop() == 0, "the server stops cleanly")
shutil.rmtree(work, ignore_errors=True)
checks.finish()
