#!/usr/bin/env python3
"""chunked.py BASE REPO FILE CHUNK_MB DIGEST [AUTH]: a chunked push over one keep-alive connection."""
import http.client, os, sys, time, urllib.parse
base, repo, path, chunk_mb, digest = sys.argv[1:6]
auth = sys.argv[6] if len(sys.argv) > 6 else None
u = urllib.parse.urlsplit(base)
conn = http.client.HTTPConnection(u.hostname, u.port, blocksize=1 << 20)
hdr = {"Authorization": auth} if auth else {}
def req(method, url, body=None, headers=None, expect=202):
    h = dict(hdr); h.update(headers or {})
    conn.request(method, url, body=body, headers=h)
    r = conn.getresponse(); r.read()
    if r.status != expect:
        sys.exit(f"{method} {url} -> {r.status}")
    loc = r.getheader("Location") or ""
    return urllib.parse.urlsplit(loc)._replace(scheme="", netloc="").geturl() if loc.startswith("http") else loc
t0 = time.time()
loc = req("POST", f"/v2/{repo}/blobs/uploads/", b"", {"Content-Length": "0"})
size, chunk, off = os.path.getsize(path), int(chunk_mb) << 20, 0
with open(path, "rb") as f:
    while off < size:
        n = min(chunk, size - off)
        body = f.read(n)
        loc = req("PATCH", loc, body, {"Content-Range": f"{off}-{off + n - 1}", "Content-Type": "application/octet-stream", "Content-Length": str(n)})
        off += n
t1 = time.time()
req("PUT", loc + ("&" if "?" in loc else "?") + "digest=" + digest, b"", {"Content-Length": "0"}, expect=201)
t2 = time.time()
print(f"{t2 - t0:.3f} {t2 - t1:.3f}")
