// The library a member searches: full-text search puts the best match
// first and never chokes on what a person types, and a note that may be out
// of date says so (and why).

#include "core/network/library.hpp"

#include <gtest/gtest.h>

#include "core/network/object_limits.hpp"
#include "core/store/bind.hpp"
#include "network_fixture.hpp"

namespace tumar::network {
namespace {

using namespace test;

constexpr std::uint32_t kToday = 19675;  // 2023-11-14, the day of kT0 (a note cannot be verified after it is written)

NoteRecord note(std::uint32_t verified_on, std::uint32_t valid_until, std::uint64_t created_day) {
  NoteRecord n;
  n.verified_on = verified_on;
  n.valid_until = valid_until;
  n.created_at_ms = created_day * kDay;
  return n;
}

TEST(StaleReason, SaysWhyANoteMayBeOutOfDate) {
  EXPECT_EQ(stale_reason(note(kToday, 0, kToday), kToday), std::nullopt);
  // valid_until: the last valid day; the day after, it is stale.
  EXPECT_EQ(stale_reason(note(kToday, kToday, kToday), kToday), std::nullopt);
  EXPECT_EQ(stale_reason(note(kToday, kToday - 1, kToday), kToday), Staleness::kPastValidUntil);
  // Verified 90 days ago is still fresh; 91 is not.
  EXPECT_EQ(stale_reason(note(kToday - kStaleAfterDays, 0, kToday - 200), kToday), std::nullopt);
  EXPECT_EQ(stale_reason(note(kToday - kStaleAfterDays - 1, 0, kToday - 200), kToday), Staleness::kNotVerified);
  // Never verified: judged by its age.
  EXPECT_EQ(stale_reason(note(0, 0, kToday - kStaleAfterDays), kToday), std::nullopt);
  EXPECT_EQ(stale_reason(note(0, 0, kToday - kStaleAfterDays - 1), kToday), Staleness::kNeverVerified);
  // An expired date wins over a recent verification.
  EXPECT_EQ(stale_reason(note(kToday, kToday - 1, kToday), kToday), Staleness::kPastValidUntil);
  // A verification date in the future (a typo) does not make it stale or overflow.
  EXPECT_EQ(stale_reason(note(kToday + 1000, 0, kToday), kToday), std::nullopt);
  EXPECT_EQ(stale_reason(note(0xFFFFFFFFu, 0, kToday), kToday), std::nullopt);
}

class LibraryTest : public NetworkFixture {
 protected:
  void SetUp() override {
    a_ = node(1);
    net_ = *a_->author().create_network("Library", false, kT0);
  }
  ObjectId add(const std::string& title, const std::string& body, std::vector<std::string> tags = {},
               std::string region = "") {
    auto w = a_->author().add_note(net_, {title, body, std::move(tags), std::move(region), "", 0, 0}, kT0 + kMinute);
    EXPECT_TRUE(w) << w.error().describe();
    return w->id;
  }
  std::vector<std::string> titles(const std::string& q) {
    auto r = a_->replica().library().search(q, net_);
    EXPECT_TRUE(r) << q << ": " << r.error().describe();
    std::vector<std::string> out;
    if (r) {
      for (const auto& n : *r) out.push_back(n.title);
    }
    return out;
  }

  std::unique_ptr<Node> a_;
  NetworkId net_{};
};

TEST_F(LibraryTest, TheBestMatchComesFirst) {
  add("Bus routes", "Night buses run until 2am");
  add("Legal aid", "Lawyers can also help find a shelter bed");
  add("Shelter on Abay", "Women's shelter: the shelter takes children. Call the shelter first.", {"shelter"});
  add("Pharmacy", "Open 24h");
  const auto found = titles("shelter");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0], "Shelter on Abay");
  EXPECT_EQ(found[1], "Legal aid");
  EXPECT_EQ(titles("bed shelter"), std::vector<std::string>{"Legal aid"});  // every word must match
  EXPECT_TRUE(titles("kindergarten").empty());
}

TEST_F(LibraryTest, TagsRegionAndDiacriticsAreSearched) {
  add("Café Nour", "Safe space", {"food"}, "Almaty");
  add("Убежище", "Кровати есть", {"жильё"}, "Алматы");
  EXPECT_EQ(titles("cafe"), std::vector<std::string>{"Café Nour"});
  EXPECT_EQ(titles("FOOD"), std::vector<std::string>{"Café Nour"});
  EXPECT_EQ(titles("almaty"), std::vector<std::string>{"Café Nour"});
  EXPECT_EQ(titles("алматы"), std::vector<std::string>{"Убежище"});
}

