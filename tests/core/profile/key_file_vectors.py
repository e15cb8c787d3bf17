#!/usr/bin/env python3
# Run: python3 tests/core/profile/key_file_vectors.py  (needs the "cryptography"
# package, >= 44 for Argon2id). Computes the known answers in key_file_test.cpp
# without libsodium, from docs/KEYFILE.md alone, so the C++ code is checked
# against an independent reading of the format.
import struct, hashlib
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

def rotl(v, c): return ((v << c) & 0xffffffff) | (v >> (32 - c))
def qr(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & 0xffffffff; s[d] = rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & 0xffffffff; s[b] = rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & 0xffffffff; s[d] = rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & 0xffffffff; s[b] = rotl(s[b] ^ s[c], 7)
def hchacha20(key, nonce16):
    s = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574] + list(struct.unpack('<8I', key)) + list(struct.unpack('<4I', nonce16))
    for _ in range(10):
        qr(s,0,4,8,12); qr(s,1,5,9,13); qr(s,2,6,10,14); qr(s,3,7,11,15)
        qr(s,0,5,10,15); qr(s,1,6,11,12); qr(s,2,7,8,13); qr(s,3,4,9,14)
    return struct.pack('<8I', *(s[0:4] + s[12:16]))
def xchacha_seal(key, nonce24, pt, ad):
    sub = hchacha20(key, nonce24[:16])
    return ChaCha20Poly1305(sub).encrypt(b'\0\0\0\0' + nonce24[16:], pt, ad)

# RFC draft-irtf-cfrg-xchacha test for hchacha20
k = bytes(range(32)); n = bytes.fromhex('000000090000004a0000000031415927')
assert hchacha20(k, n).hex() == '82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc'

class Scripted:
    def __init__(self, start): self.next = start
    def fill(self, n):
        out = bytes((self.next + i) & 0xff for i in range(n)); self.next = (self.next + n) & 0xff; return out

passphrase = b'correct horse battery staple'
ops, mem = 1, 8192
master = bytes(0xa0 + i for i in range(32))
dbid = bytes(0xc0 + i for i in range(16))
rng = Scripted(0)
salt = rng.fill(16)
header = b'TUMARKF1' + bytes([1, 2]) + bytes(6) + struct.pack('<QQ', ops, mem) + salt
assert len(header) == 48
key = Argon2id(salt=salt, length=32, iterations=ops, lanes=1, memory_cost=mem // 1024).derive(passphrase)
print('header', header.hex())
print('wrapping_key', key.hex())
nonce = rng.fill(24)
pt = bytes([1]) + master + dbid + bytes([0]) + bytes(78)
assert len(pt) == 128
slot0 = nonce + xchacha_seal(key, nonce, pt, header + b'\x00')
slot1 = rng.fill(168)
f = header + slot0 + slot1
assert len(f) == 384
print('slot0', slot0.hex())
print('file_sha256', hashlib.sha256(f).hexdigest())
# Duress slot: key from "duress words", nonce 0x30.., name "Aigerim"
dkey = Argon2id(salt=salt, length=32, iterations=ops, lanes=1, memory_cost=mem // 1024).derive(b'duress words')
print('duress_key', dkey.hex())
name = 'Aigerim'.encode()
dpt = bytes([2]) + bytes(0x60 + i for i in range(32)) + bytes(0x80 + i for i in range(16)) + bytes([len(name)]) + name + bytes(78 - len(name))
dn = bytes(0x90 + i for i in range(24))
slot1d = dn + xchacha_seal(dkey, dn, dpt, header + b'\x01')
print('duress_slot_sha256', hashlib.sha256(slot1d).hexdigest())
print('duress_file_sha256', hashlib.sha256(header + slot0 + slot1d).hexdigest())
