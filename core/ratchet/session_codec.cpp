#include "core/ratchet/session_codec.hpp"

#include <cstdlib>
#include <cstring>
#include <string>

#include <sodium.h>

#include "core/crypto/sodium.hpp"
#include "core/error_ids.hpp"
#include "tumar/ratchet.pb.h"

namespace tumar::ratchet {

namespace {

using State = proto::RatchetSessionState;
constexpr std::uint32_t kEndMarker = 1;

tl::unexpected<core::Error> corrupt() {
  return core::fail<core::ErrorId::kRatchetStoredSessionDamaged>(core::Errc::kCorrupt);
}

void wipe_string(std::string* s) {
  if (!s->empty()) sodium_memzero(s->data(), s->size());
  s->clear();
}

// Wipes every bytes field before the message frees them (protobuf would not).
void wipe_proto(State& m) {
  for (auto* s : {m.mutable_root_key(), m.mutable_dh_self_private(), m.mutable_chain_send(), m.mutable_chain_recv(),
                  m.mutable_header_send(), m.mutable_header_recv(), m.mutable_next_header_send(),
                  m.mutable_next_header_recv(), m.mutable_pending_x3dh_header()}) {
    wipe_string(s);
  }
  for (auto& chain : *m.mutable_skipped()) {
    wipe_string(chain.mutable_header_key());
    for (auto& key : *chain.mutable_keys()) wipe_string(key.mutable_message_key());
  }
}

// Clears the message on every exit path, so no early return forgets to.
struct WipeOnExit {
  State& m;
  ~WipeOnExit() { wipe_proto(m); }
};

void put(std::string* field, std::span<const std::uint8_t> bytes) {
  field->assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}
void put(std::string* field, const std::optional<Key>& key) {
  if (key) put(field, key->span());
}

bool is_key(const std::string& s) { return s.size() == kKeyLen; }
bool is_key_or_empty(const std::string& s) { return s.empty() || is_key(s); }

Key key_of(const std::string& s) {
  return Key::copy_of(std::span<const std::uint8_t, kKeyLen>(reinterpret_cast<const std::uint8_t*>(s.data()), kKeyLen));
}
std::optional<Key> optional_key_of(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<Key>(key_of(s));
}
template <std::size_t N>
void copy_into(std::array<std::uint8_t, N>& out, const std::string& s) {
  std::memcpy(out.data(), s.data(), N);
}

bool same(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// Everything the RatchetSession relies on, so no stored state can make it
// abort or misbehave: see the comments in ratchet.proto.
bool valid(const State& m) {
  const bool stamped = m.version() == kSessionStateVersion;
  if ((!stamped && m.version() != kUnstampedSessionStateVersion) || m.associated_data().size() != kAssociatedDataLen) {
    return false;
  }
  if (!is_key(m.root_key()) || !is_key(m.dh_remote()) || !is_key(m.header_send()) ||
      !is_key(m.next_header_send()) || !is_key(m.next_header_recv())) {
    return false;
  }
  if (!is_key_or_empty(m.dh_self_private()) || !is_key_or_empty(m.chain_send()) ||
      !is_key_or_empty(m.chain_recv()) || !is_key_or_empty(m.header_recv())) {
    return false;
  }
  const bool sending = !m.chain_send().empty();
  const bool receiving = !m.chain_recv().empty();
  if (sending != !m.dh_self_private().empty() || receiving != !m.header_recv().empty()) return false;
  if (!sending && !receiving) return false;  // a session that can neither send nor receive
  if (!m.initiator() && !receiving) return false;  // Bob's session exists only after Alice's first message
  const bool pending = !m.pending_x3dh_header().empty();
  if (pending && (m.pending_x3dh_header().size() != kX3dhHeaderPlainLen || !m.initiator() || receiving)) return false;

  std::size_t total = 0;
  for (int c = 0; c < m.skipped_size(); ++c) {
    const auto& chain = m.skipped(c);
    if (!is_key(chain.header_key()) || chain.keys().empty()) return false;
    if (same(chain.header_key(), m.next_header_recv())) return false;  // NHKr has no received chain yet
    for (int d = 0; d < c; ++d) {
      if (same(chain.header_key(), m.skipped(d).header_key())) return false;
    }
    const bool current = receiving && same(chain.header_key(), m.header_recv());
    for (int k = 0; k < chain.keys_size(); ++k) {
      const auto& key = chain.keys(k);
      if (!is_key(key.message_key()) || key.seq() >= m.skipped_next_seq()) return false;
      if (!stamped && key.skipped_at_ms() != 0) return false;  // version 1 had no times
      if (k > 0 && (key.n() <= chain.keys(k - 1).n() || key.seq() <= chain.keys(k - 1).seq())) return false;
      if (current && key.n() >= m.nr()) return false;  // skipped keys lie behind Nr
    }
    total += static_cast<std::size_t>(chain.keys_size());
    if (total > kMaxSkippedKeys) return false;
  }
  return true;
}

}  // namespace

crypto::SecretBuffer encode_session(const RatchetSession& session) {
  const RatchetState& s = session.state();
  State m;
  WipeOnExit wipe{m};
  m.set_version(kSessionStateVersion);
  m.set_initiator(s.initiator);
  put(m.mutable_associated_data(), s.ad);
  put(m.mutable_root_key(), s.root_key.span());
  put(m.mutable_dh_self_private(), s.dh_self);
  put(m.mutable_dh_remote(), s.dh_remote);
  put(m.mutable_chain_send(), s.chain_send);
  put(m.mutable_chain_recv(), s.chain_recv);
  put(m.mutable_header_send(), s.header_send.span());
  put(m.mutable_header_recv(), s.header_recv);
  put(m.mutable_next_header_send(), s.next_header_send.span());
  put(m.mutable_next_header_recv(), s.next_header_recv.span());
  m.set_ns(s.ns);
  m.set_nr(s.nr);
  m.set_pn(s.pn);
  if (s.pending_x3dh) {
    std::array<std::uint8_t, kX3dhHeaderPlainLen> h{};
    encode_x3dh_header(*s.pending_x3dh, h);
    put(m.mutable_pending_x3dh_header(), h);
  }
  for (const auto& chain : s.skipped.chains()) {
    auto* c = m.add_skipped();
    put(c->mutable_header_key(), chain.header_key.span());
    for (const auto& e : chain.entries) {
      auto* k = c->add_keys();
      k->set_n(e.n);
      put(k->mutable_message_key(), e.message_key.span());
      k->set_seq(e.seq);
      k->set_skipped_at_ms(e.skipped_at_ms);  // 0: read from version 1 and not yet through expire()
    }
  }
  m.set_skipped_next_seq(s.skipped.next_seq());
  m.set_end(kEndMarker);
  crypto::SecretBuffer out(m.ByteSizeLong());
  if (!out.empty() && !m.SerializeToArray(out.data(), static_cast<int>(out.size()))) std::abort();
  return out;
}

core::Result<RatchetSession> decode_session(std::span<const std::uint8_t> bytes) {
  if (bytes.size() > kMaxEncodedSessionSize) return corrupt();
  crypto::ensure_sodium();
  State m;
  WipeOnExit wipe{m};
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return corrupt();
  // Canonical only: nothing unknown, repeated or out of order let through;
  // what we would write must be exactly what was read.
  if (m.end() != kEndMarker || m.ByteSizeLong() != bytes.size() || !m.GetReflection()->GetUnknownFields(m).empty()) {
    return corrupt();
  }
  {
    crypto::SecretBuffer again(bytes.size());
    if (!m.SerializeToArray(again.data(), static_cast<int>(again.size())) ||
        !crypto::constant_time_equal(again.span(), bytes)) {
      return corrupt();
    }
  }
  for (const auto& chain : m.skipped()) {
    if (!chain.GetReflection()->GetUnknownFields(chain).empty()) return corrupt();
    for (const auto& key : chain.keys()) {
      if (!key.GetReflection()->GetUnknownFields(key).empty()) return corrupt();
    }
  }
  if (!valid(m)) return corrupt();

  RatchetState s;
  s.initiator = m.initiator();
  copy_into(s.ad, m.associated_data());
  s.root_key = key_of(m.root_key());
  s.dh_self = optional_key_of(m.dh_self_private());
  if (s.dh_self) s.dh_self_public = public_of(*s.dh_self);
  copy_into(s.dh_remote, m.dh_remote());
  s.chain_send = optional_key_of(m.chain_send());
  s.chain_recv = optional_key_of(m.chain_recv());
  s.header_send = key_of(m.header_send());
  s.header_recv = optional_key_of(m.header_recv());
  s.next_header_send = key_of(m.next_header_send());
  s.next_header_recv = key_of(m.next_header_recv());
  s.ns = m.ns();
  s.nr = m.nr();
  s.pn = m.pn();
  if (!m.pending_x3dh_header().empty()) {
    s.pending_x3dh = decode_x3dh_header(std::span<const std::uint8_t, kX3dhHeaderPlainLen>(
        reinterpret_cast<const std::uint8_t*>(m.pending_x3dh_header().data()), kX3dhHeaderPlainLen));
  }
  std::vector<SkippedKeys::Chain> chains;
  chains.reserve(static_cast<std::size_t>(m.skipped_size()));
  for (const auto& c : m.skipped()) {
    SkippedKeys::Chain chain{key_of(c.header_key()), {}};
    chain.entries.reserve(static_cast<std::size_t>(c.keys_size()));
    for (const auto& k : c.keys()) {
      chain.entries.push_back({k.n(), key_of(k.message_key()), k.seq(), k.skipped_at_ms()});
    }
    chains.push_back(std::move(chain));
  }
  s.skipped = SkippedKeys::restore(std::move(chains), m.skipped_next_seq());
  return RatchetSession::from_validated_state(std::move(s));
}

}  // namespace tumar::ratchet
