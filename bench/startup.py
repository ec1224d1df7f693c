#!/usr/bin/env python3
"""Process start -> first 200 on GET /v2/, and idle RSS, for Berth variants and distribution 2.8.2.

Not a test. Each variant is started RUNS times (default 5) on a free 127.0.0.1 port with an empty
filesystem root; the time is measured from spawning the process to the first `HTTP/1.1 200` on
/v2/ (polling a raw socket every millisecond, so no client start-up is counted), then the
resident set after SETTLE_S seconds (default 3) and the exit status on SIGTERM. Medians are printed
as a Markdown table.

    bench/startup.py "jvm:java -jar target/quarkus-app/quarkus-run.jar" "native:target/berth-0.1.0-SNAPSHOT-runner"

Each argument is name:command (the command is split on spaces). Distribution (Debian's
docker-registry) is added as the last row unless NO_DIST=1.
"""
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = int(os.environ.get("RUNS", "5"))
SETTLE_S = float(os.environ.get("SETTLE_S", "3"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def first_200(port, t0, proc, timeout=120):
    while time.monotonic() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"exited with {proc.returncode} before answering")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"GET /v2/ HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return (time.monotonic() - t0) * 1000
        except OSError:
            pass
        time.sleep(0.001)
    raise RuntimeError("no 200 on /v2/ in time")


def run_once(kind, cmd, tmp):
    port = free_port()
    data = tempfile.mkdtemp(dir=tmp)
    env = dict(os.environ)
    if kind == "dist":
        cfg = os.path.join(tmp, f"dist-{port}.yml")
        with open(cfg, "w") as f:
            f.write("version: 0.1\nlog: {level: error, accesslog: {disabled: true}}\n"
                    f"storage:\n  filesystem: {{rootdirectory: {data}}}\n  delete: {{enabled: true}}\n"
                    f"http: {{addr: 127.0.0.1:{port}}}\n")
        argv = ["docker-registry", "serve", cfg]
    else:
        env.update(BERTH_STORAGE_FILESYSTEM_ROOT=data, QUARKUS_HTTP_PORT=str(port),
                   QUARKUS_HTTP_HOST="127.0.0.1", QUARKUS_LOG_LEVEL="WARN")
        argv = cmd.split()
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ms = first_200(port, t0, proc)
        time.sleep(SETTLE_S)
        rss = rss_mib(proc.pid)
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(data, ignore_errors=True)
    return ms, rss, code


def main():
    variants = []
    for arg in sys.argv[1:]:
        name, _, cmd = arg.partition(":")
        variants.append((f"Berth ({name})", "berth", cmd))
    if not variants:
        variants.append(("Berth (jvm)", "berth", "java -jar target/quarkus-app/quarkus-run.jar"))
    if os.environ.get("NO_DIST") != "1":
        variants.append(("distribution 2.8.2", "dist", None))
    tmp = tempfile.mkdtemp(prefix="berth-startup.")
    results = {name: [] for name, _, _ in variants}
    try:
        for _ in range(RUNS):  # interleaved, so machine noise spreads over every variant
            for name, kind, cmd in variants:
                results[name].append(run_once(kind, cmd, tmp))
                print(f"{name}: {results[name][-1]}", file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"Start -> first 200 on /v2/, {RUNS} runs each, medians ({time.strftime('%Y-%m-%d')}, "
          f"{os.cpu_count()} cores)\n")
    print("| registry | first 200 (ms) | min-max (ms) | idle RSS (MiB) | exit on SIGTERM |")
    print("|---|---:|---:|---:|---|")
    for name, runs in results.items():
        ms = [r[0] for r in runs]
        print(f"| {name} | {statistics.median(ms):.0f} | {min(ms):.0f}-{max(ms):.0f} | "
              f"{statistics.median(r[1] for r in runs):.1f} | {sorted(set(r[2] for r in runs))} |")


if __name__ == "__main__":
    main()
