// Object limits: what a member types is refused by their own node
// (kInvalidArgument, before anything is signed), and the same content
// crafted by hand is refused by every other replica, so no one can make
// others store or display what the rules forbid.

#include <gtest/gtest.h>

#include "core/error_ids.hpp"
#include "core/network/object_limits.hpp"
#include "core/network/payload_codec.hpp"
#include "network_fixture.hpp"
#include "tumar/network.pb.h"

namespace tumar::network {
namespace {

using namespace test;

class LimitsTest : public NetworkFixture {
 protected:
  void SetUp() override {
    a_ = node(1);
    b_ = node(2);
    net_ = found(*a_, b_->pub(), Role::kLead);
    b_->join(net_);
    feed(*b_, everything(*a_), kT0 + 7 * kMinute);
    std::tie(epoch_, key_) = current_key(*b_, net_);
  }

  // B's node refuses to write it; B's hand-made object is refused by A.
  void refused_both_ways(const char* what, const NoteFields& f) {
    auto w = b_->author().add_note(net_, f, kT0 + 10 * kMinute);
    ASSERT_FALSE(w) << what;
    EXPECT_EQ(w.error().code(), core::Errc::kInvalidArgument) << what;
    proto::ResourceNote n;
    n.set_title(f.title);
    n.set_body(f.body);
    for (const auto& t : f.tags) n.add_tags(t);
    n.set_region(f.region);
    n.set_contact(f.contact);
    n.set_verified_on(f.verified_on);
    n.set_valid_until(f.valid_until);
    refused_by_a(what, Kind::kNote, n.SerializeAsString());
  }

  void refused_by_a(const char* what, Kind kind, const std::string& payload) {
    const Bytes env = craft(b_->me(), net_, kind, epoch_, kT0 + 10 * kMinute, bytes_of(payload), key_, b_->rng());
    auto r = a_->replica().ingest(env, kT0 + 11 * kMinute);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->outcome, sync::IngestOutcome::kRejected) << what;
    EXPECT_FALSE(*a_->store().has_object(object_id(env))) << what;
  }

