#include "core/network/payload_codec.hpp"

#include <tuple>

#include "core/error_ids.hpp"
#include "core/identity/identity.hpp"
#include "core/network/object_limits.hpp"
#include "core/peers/peer_address.hpp"
#include "tumar/network.pb.h"

namespace tumar::network {
namespace {

using core::ErrorId;

template <ErrorId Id, typename... Values>
tl::unexpected<core::Error> refused(Values&&... values) {
  return core::fail<Id>(core::Errc::kRefused, std::forward<Values>(values)...);
}

template <typename Message>
core::Result<Message> decode_strict(std::string_view payload, const char* what) {
  Message m;
  if (payload.size() > kMaxPayloadLen || !m.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return refused<ErrorId::kPayloadMalformed>(what);
  }
  m.DiscardUnknownFields();
  if (m.SerializeAsString() != payload) {
    return refused<ErrorId::kPayloadNotCanonical>(what);
  }
  return m;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) { n = 1; cp = c; }
    else if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; }
    else return false;
    if (i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and out-of-range code points.
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n;
  }
  return true;
}

core::Result<void> check_list(std::string_view what, const google::protobuf::RepeatedPtrField<std::string>& items) {
  if (static_cast<std::size_t>(items.size()) > kMaxListItems) {
    return refused<ErrorId::kPayloadTooManyEntries>(what, kMaxListItems);
  }
  for (const auto& item : items) {
    if (item.empty()) return refused<ErrorId::kPayloadEmptyEntry>(what);
    if (auto r = check_text(what, item, kMaxListItemBytes); !r) return r;
  }
  return {};
}

}  // namespace

core::Result<void> check_text(std::string_view what, std::string_view text, std::size_t max_bytes, bool multiline) {
  if (text.size() > max_bytes) {
    return refused<ErrorId::kPayloadTextTooLong>(what, max_bytes);
  }
  if (!valid_utf8(text)) return refused<ErrorId::kPayloadTextNotUtf8>(what);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    // Terminal escape sequences in a note would be replayed on every
    // member's screen: no control characters at all, bar line breaks.
    // That includes the C1 controls U+0080..U+009F (UTF-8 C2 80..C2 9F):
    // U+009B is CSI, which terminals honouring C1 controls act on.
    const bool c1 = c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xA0;
    if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t'))) || c == 0x7F || c1) {
      return refused<ErrorId::kPayloadTextControl>(what);
    }
    // Bidirectional embeddings, overrides and isolates (U+202A..U+202E,
    // U+2066..U+2069) reorder what a terminal shows, so a title could
    // display one hotline number while holding another ("Trojan Source",
    // CVE-2021-42574). The marks U+200E/U+200F, which reorder nothing
    // beyond themselves, stay allowed for right-to-left text.
    if (c == 0xE2 && i + 2 < text.size()) {
      const auto c2 = static_cast<unsigned char>(text[i + 1]);
      const auto c3 = static_cast<unsigned char>(text[i + 2]);
      if ((c2 == 0x80 && c3 >= 0xAA && c3 <= 0xAE) || (c2 == 0x81 && c3 >= 0xA6 && c3 <= 0xA9)) {
        return refused<ErrorId::kPayloadTextBidi>(what);
      }
    }
  }
  return {};
}

core::Result<proto::Genesis> decode_genesis(std::string_view payload) {
  auto g = decode_strict<proto::Genesis>(payload, "genesis");
  if (!g) return g;
  if (g->name().empty()) return refused<ErrorId::kPayloadNetworkNoName>();
  TUMAR_TRY(check_text("network_name", g->name(), kMaxNetworkNameBytes));
  if (!g->has_founder()) return refused<ErrorId::kPayloadGenesisNoFounder>();
  return g;
}

core::Result<proto::Admission> decode_admission(std::string_view payload) {
  auto a = decode_strict<proto::Admission>(payload, "admission");
  if (!a) return a;
  if (!a->has_member()) return refused<ErrorId::kPayloadAdmissionNoMember>();
  if (a->role() != proto::MEMBER && a->role() != proto::LEAD) {
    return refused<ErrorId::kPayloadAdmissionRole>();
  }
  return a;
}

core::Result<proto::Removal> decode_removal(std::string_view payload) {
  auto r = decode_strict<proto::Removal>(payload, "removal");
  if (!r) return r;
  if (r->member().size() != identity::kIdentityKeySize) return refused<ErrorId::kPayloadRemovalKey>();
  if (r->last_seq() > kMaxCounter) return refused<ErrorId::kPayloadRemovalSeq>();
  return r;
}

