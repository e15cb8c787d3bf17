// Issue 16, point 3: what `msg delete`, a ratchet step and a deleted prekey
// leave on disk. After each, every page of the database, every WAL frame
// and every other file of the profile is decrypted with the page key (as
// someone who learnt the passphrase would) and searched for the removed
// bytes: no copy may be left, with `tumar serve` holding the profile open in
// another process and after it stopped.

#include <signal.h>

#include <optional>

#include "core/profile/key_file.hpp"
#include "core/ratchet/prekeys.hpp"
#include "network_cli_fixture.hpp"
#include "support/profile_scan.hpp"

namespace tumar::test {
namespace {

class MsgWipeCli : public NetworkCli {
 protected:
  void SetUp() override {
    NetworkCli::SetUp();
    create_network();
    bota_ = add_bota();
  }

  // Bota, a member whose node has published a signed prekey.
  std::optional<identity::LocalIdentity> add_bota() {
    std::optional<identity::LocalIdentity> out;
    with_replica(kNetwork, [&](Opened& o) {
      auto bota = admit(o, "Bota", network::Role::kMember);
      auto spk = ratchet::generate_signed_prekey(bota, 1, o.rng);
      network::PrekeyFields b;
      b.signed_prekey_id = spk.pub.id;
      b.signed_prekey = spk.pub.key;
      b.signed_prekey_signature = spk.pub.signature;
      network::LocalAuthor as_bota(o.replica, bota, o.rng);
      auto w = as_bota.publish_prekeys(o.net, b, now_ms());
      ASSERT_TRUE(w) << w.error().describe();
      out.emplace(std::move(bota));
    });
    return out;
  }

  // The page cipher of the profile, from its key file and passphrase.
  store::PageCipher cipher() {
    const std::string p = kPassphrase;
    auto pass = crypto::SecretBuffer::copy_of({reinterpret_cast<const std::uint8_t*>(p.data()), p.size()});
    auto unlocked = profile::KeyFile::unlock(std::filesystem::path(home_) / "tumar.key", pass);
    EXPECT_TRUE(unlocked) << unlocked.error().describe();
    return store::PageCipher(profile::derive_page_key(unlocked->master), unlocked->db_id);
  }

  ScanReport scan(std::span<const std::uint8_t> needle) {
    auto report = scan_profile(home_, cipher(), needle);
    EXPECT_EQ(report.pages_unreadable, 0u) << "a database page did not authenticate: wrong key?";
    EXPECT_GT(report.pages_opened, 0u);
    return report;
  }
  ScanReport scan(const std::string& needle) {
    return scan(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(needle.data()), needle.size()));
  }

  // One column of the first row a query returns, read in this process.
  std::vector<std::uint8_t> read_blob(const std::string& sql) {
    std::vector<std::uint8_t> out;
    with_replica(kNetwork, [&](Opened& o) {
      auto st = o.replica.store().database().prepare(sql);
      ASSERT_TRUE(st) << st.error().describe();
      auto row = st->step();
      ASSERT_TRUE(row && *row) << sql;
      auto blob = st->column_blob(0);
      out.assign(blob.begin(), blob.end());
    });
    return out;
  }

  std::int64_t read_int(const std::string& sql) {
    std::int64_t out = -1;
    with_replica(kNetwork, [&](Opened& o) {
      auto st = o.replica.store().database().prepare(sql);
      ASSERT_TRUE(st) << st.error().describe();
      auto row = st->step();
      ASSERT_TRUE(row && *row) << sql;
      out = st->column_int64(0);
    });
    return out;
  }

  void start_serve(std::optional<BackgroundProcess>& node) {
    node.emplace(std::vector<std::string>{TUMAR_EXE, "--home", home_, "--passphrase-file", pass_, "serve", "--listen",
                                          "127.0.0.1:0"},
                 (dir_ / "serve").string());
    ASSERT_TRUE(node->wait_output("listening on", std::chrono::seconds(30))) << node->out();
  }

  void stop_serve(std::optional<BackgroundProcess>& node) {
    ASSERT_EQ(::kill(node->pid(), SIGTERM), 0);
    ASSERT_TRUE(node->wait_exit(std::chrono::seconds(20)));
    EXPECT_EQ(node->exit_code(), 0);
  }

