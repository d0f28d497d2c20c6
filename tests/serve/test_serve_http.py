#!/usr/bin/env python3
"""`panya serve` over HTTP, with curl against a running server (started and stopped here, on
127.0.0.1 and a free port): GET/HEAD, single and multi-range requests byte for byte equal to
`panya cat`, 416, ETag = SHA-256 and If-None-Match -> 304, Content-Type from the manifest,
immutable content-addressed URLs, gzip, the profile cookie, the access log, a damaged object
(500, named in the log, the rest still served), per-IP limits, Ctrl-C, and a suite of
traversal and malformed raw requests that must get 4xx and never crash the server."""
import gzip
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_helpers import PANYA, Checks, Server, curl  # noqa: E402

if not shutil.which("curl"):
    print("SKIP: curl is not installed")
    sys.exit(77)

checks = Checks()
check = checks.check
work = tempfile.mkdtemp(prefix="panya-serve-")


def run(*args):
    return subprocess.run([PANYA, *args], capture_output=True)


# A pack with a Lao page, a stylesheet, a large raw "video" and a small photo.
src = os.path.join(work, "ຫ້ອງຮຽນ")
os.makedirs(os.path.join(src, "ບົດທີ 1"))
os.makedirs(os.path.join(src, "media"))
with open(os.path.join(src, "ບົດທີ 1", "ໜ້າ 1.html"), "w", encoding="utf-8") as f:
    f.write("<!DOCTYPE html><html lang=\"lo\"><head><meta charset=\"utf-8\"><title>ບົດທີ 1</title>"
            "</head><body>" + "<p>ນັບເລກ 1 ເຖິງ 10. Count from 1 to 10.</p>" * 200 + "</body></html>\n")
with open(os.path.join(src, "site.css"), "w") as f:
    f.write("body { font-family: 'Phetsarath OT', sans-serif; }\n" * 20)
with open(os.path.join(src, "media", "clip.mp4"), "wb") as f:
    f.write(os.urandom(300_000))
with open(os.path.join(src, "media", "photo.jpg"), "wb") as f:
    f.write(os.urandom(5_000))
bundle = os.path.join(work, "lessons.panya")
r = run("pack", src, "-o", bundle, "--profile", "source")
if r.returncode != 0:
    print(r.stderr.decode(), file=sys.stderr)
    sys.exit(1)
files = {f["path"]: f for f in json.loads(run("inspect", "--json", bundle).stdout)["files"]}
page, css, clip = "ບົດທີ 1/ໜ້າ 1.html", "site.css", "media/clip.mp4"


def cat(path):
    return run("cat", bundle, path).stdout


def url_of(server, path):
    return server.url + "/p/lessons/" + urllib.parse.quote(path)


server = Server(work, [bundle])
u = server.url

# The catalogue.
status, headers, body = curl(u + "/", work=work)
check(status == 200 and headers.get("content-type", "").startswith("text/html"), "catalogue")
check("ຫ້ອງຮຽນ" in body.decode("utf-8", "replace"), "catalogue shows the pack's Lao title")
check(('href="/p/lessons/%s"' % urllib.parse.quote(page)).encode() in body,
      "the catalogue of a pack without courses links its pages")
check(b'href="/o/' in body, "... and its media, by content-addressed URL")

# GET and HEAD by path: bytes, ETag, Content-Type from the manifest, Cache-Control.
for path in (page, css, clip, "media/photo.jpg"):
    want = cat(path)
    status, headers, body = curl(url_of(server, path), work=work)
    check(status == 200 and body == want, "GET %s equals panya cat" % path)
    check(headers.get("etag") == '"%s"' % hashlib.sha256(want).hexdigest(),
          "ETag of %s is its SHA-256: %s" % (path, headers.get("etag")))
    check(headers.get("content-type") == files[path]["mime"],
          "Content-Type of %s from the manifest: %s" % (path, headers.get("content-type")))
    check(headers.get("cache-control") == "no-cache", "path URLs are revalidated")
    check(headers.get("accept-ranges") == "bytes", "Accept-Ranges on %s" % path)
    status, headers, body = curl(url_of(server, path), "-I", work=work)
    # curl -I writes the headers where the body would go: no byte of the file may follow.
    check(status == 200 and body.startswith(b"HTTP/1.1 200") and body.endswith(b"\r\n\r\n")
          and headers.get("content-length") == str(len(want)),
          "HEAD %s: status %d, length %s" % (path, status, headers.get("content-length")))

