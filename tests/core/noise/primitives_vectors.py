#!/usr/bin/env python3
# Run: python3 tests/core/noise/primitives_vectors.py  (needs the "cryptography" package
# for the ChaChaPoly lines). Uses Python's own hashlib/hmac, not libsodium, so the
# values in primitives_test.cpp are computed independently of the code under test.
# Independent expected values for tests/core/noise/primitives_test.cpp.
import hashlib, hmac
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
H=lambda d: hashlib.blake2b(d, digest_size=64).digest()
def HM(k,d): return hmac.new(k,d,lambda d=b'': hashlib.blake2b(d, digest_size=64)).digest()
def hkdf(ck, ikm, n):
    t=HM(ck,ikm); o1=HM(t,b'\x01'); o2=HM(t,o1+b'\x02'); o3=HM(t,o2+b'\x03')
    return [o1,o2,o3][:n]
print("hmac_k64", HM(bytes(range(64)), b'tumar').hex())
print("hmac_empty", HM(b'', b'').hex())
print("hmac_k128", HM(bytes(range(128)), b'x').hex())
print("hmac_k200", HM(bytes(i%256 for i in range(200)), b'long key').hex())
ck=bytes(range(0x40,0x80)); ikm=bytes(range(32))
for i,o in enumerate(hkdf(ck,ikm,3)): print("hkdf",i+1,o.hex())
for i,o in enumerate(hkdf(ck,b'',2)): print("hkdf_empty",i+1,o.hex())
name=b"Noise_XX_25519_ChaChaPoly_BLAKE2b_with_a_deliberately_long_suffix_xyz"
print("longname", len(name), H(name).hex())
k=bytes(range(32))
nonce=lambda n: b'\0'*4+n.to_bytes(8,'little')
print("aead_n5", ChaCha20Poly1305(k).encrypt(nonce(5), b'hello', b'ad').hex())
print("rekey", ChaCha20Poly1305(k).encrypt(nonce(2**64-1), b'\0'*32, b'')[:32].hex())
