"""A TCP proxy on 127.0.0.1 that misbehaves on demand (stdlib only; Toxiproxy's role).

    proxy = FaultProxy("127.0.0.1", 5432).start()
    url = f"postgresql://postgres@127.0.0.1:{proxy.port}/test"
    proxy.refuse()        # nothing listens: connection refused
    proxy.blackhole()     # connections accepted (and open ones kept) but nothing flows
    proxy.reset()         # open connections get a TCP RST; new ones too until pass_()
    proxy.latency(0.2)    # every chunk waits 200 ms each way
    proxy.cut_after(3000) # each new connection is reset after 3,000 bytes
    proxy.pass_()         # back to normal (latency and cut cleared)
    proxy.stop()

Usable from another process too: ``python -m tests.support.faultproxy TARGET_PORT`` prints the
port, then reads commands (``pass``, ``refuse``, ``blackhole``, ``reset``, ``latency 0.2``,
``cut 3000``, ``kill``) from stdin.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import sys
import threading
import time

CHUNK = 65536
TICK = 0.1


def _rst(sock: socket.socket) -> None:
    """Close with a TCP reset rather than a FIN (SO_LINGER with a zero timeout)."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()


class _Link:
    def __init__(self, proxy: FaultProxy, client: socket.socket) -> None:
        self.proxy = proxy
        self.client = client
        self.upstream: socket.socket | None = None
        self.dead = threading.Event()
        self.sent = 0
        self.cut_after = proxy._cut_after

    def kill(self) -> None:
        if self.dead.is_set():
            return
        self.dead.set()
        _rst(self.client)
        if self.upstream is not None:
            _rst(self.upstream)

    def run(self) -> None:
        p = self.proxy
        # A black-holed connection is held open without an upstream until the mode changes.
        while p.mode == "blackhole" and not self.dead.is_set() and not p._stopped.is_set():
            time.sleep(TICK)
        if self.dead.is_set() or p._stopped.is_set() or p.mode in ("reset", "refuse"):
            self.kill()
            return
        try:
            self.upstream = socket.create_connection(p.target, timeout=5)
        except OSError:
            self.kill()
            return
        for a, b in ((self.client, self.upstream), (self.upstream, self.client)):
            threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        p = self.proxy
        replies = src is self.upstream
        try:
            src.settimeout(TICK)
        except OSError:  # the connection was killed before this pump started
            self.kill()
            return
        while not self.dead.is_set():
            if p.mode == "blackhole":
                time.sleep(TICK)  # hold everything: neither data nor an error gets through
                continue
            try:
                data = src.recv(CHUNK)
            except TimeoutError:
                continue
            except OSError:
                break
            if not data:
                break
            if p._latency:
                time.sleep(p._latency)
            if p.mode == "blackhole" or (replies and p.mode == "drop_replies"):
                continue  # swallowed: the sender never learns
            if self.cut_after is not None and self.sent + len(data) >= self.cut_after:
                keep = max(0, self.cut_after - self.sent)
                with contextlib.suppress(OSError):
                    dst.sendall(data[:keep])
                p.cuts += 1
                break
            try:
                dst.sendall(data)
            except OSError:
                break
            self.sent += len(data)
        self.kill()
        with p._lock:
            p._links.discard(self)


class FaultProxy:
    def __init__(self, target_host: str, target_port: int, port: int = 0) -> None:
        self.target = (target_host, target_port)
        self.port = port
        self.mode = "pass"
        self._latency = 0.0
        self._cut_after: int | None = None
        self._lock = threading.Lock()
        self._links: set[_Link] = set()
        self._listener: socket.socket | None = None
        self._stopped = threading.Event()
        self._accepting: threading.Thread | None = None
        self.connections = 0
        self.cuts = 0

    # ---- lifecycle ---------------------------------------------------------------------

    def start(self) -> FaultProxy:
        self._listen()
        return self

    def _listen(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        for _ in range(50):
            try:
                sock.bind(("127.0.0.1", self.port))
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise OSError(f"cannot listen on port {self.port} again")
        sock.listen(64)
        sock.settimeout(TICK)
        self.port = sock.getsockname()[1]
        self._listener = sock
        self._accepting = threading.Thread(target=self._accept, args=(sock,), daemon=True)
        self._accepting.start()

    def _unlisten(self) -> None:
        sock, self._listener = self._listener, None
        if sock is not None:
            sock.close()
        if self._accepting is not None:
            self._accepting.join(2)
            self._accepting = None

    def _accept(self, sock: socket.socket) -> None:
        while not self._stopped.is_set() and self._listener is sock:
            try:
                client, _ = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            if self.mode == "reset":
                _rst(client)
                continue
            link = _Link(self, client)
            with self._lock:
                self._links.add(link)
            threading.Thread(target=link.run, daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()
        self._unlisten()
        self.kill_all()

    # ---- faults ------------------------------------------------------------------------

    def kill_all(self) -> None:
        with self._lock:
            links = list(self._links)
            self._links.clear()
        for link in links:
            link.kill()

    def pass_(self) -> None:
        self._latency = 0.0
        self._cut_after = None
        was = self.mode
        self.mode = "pass"
        if was == "refuse":
            self._listen()

    def refuse(self) -> None:
        if self.mode != "refuse":
            self.mode = "refuse"
            self._unlisten()
        self.kill_all()

    def blackhole(self) -> None:
        if self.mode == "refuse":
            self._listen()
        self.mode = "blackhole"

    def reset(self) -> None:
        if self.mode == "refuse":
            self._listen()
        self.mode = "reset"
        self.kill_all()

    def reset_once(self) -> None:
        """RST the open connections and go on passing."""
        self.kill_all()

    def drop_replies(self) -> None:
        """What the client sends still arrives; the server's answers are lost (a lost
        acknowledgement: the server commits, the client never hears it did)."""
        self.mode = "drop_replies"

    def latency(self, seconds: float) -> None:
        self._latency = seconds

    def cut_after(self, nbytes: int | None) -> None:
        self._cut_after = nbytes


def main() -> None:
    proxy = FaultProxy("127.0.0.1", int(sys.argv[1])).start()
    print(proxy.port, flush=True)
    for line in sys.stdin:
        cmd, *rest = line.split()
        if cmd == "kill":
            proxy.reset_once()
        elif cmd == "latency":
            proxy.latency(float(rest[0]))
        elif cmd == "cut":
            proxy.cut_after(int(rest[0]))
        else:
            getattr(proxy, "pass_" if cmd == "pass" else cmd)()
    proxy.stop()


if __name__ == "__main__":
    main()
