#include "core/direct/peer_bundle.hpp"

#include <algorithm>
#include <cstring>
#include <tuple>

#include "core/network/envelope.hpp"
#include "core/network/payload_codec.hpp"
#include "core/store/bind.hpp"
#include "tumar/network.pb.h"

namespace tumar::direct {
namespace {

core::Result<bool> used_before(store::Database& db, const network::NetworkId& net, const identity::IdentityKey& peer,
                               std::uint32_t id) {
  TUMAR_TRY_ASSIGN(st, store::prepare_bound(
      db, "SELECT 1 FROM dm_used_prekey WHERE network_id = ?1 AND peer = ?2 AND prekey_id = ?3", net, peer,
      static_cast<std::int64_t>(id)));
  TUMAR_TRY_ASSIGN(row, st.step());
  return row;
}

}  // namespace

core::Result<std::optional<ratchet::PrekeyBundle>> peer_bundle(network::NetworkReplica& replica,
                                                               const network::NetworkId& net,
                                                               const network::MemberRecord& peer,
                                                               const identity::IdentityKey& me) {
  const auto& key = peer.identity.identity_key;
  TUMAR_TRY_ASSIGN(objects, replica.store().objects_about(net, network::Kind::kPrekeys, key));
  // Newest first; the first one we can open and decode wins.
  std::vector<network::StoredObject> mine;
  for (auto& o : objects) {
    if (o.author == key) mine.push_back(o);
  }
  std::sort(mine.begin(), mine.end(), [](const auto& a, const auto& b) {
    return std::tie(a.lamport, a.id) > std::tie(b.lamport, b.id);
  });
  for (const auto& o : mine) {
    TUMAR_TRY_ASSIGN(bytes, replica.store().envelope(o.id));
    if (!bytes) continue;
    auto env = network::verify_envelope_bytes(*bytes);
    if (!env) continue;
    TUMAR_TRY_ASSIGN(keys, replica.store().epoch_keys(net, env->header().epoch));
    std::optional<std::string> plain;
    for (const auto& k : keys) {
      if ((plain = env->open(k))) break;
    }
    if (!plain) continue;
    auto decoded = network::decode_prekeys(*plain);
    if (!decoded) continue;
    ratchet::PrekeyBundle b;
    b.identity = peer.identity;
    b.signed_prekey.id = decoded->signed_prekey_id();
    b.signed_prekey.key = network::to_array<32>(decoded->signed_prekey());
    b.signed_prekey.signature = network::to_array<64>(decoded->signed_prekey_signature());
    for (const auto& opk : decoded->one_time_prekeys()) {
      if (opk.sender().size() != me.size() || std::memcmp(opk.sender().data(), me.data(), me.size()) != 0) continue;
      TUMAR_TRY_ASSIGN(used, used_before(replica.store().database(), net, key, opk.id()));
      if (!used) b.one_time_prekey = ratchet::OneTimePrekeyPublic{opk.id(), network::to_array<32>(opk.key())};
      break;
    }
    return std::optional<ratchet::PrekeyBundle>(std::move(b));
  }
  return std::optional<ratchet::PrekeyBundle>{};
}

}  // namespace tumar::direct
