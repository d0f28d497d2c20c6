#!/usr/bin/env python3
"""Opens pages of an extracted bundle in headless Chromium through a web server on
127.0.0.1, and prints the requests the pages made ("GET /path STATUS"), so a test can see
what a real browser fetched and what the test content types reported (/panya-played/...).

    play_in_browser.py FOLDER PAGE...
Exits 77 when Chromium is not installed.
"""
import functools, http.server, shutil, subprocess, sys, threading

browser = shutil.which("chromium") or shutil.which("chromium-browser")
if not browser:
    print("chromium is not installed")
    sys.exit(77)
folder, pages = sys.argv[1], sys.argv[2:]
log = []


class Handler(http.server.SimpleHTTPRequestHandler):
    def log_request(self, code="-", size="-"):
        log.append("GET %s %s" % (self.path, code))

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                         functools.partial(Handler, directory=folder))
threading.Thread(target=server.serve_forever, daemon=True).start()
port = server.server_address[1]
for page in pages:
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                    "--virtual-time-budget=5000", "--dump-dom",
                    "http://127.0.0.1:%d/%s" % (port, page)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
server.shutdown()
print("\n".join(log))