TEST_F(LibraryTest, WhatAPersonTypesIsNeverQuerySyntax) {
  add("Quotes", "She said \"help\" twice: NEAR the door OR the window");
  for (const char* q : {"\"", "\"\"", "help\"", "NEAR(", "OR", "AND NOT", "*", "col:term", "^", "(", "a\"b\"c",
                        "-help", "{title}: x", "NEAR/2", "' OR 1=1 --"}) {
    auto r = a_->replica().library().search(q, net_);
    EXPECT_TRUE(r) << q << ": " << (r ? "" : r.error().describe());
  }
  EXPECT_EQ(titles("\"help\""), std::vector<std::string>{"Quotes"});
  EXPECT_EQ(titles("OR"), std::vector<std::string>{"Quotes"});  // a word, not an operator
  auto empty = a_->replica().library().search("   ", net_);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code(), core::Errc::kInvalidArgument);
}

TEST_F(LibraryTest, SearchShowsTheCurrentRevisionOnly) {
  const ObjectId id = add("Clinic", "Open on Mondays");
  ASSERT_TRUE(a_->author().revise_note(id, {"Clinic", "Closed for renovation", {}, "", "", 0, 0}, kT0 + 2 * kMinute));
  EXPECT_TRUE(titles("mondays").empty());
  EXPECT_EQ(titles("renovation"), std::vector<std::string>{"Clinic"});
  EXPECT_EQ(a_->replica().library().notes(net_)->size(), 1u);
}

// The search index keeps no copy of the text (schema 6: it reads the note
// rows). Every revision replaces a row, and FTS5 must be told the exact
// values it indexed when one goes: FTS5's own integrity check, which
// compares the index with the rows, passes after many revisions of notes
// with several tags, and a search finds only what the rows now say.
TEST_F(LibraryTest, TheSearchIndexMatchesTheNoteRowsAfterRevisions) {
  std::vector<ObjectId> ids;
  for (int i = 0; i < 20; ++i) {
    ids.push_back(add("Note " + std::to_string(i), "first text " + std::to_string(i), {"legal", "tag" + std::to_string(i)},
                      "Almaty"));
  }
  for (int round = 0; round < 3; ++round) {
    for (std::size_t i = 0; i < ids.size(); i += 2) {
      ASSERT_TRUE(a_->author().revise_note(
          ids[i], {"Note " + std::to_string(i), "revised " + std::to_string(round), {"shelter", "night"}, "Shymkent", "", 0, 0},
          kT0 + (2 + static_cast<std::uint64_t>(round)) * kMinute));
    }
  }
  EXPECT_TRUE(store::execute(a_->db(), "INSERT INTO note_fts (note_fts, rank) VALUES ('integrity-check', 1)"));
  EXPECT_EQ(titles("legal").size(), 10u);
  EXPECT_EQ(titles("night shelter").size(), 10u);
  EXPECT_EQ(titles("shymkent").size(), 10u);
  EXPECT_EQ(titles("revised").size(), 10u);
  EXPECT_EQ(titles("tag4").size(), 0u);  // revised away
  EXPECT_EQ(titles("tag5"), std::vector<std::string>{"Note 5"});
}

TEST_F(LibraryTest, SearchIsLimitedToTheNetworkAsked) {
  add("Shelter here", "x");
  auto other = a_->author().create_network("Other", false, kT0 + kMinute);
  ASSERT_TRUE(other);
  ASSERT_TRUE(a_->author().add_note(*other, {"Shelter there", "y", {}, "", "", 0, 0}, kT0 + 2 * kMinute));
  EXPECT_EQ(titles("shelter"), std::vector<std::string>{"Shelter here"});
  EXPECT_EQ(a_->replica().library().search("shelter", std::nullopt)->size(), 2u);
}

TEST_F(LibraryTest, StaleNotesAreFlaggedFromWhatWasStored) {
  auto w = a_->author().add_note(net_, {"Old shelter number", "+7 700", {}, "", "", kToday - 100, 0}, kT0);
  auto x = a_->author().add_note(net_, {"Ended programme", "x", {}, "", "", kToday, kToday - 1}, kT0);
  ASSERT_TRUE(w && x);
  auto n1 = *a_->replica().library().note(w->id);
  auto n2 = *a_->replica().library().note(x->id);
  EXPECT_EQ(stale_reason(*n1, kToday), Staleness::kNotVerified);
  EXPECT_EQ(stale_reason(*n2, kToday), Staleness::kPastValidUntil);
  EXPECT_EQ(n1->verified_on, kToday - 100);
  EXPECT_EQ(n2->valid_until, kToday - 1);
}

}  // namespace
}  // namespace tumar::network
