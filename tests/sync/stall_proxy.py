"""A TCP relay in a process of its own, for tests that stop, kill and SIGSTOP it:

    python -m tests.sync.stall_proxy TARGET_PORT [--freeze-after BYTES]

It prints the port it listens on (127.0.0.1), then relays every connection to
127.0.0.1:TARGET_PORT. With ``--freeze-after`` it sends SIGSTOP to itself once it has relayed
that many bytes from clients to the server (counted over all connections): the client's
request is then cut mid-message while the proxy's kernel still holds both sockets open and
answers keepalives, exactly what a desk that vanished mid-push looks like to the server.
``SIGCONT`` resumes the relay where it stopped; ``SIGKILL`` ends it with both sides' sockets
closed by the kernel.

One thread and a selector, stdlib only, so that a SIGSTOP freezes everything at once.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import selectors
import signal
import socket
import sys

CHUNK = 65536


class Relay:
    def __init__(self, target: tuple[str, int], freeze_after: int | None) -> None:
        self.target = target
        self.freeze_after = freeze_after
        self.upstream_bytes = 0
        self.selector = selectors.DefaultSelector()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.listener.setblocking(False)
        self.selector.register(self.listener, selectors.EVENT_READ, None)
        # socket -> (peer, bytes waiting to be written to peer, counts towards the freeze)
        self.peers: dict[socket.socket, socket.socket] = {}
        self.pending: dict[socket.socket, bytearray] = {}
        self.upstream: set[socket.socket] = set()

    @property
    def port(self) -> int:
        return int(self.listener.getsockname()[1])

    def _accept(self) -> None:
        client, _ = self.listener.accept()
        try:
            server = socket.create_connection(self.target, timeout=5)
        except OSError:
            client.close()
            return
        for sock in (client, server):
            sock.setblocking(False)
            self.pending[sock] = bytearray()
        self.peers[client], self.peers[server] = server, client
        self.upstream.add(server)
        self.selector.register(client, selectors.EVENT_READ, None)
        self.selector.register(server, selectors.EVENT_READ, None)

    def _close(self, sock: socket.socket) -> None:
        peer = self.peers.pop(sock, None)
        for s in (sock, peer):
            if s is None:
                continue
            self.peers.pop(s, None)
            self.pending.pop(s, None)
            self.upstream.discard(s)
            with contextlib.suppress(KeyError, ValueError):
                self.selector.unregister(s)
            s.close()

    def _interest(self, sock: socket.socket) -> None:
        events = selectors.EVENT_READ | (selectors.EVENT_WRITE if self.pending[sock] else 0)
        self.selector.modify(sock, events, None)

    def _read(self, sock: socket.socket) -> None:
        try:
            data = sock.recv(CHUNK)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._close(sock)
            return
        peer = self.peers[sock]
        if peer in self.upstream and self.freeze_after is not None:
            room = self.freeze_after - self.upstream_bytes
            if room < len(data):
                # Deliver exactly up to the limit, freeze, then deliver the rest on SIGCONT.
                self.pending[peer] += data[:room]
                self._flush(peer)
                self.upstream_bytes += room
                self.freeze_after = None
                print(f"frozen after {self.upstream_bytes} bytes", file=sys.stderr, flush=True)
                os.kill(os.getpid(), signal.SIGSTOP)
                data = data[room:]
        if peer in self.upstream:
            self.upstream_bytes += len(data)
        self.pending[peer] += data
        self._interest(peer)

    def _flush(self, sock: socket.socket) -> None:
        buf = self.pending[sock]
        sock.setblocking(True)
        try:
            sock.sendall(buf)
        finally:
            sock.setblocking(False)
        buf.clear()

    def _write(self, sock: socket.socket) -> None:
        buf = self.pending.get(sock)
        if not buf:
            return
        try:
            sent = sock.send(buf)
        except BlockingIOError:
            return
        except OSError:
            self._close(sock)
            return
        del buf[:sent]
        self._interest(sock)

    def run(self) -> None:
        while True:
            for key, mask in self.selector.select():
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                if sock is self.listener:
                    self._accept()
                    continue
                if mask & selectors.EVENT_WRITE and sock in self.pending:
                    self._write(sock)
                if mask & selectors.EVENT_READ and sock in self.peers:
                    self._read(sock)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("target_port", type=int)
    parser.add_argument("--freeze-after", type=int, default=None)
    args = parser.parse_args()
    relay = Relay(("127.0.0.1", args.target_port), args.freeze_after)
    print(relay.port, flush=True)
    relay.run()


if __name__ == "__main__":
    main()