# Content-addressed URLs are immutable.
clip_bytes = cat(clip)
clip_hash = files[clip]["sha256"]
status, headers, body = curl(u + "/o/%s/clip.mp4" % clip_hash, work=work)
check(status == 200 and body == clip_bytes, "GET /o/HASH")
check("immutable" in headers.get("cache-control", "") and "max-age=31536000" in
      headers.get("cache-control", ""), "/o/ is immutable: %s" % headers.get("cache-control"))
status, _, _ = curl(u + "/o/" + "0" * 64, work=work)
check(status == 404, "unknown hash is 404")

# Single ranges, raw and compressed, byte for byte against panya cat.
for path, spec, first, last in ((clip, "1000-70000", 1000, 70000),
                                (clip, "-500", len(clip_bytes) - 500, len(clip_bytes) - 1),
                                (clip, "299000-", 299000, len(clip_bytes) - 1),
                                (clip, "299990-400000", 299990, len(clip_bytes) - 1),
                                (page, "10-40", 10, 40)):
    want = cat(path)
    status, headers, body = curl(url_of(server, path), "-H", "Range: bytes=" + spec, work=work)
    check(status == 206, "range %s of %s: status %d" % (spec, path, status))
    check(headers.get("content-range") == "bytes %d-%d/%d" % (first, last, len(want)),
          "Content-Range for %s: %s" % (spec, headers.get("content-range")))
    check(body == want[first:last + 1], "range %s of %s equals panya cat" % (spec, path))

# Multi-range: multipart/byteranges with one part per range.
status, headers, body = curl(url_of(server, clip), "-H", "Range: bytes=0-99,5000-5099,-100",
                             work=work)
check(status == 206, "multi-range status %d" % status)
m = re.match(r"multipart/byteranges; boundary=(\S+)", headers.get("content-type", ""))
check(m is not None, "multi-range content type: %s" % headers.get("content-type"))
if m:
    check(int(headers.get("content-length", "-1")) == len(body), "multipart Content-Length")
    parts = body.split(b"--" + m.group(1).encode())
    check(parts[-1].strip() == b"--", "multipart ends with the closing delimiter")
    expected = [(0, 99), (5000, 5099), (len(clip_bytes) - 100, len(clip_bytes) - 1)]
    got = []
    for part in parts[1:-1]:
        head, _, data = part.partition(b"\r\n\r\n")
        cr = re.search(rb"Content-Range: bytes (\d+)-(\d+)/(\d+)", head)
        ct = re.search(rb"Content-Type: (\S+)", head)
        if cr and ct:
            a, b = int(cr.group(1)), int(cr.group(2))
            got.append((a, b))
            check(data[:-2] == clip_bytes[a:b + 1] and data.endswith(b"\r\n"),
                  "multipart part %d-%d equals panya cat" % (a, b))
            check(ct.group(1) == b"video/mp4", "multipart part type")
    check(got == expected, "multipart parts %s" % got)

# Unsatisfiable ranges.
status, headers, _ = curl(url_of(server, clip), "-H", "Range: bytes=%d-" % len(clip_bytes),
                          work=work)
check(status == 416 and headers.get("content-range") == "bytes */%d" % len(clip_bytes),
      "416 with Content-Range: %d %s" % (status, headers.get("content-range")))
