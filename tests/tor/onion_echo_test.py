#!/usr/bin/env python3
"""Checks the private Tor network of scripts/tor-testnet end to end.

    onion_echo_test.py NETDIR [--runs N]            through the network's client
    onion_echo_test.py NETDIR --bridge [--runs N]   through a client that reaches
                                                    the network only by its obfs4 bridge

Each run starts a tor of its own with an onion service (HiddenServiceDir; tumar
itself uses ADD_ONION) that forwards to an echo service on a Unix socket, waits
until tor says the descriptor is uploaded to every HSDir it chose, then dials
ADDRESS.onion through a SOCKS5 port, sends bytes and reads them back. It prints
how long the service took to be published and to be reachable. With --bridge a
second tor, configured with `tor-testnet client-torrc NETDIR --bridge`, first
bootstraps through the bridge and is the one dialled through.

Needs python3's standard library only. Exit status 0 when every run echoed.
Every tor it starts names it as owning controller, so none outlives it.
"""
import argparse
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTNET = os.path.join(HERE, "..", "..", "scripts", "tor-testnet")
SERVICE_DEADLINE = 120.0  # seconds from starting the service's tor to an echo
BOOTSTRAP_DEADLINE = 120.0


class Failure(Exception):
    pass


def read_env(netdir):
    env = {}
    with open(os.path.join(netdir, "env")) as f:
        for line in f:
            key, _, value = line.strip().partition("=")
            env[key] = value
    return env


