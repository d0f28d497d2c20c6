"""A small Chrome DevTools Protocol client over a WebSocket (RFC 6455) written with the
standard library only, so the browser tests need nothing from outside Debian's python3."""
import base64
import json
import os
import socket
import struct
import time
import urllib.parse


class CDPError(Exception):
    pass


class CDP:
    def __init__(self, ws_url, timeout=30):
        u = urllib.parse.urlparse(ws_url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n"
                           % (u.path, u.hostname, u.port, key)).encode())
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise CDPError("the browser closed the DevTools connection")
            reply += chunk
        head, self.buf = reply.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise CDPError("no WebSocket upgrade: %r" % head[:100])
        self.next_id = 0
        self.events = []

    def _exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise CDPError("the browser closed the DevTools connection")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _frame(self, opcode, payload):
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            head = struct.pack(">BB", 0x80 | opcode, 0x80 | n)
        elif n < 65536:
            head = struct.pack(">BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            head = struct.pack(">BBQ", 0x80 | opcode, 0x80 | 127, n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(head + mask + masked)

    def _message(self):
        data = b""
        while True:
            b0, b1 = self._exact(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exact(8))[0]
            mask = self._exact(4) if b1 & 0x80 else None
            payload = self._exact(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            opcode = b0 & 0x0F
            if opcode == 8:
                raise CDPError("the browser closed the DevTools connection")
            if opcode == 9:
                self._frame(10, payload)
                continue
            if opcode == 10:
                continue
            data += payload
            if b0 & 0x80:
                return json.loads(data)

    def call(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        wanted = self.next_id
        msg = {"id": wanted, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self._frame(1, json.dumps(msg).encode())
        deadline = time.monotonic() + timeout
        while True:
            self.sock.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                reply = self._message()
            except socket.timeout:
                raise CDPError("%s: no answer in %d s" % (method, timeout))
            if reply.get("id") == wanted:
                if "error" in reply:
                    raise CDPError("%s: %s" % (method, reply["error"].get("message")))
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def pump(self, seconds):
        """Collects events for `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                msg = self._message()
            except socket.timeout:
                return
            if "method" in msg:
                self.events.append(msg)

    def wait_event(self, name, timeout=30, session=None):
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for i in range(seen, len(self.events)):
                e = self.events[i]
                if e["method"] == name and (session is None or e.get("sessionId") == session):
                    del self.events[i]
                    return e
            seen = len(self.events)
            left = deadline - time.monotonic()
            if left <= 0:
                raise CDPError("no %s in %d s" % (name, timeout))
            self.pump(min(left, 0.2))

    def close(self):
        try:
            self._frame(8, b"")
        except OSError:
            pass
        self.sock.close()