core::Result<proto::EpochStart> decode_epoch_start(std::string_view payload) {
  auto e = decode_strict<proto::EpochStart>(payload, "epoch_start");
  if (!e) return e;
  const bool removal = e->reason() == proto::EPOCH_REMOVAL;
  if (!removal && e->reason() != proto::EPOCH_REKEY) return refused<ErrorId::kPayloadEpochNoReason>();
  if (removal ? e->removal().size() != 32 : !e->removal().empty()) {
    return refused<ErrorId::kPayloadEpochRemoval>();
  }
  return e;
}

core::Result<proto::MemberProfile> decode_profile(std::string_view payload) {
  auto p = decode_strict<proto::MemberProfile>(payload, "profile");
  if (!p) return p;
  if (p->lamport() > kMaxCounter) return refused<ErrorId::kPayloadProfileClock>();
  if (p->display_name().empty()) return refused<ErrorId::kPayloadProfileNoName>();
  for (auto [what, text, max] : {std::tuple{"display_name", &p->display_name(), kMaxNameBytes},
                                 std::tuple{"organisation", &p->organisation(), kMaxNameBytes},
                                 std::tuple{"region", &p->region(), kMaxNameBytes},
                                 std::tuple{"contact", &p->contact(), kMaxContactBytes}}) {
    TUMAR_TRY(check_text(what, *text, max));
  }
  TUMAR_TRY(check_list("languages", p->languages()));
  TUMAR_TRY(check_list("services", p->services()));
  // Each address exactly as parse_peer_address spells it back, none twice:
  // one canonical encoding, and nothing a member's node could not dial.
  if (static_cast<std::size_t>(p->addresses().size()) > kMaxProfileAddresses) {
    return refused<ErrorId::kPayloadProfileAddress>(kMaxProfileAddresses);
  }
  for (int i = 0; i < p->addresses().size(); ++i) {
    const std::string& a = p->addresses(i);
    auto parsed = peers::parse_peer_address(a);
    if (!parsed || parsed->to_string() != a) return refused<ErrorId::kPayloadProfileAddress>(kMaxProfileAddresses);
    for (int j = 0; j < i; ++j) {
      if (p->addresses(j) == a) return refused<ErrorId::kPayloadProfileAddress>(kMaxProfileAddresses);
    }
  }
  // An x25519 public key or nothing. All zero is the key of no one (a small
  // order point's output), and tor would authorise it as a client.
  if (const std::string& k = p->onion_client_key(); !k.empty()) {
    if (k.size() != kOnionClientKeyBytes || k.find_first_not_of('\0') == std::string::npos) {
      return refused<ErrorId::kPayloadProfileOnionClientKey>();
    }
  }
  return p;
}

core::Result<proto::ResourceNote> decode_note(std::string_view payload) {
  auto n = decode_strict<proto::ResourceNote>(payload, "note");
  if (!n) return n;
  if (!n->root().empty() && n->root().size() != 32) return refused<ErrorId::kPayloadNoteRoot>();
  if (n->lamport() > kMaxCounter) return refused<ErrorId::kPayloadNoteClock>();
  if (n->root().empty() != (n->lamport() == 0)) {
    return refused<ErrorId::kPayloadNoteClockRoot>();
  }
  if (n->title().empty()) return refused<ErrorId::kPayloadNoteNoTitle>();
  TUMAR_TRY(check_text("title", n->title(), kMaxNoteTitleBytes));
  TUMAR_TRY(check_text("body", n->body(), kMaxNoteBodyBytes, true));
  TUMAR_TRY(check_text("region", n->region(), kMaxNameBytes));
  TUMAR_TRY(check_text("contact", n->contact(), kMaxContactBytes));
  TUMAR_TRY(check_list("tags", n->tags()));
  return n;
}

core::Result<void> check_note_dates(const proto::ResourceNote& note, std::uint64_t written_ms) {
  constexpr std::uint64_t kDayMs = 86'400'000;
  // Dates are the author's local calendar day (cli/dates.hpp, local_today),
  // so allow the latest date anywhere on Earth at that moment: UTC+14.
  constexpr std::uint64_t kMaxUtcOffsetMs = 14 * 3'600'000;
  const std::uint64_t latest_day = (written_ms + kMaxClockSkewMs + kMaxUtcOffsetMs) / kDayMs;
  if (note.verified_on() > latest_day) {
    return refused<ErrorId::kPayloadNoteVerifiedLater>();
  }
  return {};
}