def client_torrc(netdir, bridge):
    args = [TESTNET, "client-torrc", netdir] + (["--bridge"] if bridge else [])
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def start_tor(workdir, name, netdir, bridge, extra):
    """Starts a tor in workdir/name; returns (process, its directory)."""
    d = os.path.join(workdir, name)
    os.mkdir(d, 0o700)
    torrc = os.path.join(d, "torrc")
    with open(torrc, "w") as f:
        f.write(client_torrc(netdir, bridge))
        f.write(f"DataDirectory {d}\n")
        f.write(f"Log notice file {d}/notice.log\n")
        f.write("SafeLogging 0\n")
        # Null authentication on a socket in a 0700 directory: only this user.
        f.write(f"ControlSocket {d}/control\n")
        f.write(f"__OwningControllerProcess {os.getpid()}\n")
        f.write(extra)
    empty = os.path.join(workdir, "empty")
    open(empty, "w").close()
    proc = subprocess.Popen(["tor", "--defaults-torrc", empty, "-f", torrc],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, d


def log_tail(d, n=8):
    try:
        with open(os.path.join(d, "notice.log")) as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return "(no log)\n"


class Control:
    """The few control-protocol lines this test needs (tor's control-spec)."""

    def __init__(self, path, deadline):
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise Failure(f"no control socket at {path}")
                time.sleep(0.1)
        self.buf = b""
        self.command("AUTHENTICATE")

    def line(self, timeout):
        self.sock.settimeout(timeout)
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise Failure("tor closed its control connection")
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\r\n")
        return line.decode()

    def command(self, cmd):
        """Sends cmd; returns its reply's lines joined (asynchronous events skipped)."""
        self.sock.sendall(cmd.encode() + b"\r\n")
        lines = []
        while True:
            line = self.line(30)
            if line.startswith("650"):
                continue
            lines.append(line)
            if line[3:4] == " ":
                break
        if not lines[-1].startswith("250"):
            raise Failure(f"{cmd.split()[0]}: tor answered {lines[-1]}")
        return "\n".join(lines)


def echo_server(path):
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(path)
    srv.listen(8)

    def serve(conn):
        with conn:
            while True:
                data = conn.recv(65536)
                if not data:
                    return
                conn.sendall(data)

    def accept():
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return srv


SOCKS_ERRORS = {1: "general failure", 2: "not allowed by ruleset", 3: "network unreachable",
                4: "host unreachable", 5: "connection refused", 6: "TTL expired",
                7: "command not supported", 8: "address type not supported",
                0xF0: "onion service descriptor not found", 0xF1: "onion service descriptor invalid",
                0xF2: "onion service introduction failed", 0xF3: "onion service rendezvous failed",
                0xF4: "onion service client authorization missing",
                0xF5: "onion service client authorization wrong",
                0xF6: "onion address invalid", 0xF7: "onion service introduction timed out"}


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise Failure("SOCKS proxy closed the connection")
        data += chunk
    return data


def socks_echo(proxy, host, port, payload, timeout):
    """SOCKS5 (RFC 1928, no authentication) CONNECT to host:port, then echo."""
    family, addr = proxy
    with socket.socket(family) as s:
        s.settimeout(timeout)
        s.connect(addr)
        s.sendall(b"\x05\x01\x00")
        if recv_exact(s, 2) != b"\x05\x00":
            raise Failure("SOCKS proxy refused no-authentication")
        name = host.encode()
        s.sendall(b"\x05\x01\x00\x03" + bytes([len(name)]) + name + port.to_bytes(2, "big"))
        reply = recv_exact(s, 4)
        if reply[1] != 0:
            raise Failure(f"SOCKS error {reply[1]:#x}: {SOCKS_ERRORS.get(reply[1], 'unknown')}")
        atyp = reply[3]
        if atyp == 1:
            recv_exact(s, 4 + 2)
        elif atyp == 4:
            recv_exact(s, 16 + 2)
        else:
            recv_exact(s, recv_exact(s, 1)[0] + 2)
        s.sendall(payload)
        back = recv_exact(s, len(payload))
        if back != payload:
            raise Failure("the echo came back different")


def wait_bootstrap(ctl, d, deadline):
    while True:
        reply = ctl.command("GETINFO status/bootstrap-phase")
        if "PROGRESS=100" in reply:
            return
        if time.monotonic() > deadline:
            raise Failure(f"tor in {d} did not bootstrap: {reply}\n{log_tail(d)}")
        time.sleep(0.2)


def one_run(netdir, workdir, proxy, run):
    """Returns (seconds to published, seconds to reachable, attempts)."""
    sock_path = os.path.join(workdir, f"echo{run}.sock")
    srv = echo_server(sock_path)
    t0 = time.monotonic()
    deadline = t0 + SERVICE_DEADLINE
    proc, d = start_tor(workdir, f"service{run}", netdir, False,
                        "SocksPort 0\n"
                        f"HiddenServiceDir {workdir}/service{run}/hs\n"
                        f"HiddenServicePort 80 unix:{sock_path}\n")
    try:
        ctl = Control(os.path.join(d, "control"), deadline)
        ctl.command("SETEVENTS HS_DESC")
        hostname_file = os.path.join(d, "hs", "hostname")
        while not os.path.exists(hostname_file):
            if time.monotonic() > deadline:
                raise Failure("tor wrote no onion hostname")
            time.sleep(0.1)
        onion = open(hostname_file).read().strip()
        address = onion[:-len(".onion")]
        # Published: at least one upload done and none of those started pending.
        started = done = 0
        while done == 0 or done < started:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure(f"descriptor of {onion} not uploaded ({done}/{started}):\n{log_tail(d)}")
            try:
                line = ctl.line(left)
            except socket.timeout:
                continue
            words = line.split()
            if len(words) >= 4 and words[1] == "HS_DESC" and words[3] == address:
                if words[2] == "UPLOAD":
                    started += 1
                elif words[2] in ("UPLOADED", "FAILED"):
                    done += 1
        t_pub = time.monotonic() - t0
        attempts = 0
        while True:
            attempts += 1
            try:
                socks_echo(proxy, onion, 80, secrets.token_bytes(4096), max(5.0, deadline - time.monotonic()))
                break
            except (Failure, OSError) as e:
                if time.monotonic() > deadline:
                    raise Failure(f"{onion} not reachable after {attempts} attempts: {e}\n{log_tail(d)}")
                print(f"  attempt {attempts}: {e}; trying again", flush=True)
                time.sleep(1)
        return t_pub, time.monotonic() - t0, attempts
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        srv.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("netdir")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--bridge", action="store_true")
    args = ap.parse_args()
    netdir = os.path.abspath(args.netdir)
    env = read_env(netdir)
    # Short: Unix socket paths have a limit of about 100 bytes.
    workdir = tempfile.mkdtemp(prefix="tumar-tor-")
    bridge_proc = None
    try:
        if args.bridge:
            t0 = time.monotonic()
            socks = os.path.join(workdir, "bridgeclient", "socks")
            bridge_proc, d = start_tor(workdir, "bridgeclient", netdir, True, f"SocksPort unix:{socks}\n")
            ctl = Control(os.path.join(d, "control"), t0 + BOOTSTRAP_DEADLINE)
            wait_bootstrap(ctl, d, t0 + BOOTSTRAP_DEADLINE)
            print(f"bridge client: bootstrapped to 100% through the obfs4 bridge "
                  f"in {time.monotonic() - t0:.1f}s", flush=True)
            proxy = (socket.AF_UNIX, socks)
        else:
            proxy = (socket.AF_INET, ("127.0.0.1", int(env["TOR_TESTNET_SOCKS_PORT"])))
        results = []
        for run in range(1, args.runs + 1):
            pub, reach, attempts = one_run(netdir, workdir, proxy, run)
            results.append(reach)
            print(f"onion service {run}: published {pub:.1f}s after its tor started, "
                  f"echoed through {'the bridge' if args.bridge else 'the network client'} "
                  f"after {reach:.1f}s ({attempts} attempt{'s' if attempts > 1 else ''})", flush=True)
        if args.runs > 1:
            print(f"reachable after {min(results):.1f}..{max(results):.1f}s over {args.runs} runs")
        return 0
    except Failure as e:
        print(f"FAILED: {e}", file=sys.stderr)
        return 1
    finally:
        if bridge_proc:
            bridge_proc.terminate()
            try:
                bridge_proc.wait(10)
            except subprocess.TimeoutExpired:
                bridge_proc.kill()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
