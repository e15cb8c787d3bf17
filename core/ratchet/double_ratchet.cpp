#include "core/ratchet/double_ratchet.hpp"

#include <cstring>
#include <limits>

#include <sodium.h>

#include "core/error.hpp"
#include "core/error_ids.hpp"
#include "core/ratchet/padding.hpp"

namespace tumar::ratchet {

namespace {

// Every reason a message is not taken looks the same to whoever reads the
// error (WireGuard's habit); the reason is the caller's business only for
// limits, which an honest peer can reach.
tl::unexpected<core::Error> undecryptable() {
  return core::fail<core::ErrorId::kRatchetUndecryptable>(core::Errc::kRefused);
}

tl::unexpected<core::Error> broken_state() {
  return core::fail<core::ErrorId::kRatchetStateDamaged>(core::Errc::kCorrupt);
}

Key copy(const Key& k) { return Key::copy_of(k.span()); }
std::optional<Key> copy(const std::optional<Key>& k) {
  return k ? std::optional<Key>(copy(*k)) : std::nullopt;
}

// SkipMessageKeysHE (§4.4) on copies: advances ck and nr to `until`,
// staging each skipped key under hk. Checks MAX_SKIP first (§3.5).
core::Result<void> skip_message_keys(Key& ck, std::uint32_t& nr, const Key& hk, std::uint32_t until,
                                     std::vector<SkippedKeys::Staged>& staged) {
  if (until > nr && until - nr > kMaxSkip) {
    return core::fail<core::ErrorId::kRatchetTooFarAhead>(core::Errc::kLimit);
  }
  while (nr < until) {
    Key mk;
    kdf_ck(ck, mk);
    staged.push_back(SkippedKeys::Staged{copy(hk), nr, std::move(mk)});
    ++nr;
  }
  return {};
}

}  // namespace

RatchetState RatchetState::clone_without_skipped() const {
  RatchetState c;
  c.initiator = initiator;
  c.ad = ad;
  c.root_key = copy(root_key);
  c.dh_self = copy(dh_self);
  c.dh_self_public = dh_self_public;
  c.dh_remote = dh_remote;
  c.chain_send = copy(chain_send);
  c.chain_recv = copy(chain_recv);
  c.header_send = copy(header_send);
  c.header_recv = copy(header_recv);
  c.next_header_send = copy(next_header_send);
  c.next_header_recv = copy(next_header_recv);
  c.ns = ns;
  c.nr = nr;
  c.pn = pn;
  c.pending_x3dh = pending_x3dh;
  return c;
}

core::Result<RatchetSession> RatchetSession::init_alice(X3dhInitiation x3dh, crypto::RandomSource& rng) {
  RatchetState s;
  s.initiator = true;
  s.ad = x3dh.secrets.ad;
  // DHs = GENERATE_DH(); DHr = bob_dh_public_key (the signed prekey)
  s.dh_self.emplace();
  rng.fill(s.dh_self->span());
  s.dh_self_public = public_of(*s.dh_self);
  s.dh_remote = x3dh.their_signed_prekey;
  // RK, CKs, NHKs = KDF_RK_HE(SK, DH(DHs, DHr))
  Key dh_out;
  if (!dh(*s.dh_self, s.dh_remote, dh_out.span())) return undecryptable();
  s.root_key = std::move(x3dh.secrets.root_key);
  s.chain_send.emplace();
  kdf_rk(s.root_key, dh_out.span(), *s.chain_send, s.next_header_send);
  // HKs = shared_hka; NHKr = shared_nhkb; CKr, HKr = None
  s.header_send = std::move(x3dh.secrets.header_key_a);
  s.next_header_recv = std::move(x3dh.secrets.next_header_key_b);
  s.pending_x3dh = x3dh.header;
  return RatchetSession(std::move(s));
}

RatchetSession RatchetSession::init_bob(SharedSecrets secrets, const SignedPrekeyPair& spk) {
  RatchetState s;
  s.initiator = false;
  s.ad = secrets.ad;
  s.dh_self = copy(spk.private_key);  // DHs = bob_dh_key_pair; wiped at the first DH ratchet step
  s.dh_self_public = spk.pub.key;
  s.root_key = std::move(secrets.root_key);  // RK = SK (expanded, x3dh.hpp)
  // HKs = None (header_send is overwritten by NHKs at the first step); NHKs = shared_nhkb; NHKr = shared_hka
  s.next_header_send = std::move(secrets.next_header_key_b);
  s.next_header_recv = std::move(secrets.header_key_a);
  return RatchetSession(std::move(s));
}

core::Result<std::vector<std::uint8_t>> RatchetSession::encrypt(std::span<const std::uint8_t> plaintext,
                                                               std::span<const std::uint8_t> ad,
                                                               crypto::RandomSource& rng) {
  if (!state_.chain_send && !state_.chain_recv) {
    core::misuse("ratchet: encrypt before the session received its first message");
  }
  if (state_.ns == std::numeric_limits<std::uint32_t>::max()) {
    return core::fail<core::ErrorId::kRatchetTooManySent>(core::Errc::kLimit);
  }
  TUMAR_TRY_ASSIGN(padded, pad(plaintext));
  const MessageType type = state_.pending_x3dh ? MessageType::kInitial : MessageType::kNormal;
  std::vector<std::uint8_t> out(message_size(type, padded.size()));
  out[0] = static_cast<std::uint8_t>(type);
  std::size_t pos = kTypeLen;
  if (state_.pending_x3dh) {
    // Sealed afresh each time, so two initial messages share no bytes a
    // carrier could match. While Alice waits for Bob, DHr is his signed prekey.
    if (!seal_x3dh_header(*state_.pending_x3dh, state_.dh_remote, rng,
                          std::span<std::uint8_t, kX3dhSealedLen>(out.data() + pos, kX3dhSealedLen))) {
      return broken_state();
    }
    pos += kX3dhSealedLen;
  }

  if (!state_.chain_send) {
    // The sending half of DHRatchetHE, deferred to now (see the header):
    // DHs = GENERATE_DH(); RK, CKs, NHKs = KDF_RK_HE(RK, DH(DHs, DHr)).
    Key self;
    rng.fill(self.span());
    Key dh_out;
    // DHr authenticated with its message and gave a non-zero DH then, so
    // this fails only for a corrupted stored state; nothing has changed yet.
    if (!dh(self, state_.dh_remote, dh_out.span())) return broken_state();
    state_.dh_self = std::move(self);
    state_.dh_self_public = public_of(*state_.dh_self);
    state_.chain_send.emplace();
    kdf_rk(state_.root_key, dh_out.span(), *state_.chain_send, state_.next_header_send);
  }

  // mk, CKs = KDF_CK(CKs); header = HEADER(DHs, PN, Ns); Ns += 1
  Key mk;
  kdf_ck(*state_.chain_send, mk);
  const RatchetHeader header{state_.dh_self_public, state_.pn, state_.ns};
  ++state_.ns;
  const std::span<std::uint8_t, kHeaderLen> enc_header(out.data() + pos, kHeaderLen);
  seal_header(state_.header_send, header, rng, enc_header);
  pos += kHeaderLen;
  // ENCRYPT(mk, plaintext, CONCAT(AD, prefix)) with the caller's ad last.
  // DR §4 puts only enc_header there; we bind every byte before the body
  // (type || sealed X3DH header || enc_header), so a carrier cannot alter
  // the sealed header, or strip it and retype an initial message as normal,
  // and still have the copy accepted by an existing session.
  const auto prefix = std::span<const std::uint8_t>(out).first(pos);
  seal_body(mk, {state_.ad, prefix, ad}, padded.span(), std::span(out).subspan(pos));
  return out;
}

bool RatchetSession::recognizes(std::span<const std::uint8_t> message) const {
  const auto parsed = parse_message(message);
  if (!parsed) return false;
  RatchetHeader h;
  return (state_.header_recv && open_header(*state_.header_recv, parsed->header, h)) ||
         open_header(state_.next_header_recv, parsed->header, h) || state_.skipped.recognizes(parsed->header);
}

core::Result<crypto::SecretBuffer> RatchetSession::decrypt(std::span<const std::uint8_t> message,
                                                          std::span<const std::uint8_t> ad, std::uint64_t now_ms) {
  const auto parsed = parse_message(message);
  if (!parsed) return undecryptable();
  crypto::SecretBuffer plaintext(parsed->body.size() - kAeadTagLen);

  // TrySkippedMessageKeysHE: a key stored for this header is used once, then deleted.
  if (const auto hit = state_.skipped.find(parsed->header)) {
    if (!open_body(state_.skipped.message_key(*hit), {state_.ad, parsed->prefix, ad}, parsed->body,
                   plaintext.span()) ||
        !unpad(plaintext)) {
      return undecryptable();
    }
    state_.skipped.erase(*hit);
    return plaintext;
  }

  std::vector<SkippedKeys::Staged> staged;
  RatchetHeader h;
  if (state_.header_recv && open_header(*state_.header_recv, parsed->header, h)) {
    // Current receiving chain: only CKr and Nr change, so only they are
    // copied. A number below Nr whose key is not stored was received
    // already (or its key was deleted as too old): a replay.
    if (h.n < state_.nr || h.n == std::numeric_limits<std::uint32_t>::max()) return undecryptable();
    Key ck = copy(*state_.chain_recv);
    std::uint32_t nr = state_.nr;
    TUMAR_TRY(skip_message_keys(ck, nr, *state_.header_recv, h.n, staged));
    Key mk;
    kdf_ck(ck, mk);
    ++nr;
    if (!open_body(mk, {state_.ad, parsed->prefix, ad}, parsed->body, plaintext.span()) || !unpad(plaintext)) {
      return undecryptable();
    }
    *state_.chain_recv = std::move(ck);
    state_.nr = nr;
    state_.skipped.commit(staged, now_ms);
    return plaintext;
  }
  if (!open_header(state_.next_header_recv, parsed->header, h)) return undecryptable();

  // A new ratchet public key: the receiving half of DHRatchetHE (§4.4),
  // on a copy of the state that replaces state_ only on success.
  if (!state_.dh_self) return undecryptable();  // an honest peer answers our DHs only after we sent it
  if (h.n == std::numeric_limits<std::uint32_t>::max()) return undecryptable();  // Nr would wrap
  RatchetState next = state_.clone_without_skipped();
  if (next.chain_recv) {
    TUMAR_TRY(skip_message_keys(*next.chain_recv, next.nr, *next.header_recv, h.pn, staged));
  }
  next.pn = next.ns;
  next.ns = 0;
  next.nr = 0;
  next.header_send = std::move(next.next_header_send);
  next.header_recv = std::move(next.next_header_recv);
  next.next_header_send = Key();  // replaced by KDF_RK_HE at our next send
  next.next_header_recv = Key();
  next.dh_remote = h.dh;
  Key dh_out;
  if (!dh(*next.dh_self, next.dh_remote, dh_out.span())) return undecryptable();
  next.chain_recv.emplace();
  kdf_rk(next.root_key, dh_out.span(), *next.chain_recv, next.next_header_recv);
  next.dh_self.reset();  // wiped: no later message needs it (forward secrecy)
  next.chain_send.reset();
  TUMAR_TRY(skip_message_keys(*next.chain_recv, next.nr, *next.header_recv, h.n, staged));
  Key mk;
  kdf_ck(*next.chain_recv, mk);
  ++next.nr;
  if (!open_body(mk, {next.ad, parsed->prefix, ad}, parsed->body, plaintext.span()) || !unpad(plaintext)) {
    return undecryptable();
  }
  // Commit. Hearing from Bob ends Alice's initial messages.
  next.pending_x3dh.reset();
  next.skipped = std::move(state_.skipped);
  next.skipped.commit(staged, now_ms);
  state_ = std::move(next);
  return plaintext;
}

identity::IdentityKey RatchetSession::peer_identity_key() const {
  identity::IdentityKey k{};
  std::memcpy(k.data(), state_.ad.data() + (state_.initiator ? 64 : 0), k.size());
  return k;
}

identity::NoiseKey RatchetSession::peer_noise_key() const {
  identity::NoiseKey k{};
  std::memcpy(k.data(), state_.ad.data() + (state_.initiator ? 64 : 0) + 32, k.size());
  return k;
}

}  // namespace tumar::ratchet
