"""Shared by the `panya serve` tests: start and stop a real server, run curl, report checks."""
import atexit
import os
import re
import signal
import subprocess
import sys
import time

PANYA = os.environ.get("PANYA", "")
_running = []


@atexit.register
def _stop_leftovers():
    """A test that ends early (an exception) leaves no server or browser behind."""
    for proc in _running:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def track(proc):
    _running.append(proc)
    return proc


class Checks:
    def __init__(self):
        self.failures = 0

    def check(self, condition, what):
        if not condition:
            self.failures += 1
            print("FAIL: " + what, file=sys.stderr)
        return condition

    def finish(self):
        if self.failures:
            print("%d check(s) failed" % self.failures, file=sys.stderr)
            sys.exit(1)
        print("all checks passed")
        sys.exit(0)


class Server:
    """`panya serve ARGS --listen 127.0.0.1:0`; the port is read from its first stderr line."""

    def __init__(self, work, args):
        self.out_path = os.path.join(work, "serve-%d.out" % time.monotonic_ns())
        self.err_path = self.out_path[:-4] + ".err"
        self.out = open(self.out_path, "wb")
        self.err = open(self.err_path, "wb")
        self.proc = track(subprocess.Popen([PANYA, "serve", *args, "--listen", "127.0.0.1:0"],
                                           stdout=self.out, stderr=self.err))
        self.port = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.proc.poll() is None:
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", self.stderr())
            if m:
                self.port = int(m.group(1))
                break
            time.sleep(0.05)
        if self.port is None:
            self.stop()
            raise RuntimeError("panya serve did not start: " + self.stderr())
        self.url = "http://127.0.0.1:%d" % self.port

    def stderr(self):
        with open(self.err_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stdout(self):
        with open(self.out_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        """Ctrl-C; returns the exit status (None when it had to be killed)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
        self.out.close()
        self.err.close()
        return self.proc.returncode


def curl(url, *args, work):
    """Runs curl (never through a proxy); returns (status, headers, body) of the last response."""
    head = os.path.join(work, "curl-head")
    body = os.path.join(work, "curl-body")
    for path in (head, body):
        if os.path.exists(path):
            os.remove(path)
    subprocess.run(["curl", "-s", "-S", "--noproxy", "*", "--path-as-is", "-D", head, "-o",
                    body, *args, url], check=False)
    status, headers = 0, {}
    if os.path.exists(head):
        with open(head, "rb") as f:
            blocks = [b for b in f.read().decode("latin-1").split("\r\n\r\n") if b.strip()]
        if blocks:
            lines = blocks[-1].split("\r\n")
            status = int(lines[0].split()[1])
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
    data = b""
    if os.path.exists(body):
        with open(body, "rb") as f:
            data = f.read()
    return status, headers, data
