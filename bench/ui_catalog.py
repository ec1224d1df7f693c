#!/usr/bin/env python3
"""Fills a registry with N repositories through the API, then times the web UI's catalog pages.

Each repository gets one tiny image (a config blob and one layer, mounted from the first
repository, then a manifest): what a user's pushes leave behind, not files written around the
registry. Prints one line per page: median and range of RUNS requests, and the page's bytes.
The catalog API (/v2/_catalog?n=50) is timed too, as the same run's reference.

usage: ui_catalog.py BASE_URL [N] [RUNS]
"""
import hashlib, http.client, json, statistics, sys, time, urllib.parse
from concurrent.futures import ThreadPoolExecutor

BASE = sys.argv[1].rstrip("/")
N = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
RUNS = int(sys.argv[3]) if len(sys.argv) > 3 else 5
HOST = urllib.parse.urlparse(BASE).netloc

def conn():
    return http.client.HTTPConnection(HOST, timeout=120)

def call(c, method, path, body=None, headers=None):
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    return r.status, r.getheader("Location"), data

CONFIG = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Env": ["PATH=/bin"]}}).encode()
LAYER = b"berth ui catalog bench\n"
def dg(b): return "sha256:" + hashlib.sha256(b).hexdigest()
MANIFEST = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": dg(CONFIG), "size": len(CONFIG)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": dg(LAYER), "size": len(LAYER)}]}).encode()
FIRST = "bench/app-00000"

def name(i): return "team-%02d/app-%05d" % (i % 100, i)

def push_first():
    c = conn()
    for blob in (CONFIG, LAYER):
        s, loc, _ = call(c, "POST", "/v2/%s/blobs/uploads/?digest=%s" % (FIRST, dg(blob)), blob,
                         {"Content-Type": "application/octet-stream", "Content-Length": str(len(blob))})
        assert s == 201, ("blob", s)
    put_manifest(c, FIRST)

def put_manifest(c, repo):
    s, _, body = call(c, "PUT", "/v2/%s/manifests/v1" % repo, MANIFEST,
                      {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
    assert s == 201, ("manifest", repo, s, body[:200])

def fill(indexes):
    c = conn()
    for i in indexes:
        repo = name(i)
        for blob in (CONFIG, LAYER):
            s, _, _ = call(c, "POST", "/v2/%s/blobs/uploads/?mount=%s&from=%s" % (repo, dg(blob), FIRST))
            assert s == 201, ("mount", repo, s)
        put_manifest(c, repo)

def filled():
    """Whether an earlier run filled this registry: the last repository's image is there."""
    s, _, _ = call(conn(), "HEAD", "/v2/%s/manifests/v1" % name(N - 1),
                   headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
    return s == 200

def timed(path, runs=RUNS):
    c = conn()
    times, size = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        s, _, body = call(c, "GET", path)
        times.append((time.perf_counter() - t) * 1000)
        assert s == 200, (path, s, body[:200])
        size = len(body)
    return statistics.median(times), min(times), max(times), size

if __name__ == "__main__":
    if not filled():
        t = time.time()
        push_first()
        todo = list(range(N))
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(fill, [todo[k::16] for k in range(16)]))
        print("filled %d repositories in %.1f s" % (N, time.time() - t), file=sys.stderr)
    last_page = "/ui?last=" + urllib.parse.quote(name(N - 1 - 25), safe="")
    rows = [("catalog API, first 50 (/v2/_catalog?n=50)", "/v2/_catalog?n=50"),
            ("UI catalog, first page (/ui)", "/ui"),
            ("UI catalog, a page near the end (/ui?last=...)", last_page),
            ("UI filter, one match near the end (/ui?q=app-%05d)" % (N - 1), "/ui?q=app-%05d" % (N - 1)),
            ("UI filter, many matches (/ui?q=team-42)", "/ui?q=team-42"),
            ("UI filter, no match: reads the whole catalog (/ui?q=nomatch)", "/ui?q=nomatch"),
            ("UI repository page (/ui/r/%s)" % name(N // 2), "/ui/r/" + name(N // 2))]
    timed("/ui", 3)  # warm up
    print("| page (%d repositories) | median ms | range ms | bytes |" % (N + 1))
    print("|---|---:|---:|---:|")
    for label, path in rows:
        med, lo, hi, size = timed(path)
        print("| %s | %.1f | %.1f–%.1f | %d |" % (label, med, lo, hi, size))
