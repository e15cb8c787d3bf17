#!/usr/bin/env python3
# Run: python3 tests/core/invite/invite_vectors.py
# Independent expected values for tests/core/invite/*_test.cpp, computed with
# Python's own hashlib.blake2b and a base32 written here, not with libsodium
# or the code under test. docs/PROTOCOL.md, "Invites", is the specification.
import hashlib

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford, lowercase


def b32(data: bytes) -> str:
    bits = "".join(f"{b:08b}" for b in data)
    bits += "0" * (-len(bits) % 5)
    return "".join(ALPHABET[int(bits[i:i + 5], 2)] for i in range(0, len(bits), 5))


def code(network: bytes, inviter: bytes, address: str, secret: bytes, expires_at: int, version: int = 2,
         demo: bool = False, kind_byte=None, prefix=None) -> str:
    a = address.encode()
    head = bytes([version])
    if version != 1:  # version 1 had no kind byte
        head += bytes([(1 if demo else 0) if kind_byte is None else kind_byte])
    binary = head + network + inviter + len(a).to_bytes(2, "big") + a + secret + expires_at.to_bytes(8, "big")
    checksum = hashlib.blake2b(binary, digest_size=32).digest()[:4]
    if prefix is None:
        prefix = "tumar-demo-invite-" if demo else "tumar-invite-"
    return prefix + b32(binary + checksum)


network = bytes(range(0x00, 0x20))
inviter = bytes(range(0x20, 0x40))
secret = bytes(range(0x40, 0x60))
expires = 1767225600  # 2026-01-01T00:00:00Z

print("code_v4", code(network, inviter, "127.0.0.1:7420", secret, expires))
print("code_v6", code(network, inviter, "[2001:db8::1]:443", secret, 0))
print("code_name", code(bytes(32), bytes([0xff] * 32), "lead.example.org:7420", bytes([0xff] * 32), 2**64 - 1))
print("code_demo", code(network, inviter, "127.0.0.1:7420", secret, expires, demo=True))
print("code_version1", code(network, inviter, "127.0.0.1:7420", secret, expires, version=1))
print("code_version3", code(network, inviter, "127.0.0.1:7420", secret, expires, version=3))
print("code_version0", code(network, inviter, "127.0.0.1:7420", secret, expires, version=0))
print("code_demo_byte_real_prefix", code(network, inviter, "127.0.0.1:7420", secret, expires, demo=True,
                                         prefix="tumar-invite-"))
print("code_real_byte_demo_prefix", code(network, inviter, "127.0.0.1:7420", secret, expires,
                                         prefix="tumar-demo-invite-"))
print("code_kind_byte_2", code(network, inviter, "127.0.0.1:7420", secret, expires, kind_byte=2))
print("code_noncanonical_port", code(network, inviter, "127.0.0.1:07420", secret, expires))
print("code_bad_address", code(network, inviter, "127.0.0.1:0", secret, expires))

print("invite_id", hashlib.blake2b(b"tumar/invite-id/v1", digest_size=16, key=secret).hexdigest())
h = bytes(range(0x80, 0xC0))
print("mac_real", hashlib.blake2b(b"tumar/invite-proof/v2" + h + b"\x00", digest_size=32, key=secret).hexdigest())
print("mac_demo", hashlib.blake2b(b"tumar/invite-proof/v2" + h + b"\x01", digest_size=32, key=secret).hexdigest())
