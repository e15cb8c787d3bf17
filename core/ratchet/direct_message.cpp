#include "core/ratchet/direct_message.hpp"

#include "core/error_ids.hpp"
#include "core/ratchet/message_format.hpp"
#include "core/ratchet/x3dh.hpp"

namespace tumar::ratchet {

namespace {

tl::unexpected<core::Error> undecryptable() {
  return core::fail<core::ErrorId::kRatchetUndecryptable>(core::Errc::kRefused);
}

}  // namespace

core::Result<RatchetSession> start_session(const identity::LocalIdentity& me, const VerifiedBundle& bob,
                                           crypto::RandomSource& rng) {
  TUMAR_TRY_ASSIGN(x3dh, x3dh_initiate(me, bob, rng));
  return RatchetSession::init_alice(std::move(x3dh), rng);
}

core::Result<AcceptedSession> accept_initial(const identity::LocalIdentity& me,
                                             std::span<const SignedPrekeyPair> signed_prekeys,
                                             const OneTimePrekeyLookup& one_time_prekey,
                                             std::span<const std::uint8_t> message, std::span<const std::uint8_t> ad,
                                             std::uint64_t now_ms) {
  const auto parsed = parse_message(message);
  if (!parsed || parsed->type != MessageType::kInitial) return undecryptable();
  TUMAR_TRY_ASSIGN(opened, open_x3dh_header(parsed->x3dh_sealed, signed_prekeys));
  std::optional<OneTimePrekeyPair> opk;
  if (opened.header.one_time_prekey_id != kNoPrekeyId) {
    TUMAR_TRY_ASSIGN(found, one_time_prekey(opened.header.one_time_prekey_id));
    // Used and deleted already: this is a replay of an initial message (or
    // its session was deleted). Refused rather than run without DH4.
    if (!found) return undecryptable();
    opk = std::move(found);
  }
  const SignedPrekeyPair& spk = signed_prekeys[opened.signed_prekey_index];
  TUMAR_TRY_ASSIGN(secrets, x3dh_respond(me, spk, opk ? &*opk : nullptr, opened.header));
  auto session = RatchetSession::init_bob(std::move(secrets), spk);
  TUMAR_TRY_ASSIGN(plaintext, session.decrypt(message, ad, now_ms));
  return AcceptedSession{std::move(session), opened.sender, std::move(plaintext), spk.pub.id,
                         opk ? std::optional<std::uint32_t>(opk->pub.id) : std::nullopt};
}

core::Result<AcceptedSession> accept_initial(const identity::LocalIdentity& me,
                                             std::span<const SignedPrekeyPair> signed_prekeys,
                                             std::span<const OneTimePrekeyPair> one_time_prekeys,
                                             std::span<const std::uint8_t> message, std::span<const std::uint8_t> ad,
                                             std::uint64_t now_ms) {
  const OneTimePrekeyLookup in_hand =
      [one_time_prekeys](std::uint32_t id) -> core::Result<std::optional<OneTimePrekeyPair>> {
    for (const auto& candidate : one_time_prekeys) {
      if (candidate.pub.id == id) {
        return std::optional<OneTimePrekeyPair>(OneTimePrekeyPair{candidate.pub, Key::copy_of(candidate.private_key.span())});
      }
    }
    return std::optional<OneTimePrekeyPair>{};
  };
  return accept_initial(me, signed_prekeys, in_hand, message, ad, now_ms);
}

core::Result<Routing> route_message(std::span<const RatchetSession* const> sessions,
                                    std::span<const std::uint8_t> message) {
  const auto parsed = parse_message(message);
  if (!parsed) return undecryptable();
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    if (sessions[i] != nullptr && sessions[i]->recognizes(message)) return Routing{Route::kSession, i};
  }
  if (parsed->type == MessageType::kInitial) return Routing{Route::kNewSession, 0};
  return undecryptable();
}

}  // namespace tumar::ratchet
