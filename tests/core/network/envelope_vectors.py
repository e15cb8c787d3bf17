#!/usr/bin/env python3
# Run: python3 tests/core/network/envelope_vectors.py  (needs the "cryptography" package).
# Independent expected values for tests/core/network/envelope_test.cpp
# (EnvelopeVector.*): the signed-message layout, the envelope encoding and the
# object id, computed without libsodium or protobuf:
#   * DeterministicRandom(seed) = ChaCha20-IETF keystream, key = u64le(seed) || 0^16
#     || u64le(call counter), nonce "LibsodiumDRG" (randombytes_buf_deterministic);
#   * LocalIdentity::generate draws the Ed25519 seed, then the Noise secret;
#     seal_envelope then draws the 24-byte nonce;
#   * XChaCha20-Poly1305 = HChaCha20 (below) + ChaCha20-Poly1305-IETF, keyed by
#     the envelope key derived from the epoch key (epoch_subkeys.hpp):
#     crypto_kdf_derive_from_key = BLAKE2b(key = epoch key, salt = u64le(id) || 0^8,
#     personal = context || 0^8), no message;
#   * the recipient tag: BLAKE2b-256 keyed by the recipient-tag subkey;
#   * protobuf encoding written out field by field.
import hashlib, struct
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

def drg(seed, counter, n):
    key = bytearray(struct.pack('<Q', seed) + b'\0' * 24)
    for i in range(8): key[24 + i] ^= (counter >> (8 * i)) & 0xff
    c = Cipher(algorithms.ChaCha20(bytes(key), b'\0\0\0\0' + b'LibsodiumDRG'), mode=None).encryptor()
    return c.update(b'\0' * n)

def rotl(v, c): return ((v << c) & 0xffffffff) | (v >> (32 - c))
def qr(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & 0xffffffff; s[d] = rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & 0xffffffff; s[b] = rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & 0xffffffff; s[d] = rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & 0xffffffff; s[b] = rotl(s[b] ^ s[c], 7)
def hchacha20(key, n16):
    s = list(struct.unpack('<4I', b'expand 32-byte k')) + list(struct.unpack('<8I', key)) + list(struct.unpack('<4I', n16))
    for _ in range(10):
        qr(s, 0, 4, 8, 12); qr(s, 1, 5, 9, 13); qr(s, 2, 6, 10, 14); qr(s, 3, 7, 11, 15)
        qr(s, 0, 5, 10, 15); qr(s, 1, 6, 11, 12); qr(s, 2, 7, 8, 13); qr(s, 3, 4, 9, 14)
    return struct.pack('<8I', *(s[0:4] + s[12:16]))
def xchacha_seal(key, nonce24, pt, ad):
    return ChaCha20Poly1305(hchacha20(key, nonce24[:16])).encrypt(b'\0' * 4 + nonce24[16:], pt, ad)

def varint(v):
    out = b''
    while True:
        b = v & 0x7f; v >>= 7
        if v: out += bytes([b | 0x80])
        else: return out + bytes([b])
def field_varint(n, v): return varint(n << 3) + varint(v) if v else b''
def field_bytes(n, b): return varint((n << 3) | 2) + varint(len(b)) + b if b else b''

def kdf(key, subkey_id, context):
    assert len(context) == 8
    return hashlib.blake2b(b'', digest_size=32, key=key, salt=struct.pack('<Q', subkey_id) + b'\0' * 8,
                           person=context + b'\0' * 8).digest()

seed = drg(7, 0, 32)                      # identity seed
sk = Ed25519PrivateKey.from_private_bytes(seed)
author = sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
nonce = drg(7, 2, 24)                     # call 1 was the Noise secret
epoch_key = bytes(range(32))
network = b'\x11' * 32
# version 2, network, author, kind NOTE, epoch 3, timestamp, seq 5 (field 8)
header = (field_varint(1, 2) + field_bytes(2, network) + field_bytes(3, author) + field_varint(4, 6) +
          field_varint(5, 3) + field_varint(6, 1700000000000) + field_varint(8, 5))
ct = nonce + xchacha_seal(kdf(epoch_key, 1, b'tumarenv'), nonce, b'hello tumar', header)
signed = b'tumar/envelope/v1' + struct.pack('>I', len(header)) + header + ct
sig = sk.sign(signed)
envelope = field_bytes(1, header) + field_bytes(2, ct) + field_bytes(3, sig)
print('author  ', author.hex())
print('nonce   ', nonce.hex())
print('header  ', header.hex())
print('signed_blake2b256', hashlib.blake2b(signed, digest_size=32).hexdigest())
print('envelope', envelope.hex())
print('id      ', hashlib.blake2b(envelope, digest_size=32).hexdigest())
# An epoch key's id (core/network/epoch_key_id.hpp): libsodium's
# crypto_kdf_derive_from_key is BLAKE2b keyed with the key, salt = subkey
# id (u64 little-endian) || 8 zero bytes, personal = context || 8 zero bytes.
key_id = hashlib.blake2b(b'', digest_size=16, key=epoch_key, salt=struct.pack('<Q', 1) + bytes(8),
                         person=b'tmkeyid1' + bytes(8)).hexdigest()
print('key_id  ', key_id)

# EpochSubkeys.*: the two subkeys of epoch keys 0x00..0x1f and 0x01..0x20, and a recipient tag.
for first in (0, 1):
    k = bytes((first + i) & 0xff for i in range(32))
    print('epoch key %02x.. envelope key     ' % first, kdf(k, 1, b'tumarenv').hex())
    print('epoch key %02x.. recipient-tag key' % first, kdf(k, 1, b'tumartag').hex())
recipient = bytes([0x33]) * 32
tag = hashlib.blake2b(b'tumar/dm-tag/v1' + recipient, digest_size=32, key=kdf(epoch_key, 1, b'tumartag')).hexdigest()
print('tag(epoch key 00.., recipient 33..)', tag)
