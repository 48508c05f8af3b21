#!/usr/bin/env python3
"""Measures what one navigator process uses, for the requests and limits of
deploy/kubernetes: resident memory and CPU, read from /proc, idle and under a
bounded load on loopback. Standard library only.

    cargo build --release --locked -p api --bin navigator
    python3 deploy/kubernetes/measure.py target/release/navigator \
        postgres://postgres@127.0.0.1:5432

It creates a database of its own on that server (and drops it at the end),
loads the demo programme into it (`navigator seed --demo`), starts
`navigator serve` with the ConfigMap's worker and pool settings, and prints
what it measured. Nothing leaves 127.0.0.1.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

IDLE_SECONDS = 30
LOAD_SECONDS = 60
LOAD_THREADS = 8
LOGIN_BURST = 20
CLK_TCK = os.sysconf("SC_CLK_TCK")


def psql(server, sql):
    subprocess.run(["psql", f"{server}/postgres", "-qAtc", sql], check=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        after_name = f.read().rsplit(")", 1)[1].split()
    # utime and stime: fields 14 and 15 of stat, 12 and 13 after the name.
    return (int(after_name[11]) + int(after_name[12])) / CLK_TCK


def reset_peak(pid):
    """Starts the kernel's high-water mark of the resident set (VmHWM) afresh."""
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")


def call(base, path, token=None, body=None):
    req = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, r.read()


def login(base, email, password):
    _, raw = call(base, "/api/v1/auth/login", body={"email": email, "password": password})
    return json.loads(raw)["access_token"]


def window(pid, seconds, work=None):
    """CPU (in cores) and peak memory over `seconds`, while `work` runs."""
    reset_peak(pid)
    cpu0, t0 = cpu_seconds(pid), time.monotonic()
    result = work() if work else time.sleep(seconds)
    cpu, wall = cpu_seconds(pid) - cpu0, time.monotonic() - t0
    return cpu / wall, rss_kib(pid)[1], result


def load(base, token, paths):
    done, errors, lock = [0], [0], threading.Lock()
    deadline = time.monotonic() + LOAD_SECONDS

    def worker(n):
        i = n
        while time.monotonic() < deadline:
            path = paths[i % len(paths)]
            i += 1
            try:
                status, _ = call(base, path, token=None if path == "/healthz" else token)
                ok = status == 200
            except (urllib.error.URLError, OSError):
                ok = False
            with lock:
                done[0] += 1
                errors[0] += not ok

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(LOAD_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0], errors[0]


def logins(base):
    """LOGIN_BURST logins at once, each for another unknown address: the
    service hashes a dummy password for each (as for a known account, so
    that timing tells nothing) and answers 401; distinct addresses keep the
    attempts off each other's throttle records."""
    statuses = []

    def one(n):
        body = {"email": f"nobody-{n}@example.org", "password": "not the password"}
        try:
            statuses.append(call(base, "/api/v1/auth/login", body=body)[0])
        except urllib.error.HTTPError as e:
            statuses.append(e.code)
        except (urllib.error.URLError, OSError):
            statuses.append(None)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(LOGIN_BURST)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def main():
    binary, server = sys.argv[1], sys.argv[2].rstrip("/")
    database = f"navigator_measure_{os.getpid()}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ,
               NAVIGATOR_DATABASE_URL=f"{server}/{database}",
               NAVIGATOR_LISTEN=f"127.0.0.1:{port}",
               NAVIGATOR_PUBLIC_URL=base,
               NAVIGATOR_JWT_SECRET="m" * 48,
               NAVIGATOR_MAIL_TRANSPORT="log",
               NAVIGATOR_LOG_FORMAT="json",
               # As the ConfigMap of deploy/kubernetes/base.
               NAVIGATOR_WORKERS="2",
               NAVIGATOR_DATABASE_POOL_SIZE="10",
               # As the image (deploy/Containerfile).
               MALLOC_MMAP_THRESHOLD_="1048576",
               RUST_LOG="warn")
    psql(server, f'CREATE DATABASE "{database}"')
    process = None
    try:
        seeded = subprocess.run([binary, "seed", "--demo"], env=env, check=True,
                                capture_output=True, text=True).stdout
        hr = re.search(r"demo account\s+(\S+)\s+role hr\s+password (\S+)", seeded)
        if hr is None:
            sys.exit("no demo HR account in the output of `navigator seed --demo`")
        email, password = hr.group(1), hr.group(2)

        log = open(f"/tmp/{database}.log", "w")
        process = subprocess.Popen([binary, "serve"], env=env, stdout=log, stderr=log)
        for _ in range(300):
            try:
                if call(base, "/readyz")[0] == 200:
                    break
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        pid = process.pid
        print(f"started: {rss_kib(pid)[0] / 1024:.1f} MiB resident")

        token = login(base, email, password)
        selections = json.loads(call(base, "/api/v1/selections", token)[1])["items"]
        selection = selections[0]["id"]
        seats = json.loads(call(base, f"/api/v1/selections/{selection}/seats", token)[1])
        rows = seats["items"] if isinstance(seats, dict) else seats
        sigla = rows[0]["province"]
        paths = ["/healthz", "/api/v1/provinces", "/api/v1/selections",
                 f"/api/v1/selections/{selection}/rankings/{sigla}",
                 f"/api/v1/selections/{selection}/seats"]

        time.sleep(5)
        cores, peak, _ = window(pid, IDLE_SECONDS)
        print(f"idle {IDLE_SECONDS} s: {cores * 1000:.1f} mCPU, {peak / 1024:.1f} MiB resident at most")

        cores, peak, (done, errors) = window(pid, LOAD_SECONDS, lambda: load(base, token, paths))
        print(f"load {LOAD_SECONDS} s, {LOAD_THREADS} clients over {len(paths)} paths: "
              f"{done} requests ({done / LOAD_SECONDS:.0f}/s), {errors} failed; "
              f"{cores * 1000:.0f} mCPU, {peak / 1024:.1f} MiB resident at most")

        cores, peak, statuses = window(pid, 0, lambda: logins(base))
        answers = ", ".join(f"{statuses.count(s)} x {s}" for s in sorted(set(statuses), key=str))
        print(f"{LOGIN_BURST} logins at once (argon2id, 19 MiB each): answers {answers}; "
              f"{peak / 1024:.1f} MiB resident at most")

        time.sleep(5)
        print(f"5 s later: {rss_kib(pid)[0] / 1024:.1f} MiB resident")

        t0 = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        print(f"SIGTERM to exit: {time.monotonic() - t0:.1f} s (the service's log: {log.name})")
    finally:
        if process and process.poll() is None:
            process.kill()
            process.wait()
        psql(server, f'DROP DATABASE IF EXISTS "{database}"')


if __name__ == "__main__":
    main()
