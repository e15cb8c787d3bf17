#!/usr/bin/env python3
# Run: python3 tests/core/tor/client_auth_vector.py  (standard library only).
# Computes the known answer in client_auth_test.cpp without libsodium, from
# docs/PROTOCOL.md ("Onion client authorisation") alone: hashlib's keyed
# BLAKE2b and RFC 7748's X25519 ladder, itself checked against RFC 7748 6.1.
import hashlib
secret = bytes(range(32))  # 00 01 .. 1f
ctx = b"tumar onion client auth v1"
k = bytearray(hashlib.blake2b(ctx, digest_size=32, key=secret).digest())
k[0] &= 248; k[31] &= 127; k[31] |= 64
p = 2**255 - 19
def x25519(kb, u):
    k = int.from_bytes(kb, 'little')
    k &= ~7; k &= ~(128 << 8*31); k |= 64 << 8*31
    x1, x2, z2, x3, z3, swap = u, 1, 0, u, 1, 0
    for t in reversed(range(255)):
        kt = (k >> t) & 1
        swap ^= kt
        if swap: x2, x3, z2, z3 = x3, x2, z3, z2
        swap = kt
        A = x2 + z2; AA = A*A; B = x2 - z2; BB = B*B; E = AA - BB
        C = x3 + z3; D = x3 - z3; DA = D*A; CB = C*B
        x3 = (DA + CB)**2 % p; z3 = x1 * (DA - CB)**2 % p
        x2 = AA*BB % p; z2 = E*(AA + 121665*E) % p
    if swap: x2, x3, z2, z3 = x3, x2, z3, z2
    return (x2 * pow(z2, p-2, p) % p).to_bytes(32, 'little')
# RFC 7748 6.1 check of the ladder itself
a = bytes.fromhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
assert x25519(a, 9).hex() == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
print("private", bytes(k).hex())
print("public ", x25519(bytes(k), 9).hex())