  std::unique_ptr<Node> a_, b_;
  NetworkId net_{};
  std::uint64_t epoch_ = 0;
  crypto::Secret<32> key_;
};

TEST_F(LimitsTest, NoteFieldsOverTheirLimitsAreRefusedEverywhere) {
  const std::string max_body(kMaxNoteBodyBytes, 'b');
  auto ok = b_->author().add_note(net_, {"Long", max_body, {}, "", "", 0, 0}, kT0 + 10 * kMinute);
  ASSERT_TRUE(ok) << ok.error().describe();
  EXPECT_EQ(a_->replica().ingest(ok->envelopes[0], kT0 + 11 * kMinute)->outcome, sync::IngestOutcome::kAccepted);

  refused_both_ways("body of 32 KiB + 1", {"Long", max_body + "b", {}, "", "", 0, 0});
  std::vector<std::string> tags(kMaxListItems, "t");
  ASSERT_TRUE(b_->author().add_note(net_, {"Tags", "x", tags, "", "", 0, 0}, kT0 + 10 * kMinute));
  tags.push_back("t");
  refused_both_ways("17 tags", {"Tags", "x", tags, "", "", 0, 0});
  refused_both_ways("a tag of 41 bytes", {"Tags", "x", {std::string(41, 't')}, "", "", 0, 0});
  refused_both_ways("an empty tag", {"Tags", "x", {""}, "", "", 0, 0});
  refused_both_ways("title over 200 bytes", {std::string(201, 'T'), "x", {}, "", "", 0, 0});
  refused_both_ways("no title", {"", "x", {}, "", "", 0, 0});
  refused_both_ways("escape sequence in the title", {"Shelter \x1b[2J\x1b[31mCLOSED", "x", {}, "", "", 0, 0});
  refused_both_ways("newline in the title", {"Two\nlines", "x", {}, "", "", 0, 0});
  refused_both_ways("DEL in the region", {"t", "x", {}, "Alma\x7fty", "", 0, 0});
  refused_both_ways("bell in the body", {"t", "ring\a", {}, "", "", 0, 0});
  refused_both_ways("NUL in the contact", {"t", "x", {}, "", std::string("+7\0 700", 7), 0, 0});
  refused_both_ways("invalid UTF-8 in the body", {"t", "caf\xc3\x28", {}, "", "", 0, 0});
  refused_both_ways("overlong UTF-8 in the title", {"\xc0\xaf", "x", {}, "", "", 0, 0});
  refused_both_ways("a UTF-16 surrogate in a tag", {"t", "x", {"\xed\xa0\x80"}, "", "", 0, 0});
  refused_both_ways("a code point above U+10FFFF", {"t", "\xf4\x90\x80\x80", {}, "", "", 0, 0});
  refused_both_ways("a truncated sequence", {"t", "\xe2\x82", {}, "", "", 0, 0});
  // Line breaks and tabs are fine in the body; real multi-byte text is fine everywhere.
  auto text = b_->author().add_note(net_, {"Убежище «Жан»", "Line 1\n\tLine 2 — €, 𝄞", {"қазақ"}, "Алматы", "", 0, 0},
                                    kT0 + 10 * kMinute);
  ASSERT_TRUE(text) << text.error().describe();
  EXPECT_EQ(a_->replica().ingest(text->envelopes[0], kT0 + 11 * kMinute)->outcome, sync::IngestOutcome::kAccepted);
}

TEST_F(LimitsTest, ProfilesBroadcastsAndNetworkNamesAreCheckedToo) {
  auto invalid = [](const auto& r, const char* what) {
    ASSERT_FALSE(r) << what;
    EXPECT_EQ(r.error().code(), core::Errc::kInvalidArgument) << what;
  };
  const std::uint64_t t = kT0 + 10 * kMinute;
  invalid(b_->author().set_profile(net_, {std::string(81, 'n'), "", "", "", {}, {}, {}}, t), "long display name");
  invalid(b_->author().set_profile(net_, {"", "", "", "", {}, {}, {}}, t), "no display name");
  invalid(b_->author().set_profile(net_, {"Dana", "", "", "", {}, std::vector<std::string>(17, "s"), {}}, t),
          "17 services");
  invalid(b_->author().set_profile(net_, {"Dana", "", "", std::string(301, 'c'), {}, {}, {}}, t), "long contact");
  invalid(b_->author().broadcast(net_, std::string(kMaxBroadcastBytes + 1, 'x'), true, 0, t), "long broadcast");
  invalid(b_->author().broadcast(net_, "", true, 0, t), "empty broadcast");
  invalid(b_->author().broadcast(net_, "\x1b]0;pwned\a", true, 0, t), "escape in a broadcast");
  invalid(b_->author().create_network("Bad\x1bname", false, t), "escape in a network name");
  invalid(b_->author().create_network(std::string(81, 'n'), false, t), "long network name");
  invalid(b_->author().create_network("", false, t), "no network name");
  EXPECT_TRUE(b_->author().set_profile(net_, {"Dana", "", "", "", {}, std::vector<std::string>(16, "s"), {}}, t));
  EXPECT_TRUE(b_->author().broadcast(net_, std::string(kMaxBroadcastBytes, 'x'), true, 0, t));
}

// MemberProfile.addresses: what members' nodes will dial, so only what
// peers/peer_address parses, spelled as it spells it back, at most
// kMaxProfileAddresses, none twice; a hand-made profile breaking a rule is
// refused by every replica, and one that keeps them arrives whole.
TEST_F(LimitsTest, AProfileSaysWhereItsNodeIsOnlyInAddressesEveryMemberCanDial) {
  const std::uint64_t t = kT0 + 10 * kMinute;
  auto with = [](std::vector<std::string> addresses) {
    ProfileFields f{"Dana", "", "", "", {}, {}, {}};
    f.addresses = std::move(addresses);
    return f;
  };
  for (const auto& [what, addresses] : std::vector<std::pair<const char*, std::vector<std::string>>>{
           {"no port", {"192.0.2.7"}},
           {"not canonical", {"[::1]:07420"}},
           {"spaces", {" 192.0.2.7:7420"}},
           {"twice", {"192.0.2.7:7420", "192.0.2.7:7420"}},
           {"five", {"192.0.2.1:1", "192.0.2.2:1", "192.0.2.3:1", "192.0.2.4:1", "192.0.2.5:1"}},
           {"port 0", {"192.0.2.7:0"}},
       }) {
    auto w = b_->author().set_profile(net_, with(addresses), t);
    ASSERT_FALSE(w) << what;
    EXPECT_EQ(w.error().code(), core::Errc::kInvalidArgument) << what;
    proto::MemberProfile p;
    p.set_lamport(1);
    p.set_display_name("Dana");
    for (const auto& a : addresses) p.add_addresses(a);
    refused_by_a(what, Kind::kProfile, p.SerializeAsString());
  }
  const std::vector<std::string> good{"192.0.2.7:7420", "[2001:db8::1]:7420", "node.example.org:7000",
                                      "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion:7420"};
  auto w = b_->author().set_profile(net_, with(good), t);
  ASSERT_TRUE(w) << w.error().describe();
  feed(*a_, w->envelopes, t + kMinute);
  auto entries = a_->replica().directory().entries(net_);
  ASSERT_TRUE(entries);
  bool seen = false;
  for (const auto& e : *entries) {
    if (e.member.identity.identity_key == b_->pub().identity_key && e.profile) {
      EXPECT_EQ(e.profile->addresses, good);
      seen = true;
    }
  }
  EXPECT_TRUE(seen);
}

// MemberProfile.onion_client_key: what every member's node lists in its
// onion service's ClientAuthV3, so an x25519 public key or nothing; all
// zero (no one's key) and any other length are refused by every replica.
TEST_F(LimitsTest, AProfileOnionClientKeyIsEmptyOrThirtyTwoBytesNotAllZero) {
  const std::uint64_t t = kT0 + 10 * kMinute;
  ProfileFields zero{"Dana", "", "", "", {}, {}, {}};
  zero.onion_client_key = std::array<std::uint8_t, 32>{};
  auto w = b_->author().set_profile(net_, zero, t);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code(), core::Errc::kInvalidArgument);
  EXPECT_EQ(w.error().id(), core::ErrorId::kPayloadProfileOnionClientKey);
  for (const auto& [what, key] : std::vector<std::pair<const char*, std::string>>{
           {"all zero", std::string(32, '\0')},
           {"31 bytes", std::string(31, 'k')},
           {"33 bytes", std::string(33, 'k')},
           {"one byte", std::string(1, 'k')},
       }) {
    proto::MemberProfile p;
    p.set_lamport(1);
    p.set_display_name("Dana");
    p.set_onion_client_key(key);
    refused_by_a(what, Kind::kProfile, p.SerializeAsString());
  }
  ProfileFields good{"Dana", "", "", "", {}, {}, {}};
  std::array<std::uint8_t, 32> key{};
  key.fill(0x5A);
  good.onion_client_key = key;
  auto ok = b_->author().set_profile(net_, good, t);
  ASSERT_TRUE(ok) << ok.error().describe();
  feed(*a_, ok->envelopes, t + kMinute);
  auto entries = a_->replica().directory().entries(net_);
  ASSERT_TRUE(entries);
  bool seen = false;
  for (const auto& e : *entries) {
    if (e.member.identity.identity_key == b_->pub().identity_key && e.profile) {
      EXPECT_EQ(e.profile->onion_client_key, key);
      seen = true;
    }
  }
  EXPECT_TRUE(seen);
}

