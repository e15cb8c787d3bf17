// Resource notes from the command line: add (text from --body or stdin),
// list, show, search by relevance, verify, edit, stale marking, and the
// input that must be refused without storing anything.

#include <regex>

#include "cli/dates.hpp"
#include "network_cli_fixture.hpp"

namespace tumar::test {
namespace {

class NoteCli : public NetworkCli {
 protected:
  void SetUp() override {
    NetworkCli::SetUp();
    create_network();
  }

  // `note add ...`, asserting success; returns the 12-digit id it printed.
  std::string add(const std::vector<std::string>& flags, const std::string& stdin_text = "") {
    std::vector<std::string> args{"note", "add"};
    args.insert(args.end(), flags.begin(), flags.end());
    auto r = tumar(args, stdin_text);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::smatch m;
    if (!std::regex_search(r.out, m, std::regex("Added the note ([0-9a-f]{12}) "))) return "";
    return m[1];
  }

  std::string notes_json() { return tumar({"note", "list", "--json"}).out; }

  static std::string days_ago(std::uint32_t n) { return cli::format_date(cli::local_today() - n); }
};

TEST_F(NoteCli, AddFromBodyFlagAndFromStdinThenShowBoth) {
  const std::string a =
      add({"--title", "Safe house, Almaty", "--tags", "shelter,24h", "--region", "Almaty", "--contact",
           "+7 727 000 00 00", "--valid-until", "2099-12-31", "--body", "Beds for 12.\nCall first."});
  const std::string b =
      add({"--network", kNetwork, "--title", "Legal aid hours"}, "Mondays 10-14.\r\nBring ID if you can.\n\n");
  ASSERT_EQ(a.size(), 12u);
  ASSERT_EQ(b.size(), 12u);

  auto show = tumar({"note", "show", a});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("Safe house, Almaty\n"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("  region:      Almaty\n"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("  tags:        shelter, 24h\n"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("  verified on: " + cli::format_date(cli::local_today())), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("  valid until: 2099-12-31"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("  written by:  Aigerim, "), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("\n  Beds for 12.\n  Call first.\n"), std::string::npos) << show.out;
  EXPECT_EQ(show.out.find("STALE"), std::string::npos) << show.out;

  auto json = tumar({"note", "show", b, "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find("\"title\":\"Legal aid hours\",\"body\":\"Mondays 10-14.\\nBring ID if you can.\""),
            std::string::npos)
      << json.out;
  EXPECT_NE(json.out.find("\"stale\":false"), std::string::npos) << json.out;

  auto list = tumar({"note", "list"});
  EXPECT_NE(list.out.find(a + "  Safe house, Almaty\n    Shelters KZ · Almaty · shelter, 24h · verified "),
            std::string::npos)
      << list.out;
  EXPECT_NE(list.out.find(b + "  Legal aid hours"), std::string::npos) << list.out;
  const std::string all = notes_json();
  EXPECT_NE(all.find(a), std::string::npos);
  EXPECT_NE(all.find(b), std::string::npos);
}

TEST_F(NoteCli, SearchPutsTheNoteWithTheWordInItsTitleFirst) {
  std::string filler;
  for (int i = 0; i < 40; ++i) filler += "beds meals counselling childcare transport ";
  const std::string body_hit = add({"--title", "Shelter north", "--body", filler + "legal questions welcome"});
  const std::string title_hit = add({"--title", "Legal aid clinic", "--body", "Free consultations on Mondays."});
  add({"--title", "Hotline", "--body", "Call any time."});

  auto r = tumar({"note", "search", "legal"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto first = r.out.find(title_hit), second = r.out.find(body_hit);
  ASSERT_NE(first, std::string::npos) << r.out;
  ASSERT_NE(second, std::string::npos) << r.out;
  EXPECT_LT(first, second) << r.out;
  EXPECT_EQ(r.out.find("Hotline"), std::string::npos) << r.out;

  auto json = tumar({"note", "search", "LEGAL", "--network", kNetwork, "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_LT(json.out.find(title_hit), json.out.find(body_hit)) << json.out;

  // Several words: notes with all of them; FTS5 syntax is taken as words.
  auto both = tumar({"note", "search", "legal", "clinic"});
  EXPECT_NE(both.out.find(title_hit), std::string::npos);
  EXPECT_EQ(both.out.find(body_hit), std::string::npos) << both.out;
  EXPECT_EQ(tumar({"note", "search", "legal\" OR \"x", "NEAR("}).exit_code, 0);
  auto none = tumar({"note", "search", "nothinglikethis"});
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_NE(none.out.find("No note matches"), std::string::npos) << none.out;
}

TEST_F(NoteCli, VerifyStampsTodayAndKeepsEverythingElse) {
  const std::string id =
      add({"--title", "Hotline", "--region", "Shymkent", "--verified-on", days_ago(100), "--body", "Call any time."});
  auto before = tumar({"note", "show", id, "--json"});
  EXPECT_NE(before.out.find("\"verified_on\":\"" + days_ago(100) + "\""), std::string::npos) << before.out;
  EXPECT_NE(before.out.find("\"stale_reason\":\"not verified for 90 days\""), std::string::npos) << before.out;

  auto verified = tumar({"note", "verify", id});
  ASSERT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_NE(verified.out.find("as verified on " + days_ago(0)), std::string::npos) << verified.out;
  auto after = tumar({"note", "show", id, "--json"});
  EXPECT_NE(after.out.find("\"id\":\"" + id), std::string::npos) << after.out;
  EXPECT_NE(after.out.find("\"verified_on\":\"" + days_ago(0) + "\""), std::string::npos) << after.out;
  EXPECT_NE(after.out.find("\"stale\":false"), std::string::npos) << after.out;
  EXPECT_NE(after.out.find("\"title\":\"Hotline\",\"body\":\"Call any time.\",\"tags\":[],\"region\":\"Shymkent\""),
            std::string::npos)
      << after.out;
}

TEST_F(NoteCli, EditKeepsTheIdAndChangesOnlyWhatIsGiven) {
  const std::string id = add({"--title", "Old title", "--region", "Almaty", "--body", "Text stays."});
  auto edited = tumar({"note", "edit", id.substr(0, 6), "--title", "New title", "--tags", "legal"});
  ASSERT_EQ(edited.exit_code, 0) << edited.err;
  EXPECT_NE(edited.out.find("Updated the note " + id + " \"New title\""), std::string::npos) << edited.out;
  auto json = tumar({"note", "list", "--json"});
  EXPECT_NE(json.out.find("\"title\":\"New title\",\"body\":\"Text stays.\",\"tags\":[\"legal\"],"
                          "\"region\":\"Almaty\""),
            std::string::npos)
      << json.out;
  EXPECT_EQ(json.out.find("Old title"), std::string::npos) << json.out;
  EXPECT_EQ(std::count(json.out.begin(), json.out.end(), '{'), 1) << "still one note: " << json.out;
  EXPECT_NE(tumar({"note", "show", id}).out.find("last edited: Aigerim"), std::string::npos);

  auto body = tumar({"note", "edit", id, "--body", "-"}, "Replaced from stdin\n");
  ASSERT_EQ(body.exit_code, 0) << body.err;
  EXPECT_NE(notes_json().find("\"body\":\"Replaced from stdin\""), std::string::npos);
  auto cleared = tumar({"note", "edit", id, "--region", ""});
  ASSERT_EQ(cleared.exit_code, 0) << cleared.err;
  EXPECT_NE(notes_json().find("\"region\":\"\""), std::string::npos);

  auto nothing = tumar({"note", "edit", id});
  EXPECT_EQ(nothing.exit_code, 1);
  EXPECT_NE(nothing.err.find("Nothing to change"), std::string::npos) << nothing.err;
  auto unknown = tumar({"note", "edit", "ffffffff", "--title", "x"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("No note has an id starting with ffffffff"), std::string::npos) << unknown.err;
  EXPECT_EQ(tumar({"note", "show", "ab"}).exit_code, 1);
}

TEST_F(NoteCli, StaleNotesAreMarkedAndFiltered) {
  const std::string expired = add({"--title", "Closed shelter", "--valid-until", "2020-01-01", "--body", "x"});
  const std::string unverified = add({"--title", "Old hotline", "--verified-on", days_ago(91), "--body", "x"});
  const std::string fresh = add({"--title", "New hotline", "--verified-on", days_ago(89), "--body", "x"});

  auto list = tumar({"note", "list"});
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_TRUE(std::regex_search(list.out, std::regex(expired + "  Closed shelter\n.*\n    STALE: past its "
                                                               "valid-until date")))
      << list.out;
  EXPECT_TRUE(std::regex_search(list.out, std::regex(unverified + "  Old hotline\n.*\n    STALE: not verified for "
                                                                  "90 days")))
      << list.out;
  EXPECT_TRUE(std::regex_search(list.out, std::regex(fresh + "  New hotline\n.*\n(\n|$)"))) << list.out;

  auto stale = tumar({"note", "list", "--stale"});
  EXPECT_NE(stale.out.find(expired), std::string::npos);
  EXPECT_NE(stale.out.find(unverified), std::string::npos);
  EXPECT_EQ(stale.out.find(fresh), std::string::npos) << stale.out;
  auto only_fresh = tumar({"note", "list", "--fresh", "--json"});
  EXPECT_NE(only_fresh.out.find(fresh), std::string::npos);
  EXPECT_EQ(only_fresh.out.find(expired), std::string::npos) << only_fresh.out;
  EXPECT_EQ(tumar({"note", "list", "--stale", "--fresh"}).exit_code, 1);
  auto show = tumar({"note", "show", expired});
  EXPECT_NE(show.out.find("  STALE: past its valid-until date"), std::string::npos) << show.out;
}

TEST_F(NoteCli, BadInputIsRefusedWithASentenceAndNothingIsStored) {
  struct Case {
    std::vector<std::string> flags;
    std::string stdin_text;
    int exit_code;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"--title", "T", "--valid-until", "2024-02-30"}, "", 1, "--valid-until takes a date written YYYY-MM-DD"},
      {{"--title", "T", "--valid-until", "2024-13-01"}, "", 1, "\"2024-13-01\" is not a valid date"},
      {{"--title", "T", "--valid-until", "24-01-01"}, "", 1, "YYYY-MM-DD"},
      {{"--title", "T", "--valid-until", "2024-1-1"}, "", 1, "YYYY-MM-DD"},
      {{"--title", "T", "--verified-on", "tomorrow"}, "", 1, "--verified-on takes a date"},
      {{"--title", "T", "--verified-on", "2999-01-01"}, "", 1, "cannot be later than today"},
      {{"--body", "no title"}, "", 1, "needs a title"},
      {{"--title", "", "--body", "x"}, "", 1, "needs a title"},
      {{"--title", "   ", "--body", "x"}, "", 1, "needs a title"},
      {{"--title", std::string(201, 't'), "--body", "x"}, "", 4, "A note's title can be at most 200 bytes"},
      {{"--title", "T", "--body", std::string(32 * 1024 + 1, 'b')}, "", 4, "A note's text can be at most 32,768 bytes"},
      {{"--title", "T"}, std::string(33 * 1024, 'b'), 4, "this one has 33,792 characters (33,792 bytes)"},
      {{"--title", "Red\x1b[31m alert", "--body", "x"}, "", 1, "control characters"},
      {{"--title", "T", "--tags", std::string(41, 'x')}, "", 4, "Each of the tags (\"xxx"},
      {{"--title", "T", "--network", "Nowhere", "--body", "x"}, "", 1, "No network called"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args{"note", "add"};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    auto r = tumar(args, c.stdin_text);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.says << ": " << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one sentence: " << r.err;
  }
  EXPECT_EQ(notes_json(), "[]\n");
  // A body of exactly the limit is accepted.
  add({"--title", "Long"}, std::string(32 * 1024, 'b'));
}

TEST_F(NoteCli, OnlyTheAuthorOrALeadChangesANote) {
  std::string theirs;
  with_replica(kNetwork, [&](Opened& o) {
    auto bota = found_network_with_us_as_member(o, "Bota's circle");
    network::LocalAuthor as_bota(o.replica, bota, o.rng);
    auto bota_net = o.replica.store().resolve("Bota's circle");
    ASSERT_TRUE(bota_net);
    network::NoteFields f;
    f.title = "Bota's note";
    auto w = as_bota.add_note(bota_net->id, f, now_ms());
    ASSERT_TRUE(w) << w.error().describe();
    theirs = encoding::to_hex(w->id).substr(0, 12);
  });
  auto r = tumar({"note", "verify", theirs});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("Only the note's author (Bota) or a lead of \"Bota's circle\""), std::string::npos) << r.err;
  // We may still add our own note there, and edit it.
  const std::string ours = add({"--network", "Bota's circle", "--title", "Mine", "--body", "x"});
  EXPECT_EQ(tumar({"note", "verify", ours}).exit_code, 0);
  // With two networks, add needs --network.
  auto which = tumar({"note", "add", "--title", "T", "--body", "x"});
  EXPECT_EQ(which.exit_code, 1);
  EXPECT_NE(which.err.find("several networks"), std::string::npos) << which.err;
}

}  // namespace
}  // namespace tumar::test