core::Result<void> check_note_clock(const proto::ResourceNote& note, std::uint64_t written_ms) {
  if (note.lamport() > written_ms) {
    return refused<ErrorId::kPayloadNoteClockAhead>();
  }
  return {};
}

core::Result<proto::Broadcast> decode_broadcast(std::string_view payload) {
  auto b = decode_strict<proto::Broadcast>(payload, "broadcast");
  if (!b) return b;
  if (b->priority() != proto::NORMAL && b->priority() != proto::URGENT) {
    return refused<ErrorId::kPayloadBroadcastPriority>();
  }
  if (b->expires_ms() > kMaxCounter) return refused<ErrorId::kPayloadBroadcastExpiry>();
  if (b->text().empty()) return refused<ErrorId::kPayloadBroadcastEmpty>();
  TUMAR_TRY(check_text("broadcast", b->text(), kMaxBroadcastBytes, true));
  return b;
}

core::Result<proto::PrekeyBundle> decode_prekeys(std::string_view payload) {
  auto b = decode_strict<proto::PrekeyBundle>(payload, "prekey_bundle");
  if (!b) return b;
  if (b->lamport() > kMaxCounter || b->signed_prekey_id() == 0 || b->signed_prekey().size() != 32 ||
      b->signed_prekey_signature().size() != 64) {
    return refused<ErrorId::kPayloadSignedPrekey>();
  }
  if (static_cast<std::size_t>(b->one_time_prekeys_size()) > kMaxDedicatedPrekeys) {
    return refused<ErrorId::kPayloadTooManyPrekeys>();
  }
  // Ordered by sender with no repeats, so "the prekey for me" has one answer.
  const std::string* previous = nullptr;
  for (const auto& k : b->one_time_prekeys()) {
    if (k.sender().size() != 32 || k.id() == 0 || k.key().size() != 32) {
      return refused<ErrorId::kPayloadOneTimePrekey>();
    }
    if (previous && !(*previous < k.sender())) {
      return refused<ErrorId::kPayloadPrekeyOrder>();
    }
    previous = &k.sender();
  }
  return b;
}

core::Result<proto::DirectPayload> decode_direct(std::string_view payload) {
  auto d = decode_strict<proto::DirectPayload>(payload, "direct_message");
  if (!d) return d;
  if (d->ratchet_message().empty() || d->ratchet_message().size() > kMaxDirectMessageBytes) {
    return refused<ErrorId::kPayloadDirectSize>();
  }
  return d;
}

core::Result<proto::DirectContent> decode_direct_content(std::string_view plaintext) {
  auto c = decode_strict<proto::DirectContent>(plaintext, "direct_content");
  if (!c) return c;
  if (c->message_id().size() != kDirectMessageIdLen || c->sent_ms() > kMaxCounter) {
    return refused<ErrorId::kPayloadDirectContent>();
  }
  if (static_cast<std::size_t>(c->delivered_size()) > kMaxReceiptIds ||
      static_cast<std::size_t>(c->read_size()) > kMaxReceiptIds) {
    return refused<ErrorId::kPayloadDirectReceipts>();
  }
  for (const auto* list : {&c->delivered(), &c->read()}) {
    for (const auto& id : *list) {
      if (id.size() != kDirectMessageIdLen) return refused<ErrorId::kPayloadDirectReceipt>();
    }
  }
  if (c->text().empty() && c->delivered().empty() && c->read().empty()) {
    return refused<ErrorId::kPayloadDirectEmpty>();
  }
  TUMAR_TRY(check_text("message", c->text(), kMaxDirectTextBytes, true));
  return c;
}

core::Result<proto::EpochGrant> decode_grant(std::string_view payload) {
  auto g = decode_strict<proto::EpochGrant>(payload, "grant");
  if (!g) return g;
  if (g->network_id().size() != 32 || g->recipient().size() != 32) {
    return refused<ErrorId::kPayloadGrantMalformed>();
  }
  if (g->keys().empty() || static_cast<std::size_t>(g->keys().size()) > kMaxEpochs) {
    return refused<ErrorId::kPayloadGrantKeyCount>();
  }
  for (const auto& k : g->keys()) {
    if (k.key().size() != 32) return refused<ErrorId::kPayloadGrantKey>();
  }
  return g;
}

}  // namespace tumar::network