TEST_F(LimitsTest, UnicodeControlCharactersAreRefusedLikeAsciiOnes) {
  // U+009B is CSI: terminals that honour C1 controls start an escape sequence on it.
  const std::uint64_t t = kT0 + 10 * kMinute;
  refused_both_ways("a C1 CSI in the title", {"Shelter \xc2\x9b" "2J", "x", {}, "", "", 0, 0});
  refused_both_ways("a C1 control in the body", {"t", "x\xc2\x85y", {}, "", "", 0, 0});
  EXPECT_TRUE(b_->author().add_note(net_, {"t", "\xc2\xa0non-breaking space is fine", {}, "", "", 0, 0}, t));
}

TEST_F(LimitsTest, TextThatReversesItsOwnDirectionIsRefused) {
  // "Trojan Source": U+202E (RIGHT-TO-LEFT OVERRIDE) makes a terminal show
  // "+7 700 123 45 67" for a title that holds the digits reversed.
  const std::uint64_t t = kT0 + 10 * kMinute;
  refused_both_ways("an override in the title", {"Hotline \xe2\x80\xae" "76 54 321 007 7+", "x", {}, "", "", 0, 0});
  refused_both_ways("an embedding in the contact", {"t", "x", {}, "", "\xe2\x80\xaa+7 700", 0, 0});
  refused_both_ways("an isolate in the body", {"t", "a \xe2\x81\xa7" "b\xe2\x81\xa9 c", {}, "", "", 0, 0});
  refused_both_ways("a pop in the region", {"t", "x", {}, "Almaty\xe2\x80\xac", "", 0, 0});
  auto bad = b_->author().broadcast(net_, "Call \xe2\x80\xae" "321", true, 0, t);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), core::Errc::kInvalidArgument);
  // Right-to-left text itself, and the marks that reorder nothing beyond themselves, are fine.
  EXPECT_TRUE(b_->author().add_note(net_, {"\xd9\x85\xd8\xb1\xd9\x83\xd8\xb2 \xe2\x80\x8f(24/7)", "x", {}, "", "", 0, 0}, t));
}

