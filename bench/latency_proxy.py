#!/usr/bin/env python3
"""HTTP/1.1 proxy on 127.0.0.1 that waits DELAY_MS before forwarding each request, as a far-away
storage account adds latency. Usage: latency_proxy.py PORT UPSTREAM_PORT DELAY_MS.

Each request gets a fresh upstream connection (Connection: close), so the emulator closing an
idle keep-alive connection never turns into a dropped request here (CountingProxy pins one
upstream connection per client connection, and a request racing Azurite's idle close is lost:
the client sees a premature close and the SDK retries after seconds). Client connections stay
alive. Bodies are framed by Content-Length or chunked encoding, copied in 256 KiB pieces.
"""
import socket
import sys
import threading
import time

BUF = 256 * 1024


def read_head(f):
    lines = []
    while True:
        line = f.readline(65536)
        if not line:
            if lines:
                raise EOFError('end of stream inside a message head')
            return None
        lines.append(line)
        if line in (b'\r\n', b'\n'):
            return b''.join(lines)


def header(head, name):
    for line in head.split(b'\r\n')[1:]:
        k, _, v = line.partition(b':')
        if k.strip().lower() == name:
            return v.strip().lower()
    return None


def copy_body(head, src, dst, to_eof):
    te, length = header(head, b'transfer-encoding'), header(head, b'content-length')
    if te and b'chunked' in te:
        while True:
            size_line = src.readline(65536)
            dst.write(size_line)
            n = int(size_line.split(b';')[0], 16)
            copy_n(src, dst, n + 2)  # the chunk and its CRLF
            if n == 0:
                return  # (no trailers from Azurite)
    elif length is not None:
        copy_n(src, dst, int(length))
    elif to_eof:
        while True:
            b = src.read1(BUF) if hasattr(src, 'read1') else src.read(BUF)
            if not b:
                return
            dst.write(b)


def copy_n(src, dst, n):
    while n > 0:
        b = src.read(min(BUF, n))
        if not b:
            raise EOFError('body shorter than its framing')
        dst.write(b)
        n -= len(b)


def serve(client, upstream_port, delay):
    cin, cout = client.makefile('rb', BUF), client.makefile('wb', BUF)
    try:
        while True:
            head = read_head(cin)
            if head is None:
                return
            method = head.split(b' ', 1)[0]
            time.sleep(delay)
            up = socket.create_connection(('127.0.0.1', upstream_port))
            try:
                uin, uout = up.makefile('rb', BUF), up.makefile('wb', BUF)
                lines = [l for l in head.split(b'\r\n') if not l.lower().startswith(b'connection:')]
                uout.write(b'\r\n'.join(lines[:-2]) + b'\r\nConnection: close\r\n\r\n')
                copy_body(head, cin, uout, False)
                uout.flush()
                while True:
                    resp = read_head(uin)
                    if resp is None:
                        return
                    status = int(resp.split(b' ', 2)[1])
                    lines = [l for l in resp.split(b'\r\n') if not l.lower().startswith(b'connection:')]
                    framed = header(resp, b'content-length') is not None or b'chunked' in (header(resp, b'transfer-encoding') or b'')
                    cout.write(b'\r\n'.join(lines[:-2]) + (b'\r\n' if framed or status < 200 or status in (204, 304) or method == b'HEAD'
                                                             else b'\r\nConnection: close\r\n') + b'\r\n')
                    if status >= 200:
                        break
                if method != b'HEAD' and status not in (204, 304):
                    copy_body(resp, uin, cout, True)
                cout.flush()
                if not framed and method != b'HEAD' and status not in (204, 304):
                    return  # body ended by close: so must the client connection
            finally:
                up.close()
    except (OSError, EOFError, ValueError):
        pass
    finally:
        client.close()


def main():
    port, upstream, delay = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) / 1000
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(('127.0.0.1', port))
    srv.listen(64)
    while True:
        c, _ = srv.accept()
        threading.Thread(target=serve, args=(c, upstream, delay), daemon=True).start()


if __name__ == '__main__':
    main()