  std::optional<identity::LocalIdentity> bota_;
};

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

TEST_F(MsgWipeCli, ADeletedMessageLeavesNoCopyInAnyFileWhileServeRunsAndAfterItStops) {
  const std::string text = "ZQX-MEET-AT-THE-BACK-DOOR-OF-THE-SHELTER";
  // A node holds the profile open meanwhile, so the WAL is never deleted
  // by a command that closes it last; other messages follow, so the page
  // holding the text is written again and again, as on a device in use.
  std::optional<BackgroundProcess> node;
  start_serve(node);
  ASSERT_EQ(tumar({"msg", "send", "Bota", text}).exit_code, 0);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(tumar({"msg", "send", "Bota", "filler " + std::to_string(i)}).exit_code, 0);
  const ScanReport before = scan(text);
  ASSERT_TRUE(before.found()) << "the scan must see the message before it is deleted";

  auto deleted = tumar({"msg", "delete", "1"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  const ScanReport serving = scan(text);
  EXPECT_FALSE(serving.found()) << "with serve running:\n" << joined(serving.hits);
  std::printf("[ wipe ] serve running: WAL %llu bytes before the delete (%zu copies of the text), %llu after it\n",
              static_cast<unsigned long long>(before.wal_bytes), before.copies,
              static_cast<unsigned long long>(serving.wal_bytes));

  stop_serve(node);
  const ScanReport stopped = scan(text);
  EXPECT_FALSE(stopped.found()) << "after serve stopped:\n" << joined(stopped.hits);
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(home_) / "tumar.db-wal"));
  auto list = tumar({"msg", "list"});
  EXPECT_EQ(list.out.find(text), std::string::npos);
  EXPECT_NE(list.out.find("filler 4"), std::string::npos) << list.out;
}

TEST_F(MsgWipeCli, ARatchetStateLeavesNoCopyOnceTheNextMessageAdvancedIt) {
  ASSERT_EQ(tumar({"msg", "send", "Bota", "first"}).exit_code, 0);
  const auto old_state = read_blob("SELECT state FROM dm_session");
  ASSERT_GT(old_state.size(), 64u);
  std::optional<BackgroundProcess> node;
  start_serve(node);
  ASSERT_TRUE(scan(old_state).found()) << "the scan must see the state while it is current";
  ASSERT_EQ(tumar({"msg", "send", "Bota", "second"}).exit_code, 0);  // advances the sending chain
  const ScanReport serving = scan(old_state);
  EXPECT_FALSE(serving.found()) << joined(serving.hits);
  stop_serve(node);
  EXPECT_FALSE(scan(old_state).found());
}

TEST_F(MsgWipeCli, ADeletedPrivatePrekeyLeavesNoCopy) {
  std::optional<BackgroundProcess> node;
  start_serve(node);
  // `msg send` refreshes our prekeys: a dedicated one-time prekey for Bota.
  ASSERT_EQ(tumar({"msg", "send", "Bota", "hello"}).exit_code, 0);
  const auto key = bota_->public_identity().identity_key;
  const std::string of_bota = "sender = x'" + encoding::to_hex(key) + "'";
  const auto private_key = read_blob("SELECT private_key FROM dm_prekey WHERE signed = 0 AND " + of_bota);
  ASSERT_EQ(private_key.size(), 32u);
  ASSERT_TRUE(scan(private_key).found());

  // Once Bota is removed, the next refresh deletes the prekey kept for her.
  ASSERT_EQ(tumar({"member", "remove", "Bota"}).exit_code, 0);
  ASSERT_EQ(tumar({"msg", "list"}).exit_code, 0);
  EXPECT_EQ(read_int("SELECT count(*) FROM dm_prekey WHERE " + of_bota), 0);
  const ScanReport serving = scan(private_key);
  EXPECT_FALSE(serving.found()) << joined(serving.hits);
  stop_serve(node);
  EXPECT_FALSE(scan(private_key).found());
}

}  // namespace
}  // namespace tumar::test
