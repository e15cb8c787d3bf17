#!/usr/bin/env python3
# How many v3 client-auth keys one onion service can list (docs/PROTOCOL.md,
# "How many client keys one service can list"; cli/tor_mode.hpp,
# kMaxOnionClients). On a running private network (scripts/tor-testnet):
#
#   tests/tools/onion_client_limit.py NETDIR 352 368 384
#
# For each N: ADD_ONION on the network's client tor with N random keys, then
# wait up to 60 s for HS_DESC UPLOADED; prints whether it was uploaded. A
# descriptor over tor's size limit is accepted by ADD_ONION and then never
# uploaded (tor logs "HS descriptor that's too big").
import base64, os, socket, sys, time
netdir = sys.argv[1]
ctl = netdir + "/client/control"; cookie = open(netdir + "/client/control_auth_cookie", "rb").read()
def conn():
    s = socket.socket(socket.AF_UNIX); s.connect(ctl); s.settimeout(5)
    f = s.makefile('rwb', buffering=0)
    return s, f
def cmd(f, line):
    f.write((line + "\r\n").encode())
    out = []
    while True:
        l = f.readline().decode().rstrip("\r\n")
        out.append(l)
        if len(l) >= 4 and l[3] == ' ' and not l.startswith('650'):
            return out
s, f = conn()
print(cmd(f, "AUTHENTICATE " + cookie.hex())[-1])
print(cmd(f, "SETEVENTS HS_DESC")[-1])
for n in [int(x) for x in sys.argv[2:]]:
    keys = " ".join("ClientAuthV3=" + base64.b32encode(os.urandom(32)).decode().rstrip("=") for _ in range(n))
    t0 = time.time()
    r = cmd(f, "ADD_ONION NEW:ED25519-V3 Flags=V3Auth,DiscardPK Port=80,127.0.0.1:9 " + keys)
    if not r[-1].startswith("250"):
        print(n, "ADD_ONION refused:", r[-1][:200]); continue
    sid = [l for l in r if "ServiceID=" in l][0].split("=")[1]
    uploaded = failed = 0; reasons = set()
    deadline = time.time() + 60
    while time.time() < deadline and uploaded == 0:
        try:
            l = f.readline().decode().rstrip()
        except (TimeoutError, socket.timeout):
            continue
        if l.startswith("650 HS_DESC") and sid in l:
            if " UPLOADED " in l: uploaded += 1
            if " FAILED " in l:
                failed += 1; reasons.add(l.split("REASON=")[-1] if "REASON=" in l else l[-80:])
    print(n, "uploaded" if uploaded else "NOT uploaded", "failures", failed, sorted(reasons)[:3], "%.1fs" % (time.time() - t0))
    cmd(f, "DEL_ONION " + sid)