# Malformed or absurd Range headers are ignored: the whole file.
for spec in ("bytes=abc", "items=0-5", "bytes=5-1", ",".join(["bytes=0-0"] + ["%d-%d" % (i, i)
                                                                       for i in range(1, 40)])):
    status, _, body = curl(url_of(server, clip), "-H", "Range: " + spec, work=work)
    check(status == 200 and body == clip_bytes, "Range '%s' ignored: %d" % (spec[:20], status))

# Conditional requests.
etag = '"%s"' % clip_hash
status, headers, body = curl(url_of(server, clip), "-H", "If-None-Match: " + etag, work=work)
check(status == 304 and body == b"" and headers.get("etag") == etag, "If-None-Match -> 304")
status, _, _ = curl(url_of(server, clip), "-H", 'If-None-Match: "x", W/' + etag, work=work)
check(status == 304, "If-None-Match list with a weak tag -> 304")
status, _, body = curl(url_of(server, clip), "-H", 'If-None-Match: "other"', work=work)
check(status == 200 and body == clip_bytes, "other tag -> 200")
status, _, body = curl(url_of(server, clip), "-H", "Range: bytes=0-9", "-H",
                       'If-Range: "other"', work=work)
check(status == 200 and body == clip_bytes, "If-Range mismatch -> whole file")
status, _, body = curl(url_of(server, clip), "-H", "Range: bytes=0-9", "-H",
                       "If-Range: " + etag, work=work)
check(status == 206 and body == clip_bytes[:10], "If-Range match -> 206")

# gzip for text when accepted; media never.
page_bytes = cat(page)
status, headers, body = curl(url_of(server, page), "-H", "Accept-Encoding: gzip", work=work)
check(status == 200 and headers.get("content-encoding") == "gzip", "gzip when accepted")
check(gzip.decompress(body) == page_bytes if body else False, "gzip body equals panya cat")
check(len(body) < len(page_bytes) / 3, "gzip is smaller: %d of %d" % (len(body), len(page_bytes)))
check("Accept-Encoding" in headers.get("vary", ""), "Vary: Accept-Encoding")
status, headers, _ = curl(url_of(server, page), "-H", "Accept-Encoding: gzip;q=0", work=work)
check("content-encoding" not in headers, "gzip;q=0 refuses gzip")
status, headers, body = curl(url_of(server, clip), "-H", "Accept-Encoding: gzip", work=work)
check("content-encoding" not in headers and body == clip_bytes, "media is never gzipped")
status, headers, _ = curl(url_of(server, page), "-H", "Accept-Encoding: gzip", "-H",
                          "If-None-Match: " + headers.get("etag", "x"), work=work)
status, headers, _ = curl(url_of(server, page), "-H", "Accept-Encoding: gzip", work=work)
status2, _, _ = curl(url_of(server, page), "-H", "Accept-Encoding: gzip", "-H",
                     "If-None-Match: " + headers.get("etag", "x"), work=work)
check(status2 == 304, "If-None-Match with the gzip tag -> 304")

# Profile choice: a cookie, then back to a local page only.
status, headers, _ = curl(u + "/_panya/profile?use=low&back=/", work=work)
check(status == 303 and "panya_profile=low" in headers.get("set-cookie", "") and
      headers.get("location") == "/", "profile choice sets the cookie")
status, headers, _ = curl(u + "/_panya/profile?use=low&back=//evil.example/", work=work)
check(headers.get("location") == "/", "no redirect to another site")
status, _, _ = curl(u + "/_panya/profile?use=huge", work=work)
check(status == 400, "unknown profile choice is 400")

# A folder's URL opens its index.html.
with_index = os.path.join(work, "with-index")
os.makedirs(os.path.join(with_index, "lesson"))
with open(os.path.join(with_index, "lesson", "index.html"), "w") as f:
    f.write("<!DOCTYPE html><title>index</title>\n")