TEST_F(LimitsTest, ANoteCannotClaimToBeVerifiedAfterItWasWritten) {
  const std::uint64_t t = kT0 + 10 * kMinute;
  const auto written_day = static_cast<std::uint32_t>(t / 86'400'000);
  // A future verified_on would keep a closed shelter's number looking fresh.
  refused_both_ways("verified next year", {"Shelter", "x", {}, "", "", written_day + 365, 0});
  refused_both_ways("verified in two days", {"Shelter", "x", {}, "", "", written_day + 2, 0});
  // At 22:23 UTC it is already tomorrow in Almaty (UTC+5): a local date is fine.
  EXPECT_TRUE(b_->author().add_note(net_, {"Shelter", "x", {}, "", "", written_day + 1, 0}, t));
  auto today = b_->author().add_note(net_, {"Shelter", "x", {}, "", "", written_day, 0}, t);
  ASSERT_TRUE(today) << today.error().describe();
  EXPECT_EQ(a_->replica().ingest(today->envelopes[0], kT0 + 11 * kMinute)->outcome, sync::IngestOutcome::kAccepted);
  EXPECT_TRUE(b_->author().add_note(net_, {"Shelter", "x", {}, "", "", written_day - 30, 0}, t));
  // A revision is judged by its own date, so re-verifying later is fine.
  auto later = b_->author().revise_note(today->id, {"Shelter", "x", {}, "", "", written_day + 2, 0}, t + 2 * 86'400'000);
  ASSERT_TRUE(later) << later.error().describe();
}

