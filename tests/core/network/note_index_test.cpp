// Schema v5 (docs/STORAGE.md, "Indexes and bulk writes"): a new note enters
// no index keyed by a random id but the object id's. The queries that find
// a note's versions and its row must still use an index — a partial index
// is only used when the query names its condition, and a table scan per
// object would turn a 100,000-object sync quadratic — and a profile written
// by schema 4 must keep its notes and their search after the upgrade.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "core/profile/schema.hpp"
#include "core/store/bind.hpp"
#include "network_fixture.hpp"

namespace tumar::network::test {
namespace {

// Virtual-machine steps SQLite took, over every statement the connection
// holds (the store keeps its statements prepared). A lookup through an
// index takes the same number whatever the table holds; a scan, even one
// through an index that only narrows by network, takes more per row.
int vm_steps(store::Database& db, bool reset) {
  int total = 0;
  for (sqlite3_stmt* st = sqlite3_next_stmt(db.handle(), nullptr); st != nullptr;
       st = sqlite3_next_stmt(db.handle(), st)) {
    total += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, reset ? 1 : 0);
  }
  return total;
}

class NoteIndexTest : public NetworkFixture {
 protected:
  // A network with `others` notes and one revised note; then the lookups a
  // revision, a purge and `tumar note show` make, checked for what they
  // find. Returns the steps they took.
  int lookups_with(std::size_t others) {
    auto a = node(1);
    auto net = a->author().create_network("Shelters", false, kT0);
    EXPECT_TRUE(net);
    for (std::size_t i = 0; i < others; ++i) {
      EXPECT_TRUE(a->author().add_note(*net, {"Note " + std::to_string(i), "x", {}, "", "", 0, 0}, kT0 + 1 + i));
    }
    auto root = a->author().add_note(*net, {"Shelter beds", "3 beds", {}, "", "", 0, 0}, kT0 + kMinute);
    auto revision =
        a->author().revise_note(root->id, {"Shelter beds", "1 bed", {}, "", "", 0, 0}, kT0 + 2 * kMinute);
    auto epoch = a->store().current_epoch_key(*net);
    EXPECT_TRUE(root && revision && epoch && *epoch);

    (void)vm_steps(a->db(), true);
    auto about = a->store().objects_about(*net, Kind::kNote, root->id);
    auto lamport = a->store().max_lamport(*net, Kind::kNote, root->id);
    auto best = a->store().best_revision(*net, root->id);
    auto granted = a->store().epoch_granted_to_removed(*net, (*epoch)->first);
    auto by_id = a->replica().library().note(root->id);
    EXPECT_TRUE(about && lamport && best && granted && by_id && *by_id);
    auto by_key = a->replica().library().note(key_of(**by_id));
    EXPECT_TRUE(by_key && *by_key);
    const int steps = vm_steps(a->db(), false);

    // What they find: the first version (about itself, so outside the
    // partial index) and the revision.
    EXPECT_EQ(about->size(), 2u);
    EXPECT_EQ(about->front().id, root->id);
    EXPECT_EQ(about->back().id, revision->id);
    EXPECT_EQ(*lamport, 1u);
    EXPECT_TRUE(*best && object_id(**best) == revision->id);
    EXPECT_FALSE(*granted);
    EXPECT_EQ((*by_key)->body, "1 bed");
    EXPECT_EQ((*by_key)->created_at_ms, kT0 + kMinute);
    return steps;
  }
};

TEST_F(NoteIndexTest, FindingANotesVersionsAndRowCostsTheSameWhateverTheLibraryHolds) {
  const int small = lookups_with(10);
  const int large = lookups_with(300);
  EXPECT_GT(small, 0);
  // Not one step more per note: a lookup that fell back to scanning would
  // take hundreds more here (and 100,000s in a real library).
  EXPECT_EQ(large, small);
}

TEST_F(NoteIndexTest, AVersion4ProfileKeepsItsNotesAndTheirSearch) {
  const auto path = dir_.path() / "v4.db";
  auto db = store::Database::open_plain(path);
  ASSERT_TRUE(db);
  ASSERT_TRUE(profile::migrate(*db, 4));
  ASSERT_EQ(*profile::schema_version(*db), 4);
  // Two notes as schema 4 stored them: the object (about itself), the note
  // row keyed by root id, and its search entry under the note's rowid.
  NetworkId net{};
  net.fill(0x11);
  identity::IdentityKey author{};
  author.fill(0x22);
  struct Old {
    ObjectId root;
    std::uint64_t at;
    const char* title;
    const char* body;
  };
  std::vector<Old> old{{{}, kT0 + 5, "Night shelter", "beds for women and children"},
                       {{}, kT0 + 9, "Legal aid", "divorce and custody, free"}};
  old[0].root.fill(0xA1);
  old[1].root.fill(0x07);
  const std::vector<std::uint8_t> envelope{1, 2, 3};
  for (const auto& n : old) {
    ASSERT_TRUE(store::execute(*db,
                               "INSERT INTO object (id, network_id, timestamp, kind, author, epoch, subject, lamport, "
                               "envelope, received_at) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?1, 0, ?6, 0)",
                               n.root, net, n.at, static_cast<int>(Kind::kNote), author, envelope));
    ASSERT_TRUE(store::execute(*db,
                               "INSERT INTO note (root_id, network_id, author, created_at, revision_id, lamport, "
                               "editor, updated_at, title, body, tags, region, contact, verified_on, valid_until) VALUES "
                               "(?1, ?2, ?3, ?4, ?1, 0, ?3, ?4, ?5, ?6, '', '', '', 0, 0)",
                               n.root, net, author, n.at, std::string(n.title), std::string(n.body)));
    ASSERT_TRUE(store::execute(*db,
                               "INSERT INTO note_fts (rowid, title, body, tags, region) VALUES "
                               "(last_insert_rowid(), ?1, ?2, '', '')",
                               std::string(n.title), std::string(n.body)));
  }

  // To schema 6: schema 7 empties the networks of older profiles (their
  // version 1 envelopes are refused from then on).
  ASSERT_TRUE(profile::migrate(*db, 6));
  EXPECT_EQ(*profile::schema_version(*db), 6);
  Library library(*db);
  for (const auto& n : old) {
    auto got = library.note(NoteKey{net, n.at, n.root});
    ASSERT_TRUE(got && *got);
    EXPECT_EQ((*got)->title, n.title);
    auto by_id = library.note(n.root);
    ASSERT_TRUE(by_id && *by_id);
    EXPECT_EQ((*by_id)->title, n.title);
  }
  // The search index still points at the right rows.
  auto custody = library.search("custody", net);
  ASSERT_TRUE(custody);
  ASSERT_EQ(custody->size(), 1u);
  EXPECT_EQ((*custody)[0].title, "Legal aid");
  auto beds = library.search("children", net);
  ASSERT_TRUE(beds);
  ASSERT_EQ(beds->size(), 1u);
  EXPECT_EQ((*beds)[0].title, "Night shelter");
  // Dropping one takes its search entry with it.
  ASSERT_TRUE(library.drop_note(NoteKey{net, old[1].at, old[1].root}));
  EXPECT_TRUE(library.search("custody", net)->empty());
  EXPECT_EQ(library.notes(net)->size(), 1u);

  auto check = db->prepare("PRAGMA integrity_check");
  ASSERT_TRUE(check);
  ASSERT_TRUE(*check->step());
  EXPECT_EQ(check->column_text(0), "ok");
}

}  // namespace
}  // namespace tumar::network::test
