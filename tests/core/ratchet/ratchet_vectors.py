# Expected values for tests/core/ratchet/kdf_test.cpp, computed with Python's
# hmac/hashlib only (independent of libsodium and of core/ratchet).
import hmac, hashlib
def hm(k,m): return hmac.new(k,m,hashlib.sha256).digest()
def hkdf(salt,ikm,info,L):
    prk=hm(salt if salt else b'\0'*32,ikm); t=b''; o=b''; i=1
    while len(o)<L:
        t=hm(prk,t+info+bytes([i])); o+=t; i+=1
    return o[:L]
rk=bytes(range(32)); dh=bytes(range(32,64)); ck=bytes(range(64,96)); mk=bytes(range(96,128))
print("rk", hkdf(rk,dh,b"tumar/ratchet/root/v1",96).hex())
print("ck", hm(ck,b'\x01').hex(), hm(ck,b'\x02').hex())
print("mk", hkdf(b'\0'*32,mk,b"tumar/ratchet/message/v1",56).hex())
ikm=b'\xff'*32+bytes(range(128,224))
sk=hkdf(b'\0'*32,ikm,b"tumar/x3dh/v1",32)
print("sk", sk.hex())
print("init", hkdf(b'\0'*32,sk,b"tumar/ratchet/init/v1",96).hex())