run("pack", with_index, "-o", os.path.join(work, "index.panya"), "--profile", "source")
index_server = Server(work, [os.path.join(work, "index.panya"), "--quiet"])
status, _, body = curl(index_server.url + "/p/index/lesson/", work=work)
check(status == 200 and b"<title>index</title>" in body, "lesson/ opens lesson/index.html")
index_server.stop()

# Errors.
status, _, _ = curl(url_of(server, "no/such/file.html"), work=work)
check(status == 404, "missing file is 404")
status, _, _ = curl(u + "/p/no-such-pack/x", work=work)
check(status == 404, "missing pack is 404")
status, headers, _ = curl(u + "/", "-X", "POST", "-d", "x=1", work=work)
check(status == 405 and "GET" in headers.get("allow", ""), "POST is 405 with Allow")


# Raw requests: traversal and malformed input never reach the disk nor crash the server.
def raw_request(data, timeout=5):
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as s:
        out = b""
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass  # the server may close early on a bad request; read its answer anyway
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        except (socket.timeout, ConnectionResetError):
            pass
    m = re.match(rb"HTTP/1\.[01] (\d{3})", out)
    return int(m.group(1)) if m else 0, out


def get(target, extra=b""):
    return raw_request(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
                       extra + b"\r\n")


traversals = [b"/p/lessons/../../../../etc/passwd", b"/p/lessons/%2e%2e/%2e%2e/etc/passwd",
              b"/p/lessons/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", b"/p/lessons/..%2f..%2fetc%2fpasswd",
              b"/p/lessons/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", b"/p/lessons/%e0%80%ae/x",
              b"/p/lessons/a%00b.html", b"/p/lessons/%ff%fe", b"/p/lessons/..\\..\\etc\\passwd",
              b"/p/lessons/%5c..%5c..%5cetc", b"/p/lessons//etc/passwd", b"/p/lessons/./site.css",
              b"/%", b"/%zz", b"/p/lessons/site.css%", b"/p/lessons/%0d%0aX-Injected:%20yes"]
for target in traversals:
    status, out = get(target)
    check(status == 400, "%r -> %d (want 400)" % (target, status))
    check(b"root:" not in out and b"X-Injected" not in out.split(b"\r\n\r\n")[0],
          "%r leaks nothing" % target)
for target in (b"/etc/passwd", b"/p/lessons/etc/passwd", b"/p/..", b"/p/lessons/"):
    status, _ = get(target)
    check(status in (400, 404), "%r -> %d (want 400/404)" % (target, status))