TEST_F(LimitsTest, HandMadePayloadsBreakingTheRulesAreRefused) {
  // A revision clock beyond what SQLite orders like C++ does.
  proto::ResourceNote rev;
  auto root = b_->author().add_note(net_, {"Root", "x", {}, "", "", 0, 0}, kT0 + 10 * kMinute);
  ASSERT_TRUE(root);
  feed(*a_, root->envelopes, kT0 + 10 * kMinute);
  refused_by_a("lamport 2^63", Kind::kNote, note_payload("Root", "y", root->id, std::uint64_t{1} << 63));
  refused_by_a("a new note with a clock", Kind::kNote, note_payload("New", "y", std::nullopt, 3));
  refused_by_a("a revision without one", Kind::kNote, note_payload("Rev", "y", root->id, 0));
  refused_by_a("a 31-byte root", Kind::kNote, [&] {
    proto::ResourceNote n;
    n.set_root(std::string(31, 'r'));
    n.set_lamport(1);
    n.set_title("x");
    return n.SerializeAsString();
  }());
  refused_by_a("an unknown field", Kind::kNote, note_payload("t", "x") + "\xf8\x01\x01");
  refused_by_a("a field twice", Kind::kNote, note_payload("t", "x") + "\x1a\x01t");
  refused_by_a("not protobuf", Kind::kNote, "\xff\xff\xff\xff");
  refused_by_a("empty", Kind::kNote, "");
  proto::Broadcast bc;
  bc.set_priority(proto::URGENT);
  bc.set_text(std::string(kMaxBroadcastBytes + 1, 'x'));
  refused_by_a("a 4 KiB + 1 broadcast", Kind::kBroadcast, bc.SerializeAsString());
  bc.set_text("\x1b]0;pwned\a");
  refused_by_a("an escape in a broadcast", Kind::kBroadcast, bc.SerializeAsString());
  bc.set_text("ok");
  bc.set_priority(static_cast<proto::BroadcastPriority>(7));
  refused_by_a("an unknown priority", Kind::kBroadcast, bc.SerializeAsString());
  bc.set_priority(proto::NORMAL);
  bc.set_expires_ms(std::uint64_t{1} << 63);
  refused_by_a("an expiry beyond 2^63", Kind::kBroadcast, bc.SerializeAsString());
  proto::MemberProfile prof;
  prof.set_display_name("Dana");
  prof.set_lamport(std::uint64_t{1} << 63);
  refused_by_a("a profile clock of 2^63", Kind::kProfile, prof.SerializeAsString());
  prof.set_lamport(1);
  for (int i = 0; i < 17; ++i) prof.add_languages("kk");
  refused_by_a("17 languages", Kind::kProfile, prof.SerializeAsString());
  proto::Removal rm;
  rm.set_member(std::string(31, 'm'));
  refused_by_a("a 31-byte removal key", Kind::kRemoval, rm.SerializeAsString());
  proto::Admission adm;
  adm.set_role(proto::MEMBER);
  refused_by_a("an admission of no one", Kind::kAdmission, adm.SerializeAsString());
  adm.mutable_member()->set_identity_key(std::string(32, 'i'));
  adm.mutable_member()->set_noise_static_key(std::string(32, 'n'));
  adm.mutable_member()->set_binding_signature(std::string(64, 's'));
  refused_by_a("an admission whose binding does not verify", Kind::kAdmission, adm.SerializeAsString());
}

TEST(CheckText, TheSameRulesTheCliUses) {
  EXPECT_TRUE(check_text("x", "", 10));
  EXPECT_TRUE(check_text("x", "0123456789", 10));
  EXPECT_FALSE(check_text("x", "01234567890", 10));
  EXPECT_TRUE(check_text("x", "a\nb\tc", 10, true));
  EXPECT_FALSE(check_text("x", "a\nb", 10, false));
  EXPECT_FALSE(check_text("x", "a\rb", 10, true));  // a carriage return can overwrite a line
  EXPECT_TRUE(check_text("x", "\xf0\x9f\x98\x80", 10));
  EXPECT_FALSE(check_text("x", "\xf8\x88\x80\x80\x80", 10));
  EXPECT_FALSE(check_text("x", "\x80", 10));
}

}  // namespace
}  // namespace tumar::network