status, _ = get(b"/p/lessons/" + urllib.parse.quote(css).encode())
check(status == 200, "a plain request still works between bad ones")
# A long target of characters the log must escape (four bytes each): longer than a log line.
status, _ = get(b"/p/lessons/" + b"%22" * 2500)
check(status == 404 and server.alive(), "a long escaped target: %d" % status)
malformed = [
    (b"GARBAGE\r\n\r\n", (400, 0)),
    (b"GET\r\n\r\n", (400, 0)),
    (b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", (400, 505, 0)),
    (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n", (400, 413, 431, 0)),
    (b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Many: 1\r\n" * 20_000 + b"\r\n", (400, 413, 431, 0)),
    (b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", (400, 413, 414, 431, 0)),
    (b"GET / HTTP/1.1\r\nHost: x\r\nRange: bytes=" + b"0-1," * 10_000 + b"\r\n\r\n",
     (200, 400, 413, 431, 0)),
    (b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
     (400, 413, 0)),
    (b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", (400, 0)),
    (b"GET / HTTP/1.1\r\nHost: x\r\nX: \x00\x01\xff\r\n\r\n", (200, 400, 0)),
    (b"GET / HTTP/1.1\r\nHost: x\r\n", (0, 400, 408)),
]
for data, allowed in malformed:
    status, _ = raw_request(data)
    check(status in allowed, "malformed %r... -> %d" % (data[:30], status))
    check(server.alive(), "server alive after %r..." % data[:30])
status, _, body = curl(url_of(server, clip), work=work)
check(status == 200 and body == clip_bytes, "still serving after the malformed suite")

# Access log: one Combined Log Format line per request.
get(b'/p/lessons/a"b')


def log_has(pattern, seconds=10):
    """The server writes a line when a request completes, a moment after the client has it."""
    deadline = time.monotonic() + seconds
    while True:
        log = server.stdout()
        if re.search(pattern, log, re.M) or time.monotonic() > deadline:
            return log
        time.sleep(0.1)


log = log_has(re.escape('"GET /p/lessons/a\\x22b HTTP/1.1" 404'))
check(re.search(r'^127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "GET /o/%s/clip\.mp4 '
                r'HTTP/1\.1" 200 %d "-" "curl/[^"]+"$' % (clip_hash, len(clip_bytes)), log, re.M),
      "access log line for the clip")
check('"GET /p/lessons/a\\x22b HTTP/1.1" 404' in log, "quotes in a target are escaped in the log")
check(server.stop() == 0, "Ctrl-C stops the server with status 0")

# --quiet: no access log.
server = Server(work, [bundle, "--quiet"])
curl(server.url + "/", work=work)
check(server.stop() == 0 and server.stdout() == "", "--quiet writes no access log")

# A damaged object: 500 naming the file in the log; the rest keeps serving.
damaged = os.path.join(work, "damaged")
os.makedirs(damaged)
shutil.copy(bundle, os.path.join(damaged, "lessons.panya"))
with open(os.path.join(damaged, "lessons.panya"), "r+b") as f:
    f.seek(files[clip]["offset"] + 150_000)
    byte = f.read(1)[0]
    f.seek(files[clip]["offset"] + 150_000)
    f.write(bytes([byte ^ 0x40]))
server = Server(work, [damaged])
status, _, _ = curl(url_of(server, clip), work=work)
check(status == 500, "damaged clip is 500 (got %d)" % status)
status, _, _ = curl(url_of(server, clip), "-H", "Range: bytes=0-99", work=work)
check(status == 500, "a range of the damaged clip is 500 too")
status, _, body = curl(url_of(server, page), work=work)
check(status == 200 and body == page_bytes, "undamaged files are still served")
check(server.stop() == 0, "stops cleanly")
check(clip in server.stderr() and "damaged" in server.stderr(),
      "the log names the damaged file: " + server.stderr()[-300:])

# Per-IP connection limit.
server = Server(work, [bundle, "--max-per-ip", "2"])
held = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(2)]
time.sleep(0.3)
with socket.create_connection(("127.0.0.1", server.port), timeout=5) as extra:
    extra.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    try:
        reply = extra.recv(100)
    except (ConnectionResetError, socket.timeout):
        reply = b""
check(reply == b"", "a third connection from one address is refused: %r" % reply[:40])
for s in held:
    s.close()
deadline = time.monotonic() + 10
while True:  # the server notices the closed connections a moment later
    status, _, _ = curl(server.url + "/", work=work)
    if status == 200 or time.monotonic() > deadline:
        break
    time.sleep(0.2)
check(status == 200, "served again once the others closed")
check(server.stop() == 0, "stops cleanly")

# Usage errors.
check(run("serve", bundle, "--listen", "nonsense").returncode == 2, "bad --listen is 2")
check(run("serve", bundle, "--listen", "10.255.255.1:1").returncode == 2,
      "an address of another machine is 2")
check(run("serve", os.path.join(work, "missing.panya")).returncode == 2, "missing bundle is 2")
with open(os.path.join(work, "not.panya"), "wb") as f:
    f.write(b"not a bundle" * 100)
check(run("serve", os.path.join(work, "not.panya")).returncode == 1, "not a bundle is 1")
check(run("serve").returncode == 2, "no bundle is 2")

shutil.rmtree(work, ignore_errors=True)
checks.finish()
