// KeyFile on disk: create, unlock (real, duress, wrong), change_passphrase,
// set_duress, tampering, and the property that a file with a duress slot
// cannot be told from one without.

#include <gtest/gtest.h>

#include <sodium.h>
#include <sys/stat.h>

#include <cmath>
#include <set>

#include "core/encoding/hex.hpp"
#include "core/error_ids.hpp"
#include "core/profile/key_file.hpp"
#include "core/profile/profile_paths.hpp"
#include "key_file_test_support.hpp"
#include "support/temp_dir.hpp"

namespace tumar::profile {
namespace {

using test::Bytes;
using test::pass;
using test::read_bytes;

constexpr std::string_view kReal = "real passphrase";
constexpr std::string_view kDuress = "duress passphrase";

class KeyFileTest : public ::testing::Test {
 protected:
  void create(std::string_view passphrase = kReal, crypto::RandomSource* rng = nullptr) {
    auto ok = KeyFile::create(path_, pass(passphrase), test::fast(), master_, db_id_, {rng, std::nullopt});
    ASSERT_TRUE(ok) << ok.error().describe();
  }
  core::Result<Unlocked> unlock(std::string_view passphrase) { return KeyFile::unlock(path_, pass(passphrase)); }
  void expect_wrong(std::string_view passphrase) {
    auto u = unlock(passphrase);
    ASSERT_FALSE(u);
    EXPECT_EQ(u.error().code(), core::Errc::kWrongPassphrase);
    EXPECT_EQ(u.error().id(), core::ErrorId::kProfileWrongPassphrase);
  }
  void expect_real(std::string_view passphrase) {
    auto u = unlock(passphrase);
    ASSERT_TRUE(u) << u.error().describe();
    EXPECT_EQ(u->kind, SlotKind::kReal);
    EXPECT_TRUE(crypto::constant_time_equal(u->master.span(), master_.span()));
    EXPECT_EQ(u->db_id, db_id_);
  }

  tumar::test::TempDir dir_;
  std::filesystem::path path_ = ProfilePaths::in(dir_.path()).key_file;
  MasterKey master_ = MasterKey::random();
  DatabaseId db_id_ = test::pattern_db_id(0x40);
};

TEST_F(KeyFileTest, CreateThenUnlockWithTheRealPassphrase) {
  create();
  EXPECT_EQ(read_bytes(path_).size(), kKeyFileSize);
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  expect_real(kReal);
  auto u = unlock(kReal);
  EXPECT_EQ(u->decoy_name, "");
  EXPECT_FALSE(std::filesystem::exists(temp_path_for(path_)));
}

TEST_F(KeyFileTest, WrongPassphraseOpensNothing) {
  create();
  expect_wrong("real passphrasE");
  expect_wrong(kDuress);  // no duress set: just another wrong passphrase
}

TEST_F(KeyFileTest, CreateNeverOverwrites) {
  create();
  const Bytes before = read_bytes(path_);
  auto again = KeyFile::create(path_, pass("other"), test::fast(), MasterKey::random(), db_id_);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), core::Errc::kProfileExists);
  EXPECT_EQ(read_bytes(path_), before);
  // Not even over a dangling symlink (its target would be created).
  const auto link = dir_ / "tumar.key.link";
  std::filesystem::create_symlink(dir_ / "nowhere", link);
  EXPECT_EQ(KeyFile::create(link, pass("x"), test::fast(), master_, db_id_).error().code(),
            core::Errc::kProfileExists);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "nowhere"));
}

TEST_F(KeyFileTest, EmptyPassphrasesAndBadLimitsAreRefused) {
  EXPECT_EQ(KeyFile::create(path_, pass(""), test::fast(), master_, db_id_).error().code(),
            core::Errc::kInvalidArgument);
  EXPECT_EQ(KeyFile::create(path_, pass("x"), KdfLimits{0, 8192}, master_, db_id_).error().code(),
            core::Errc::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(path_));
  create();
  EXPECT_EQ(unlock("").error().code(), core::Errc::kInvalidArgument);
  EXPECT_EQ(KeyFile::change_passphrase(path_, pass(kReal), pass("")).error().code(), core::Errc::kInvalidArgument);
  EXPECT_EQ(KeyFile::change_passphrase(path_, pass(""), pass("x")).error().code(), core::Errc::kInvalidArgument);
  EXPECT_EQ(KeyFile::set_duress(path_, pass(kReal), pass(""), "n").error().code(), core::Errc::kInvalidArgument);
  EXPECT_EQ(KeyFile::set_duress(path_, pass(kReal), pass("d"), std::string(79, 'n')).error().code(),
            core::Errc::kInvalidArgument);
}

TEST_F(KeyFileTest, MissingOrSymlinkedKeyFile) {
  EXPECT_EQ(unlock(kReal).error().code(), core::Errc::kNoProfile);
  EXPECT_EQ(KeyFile::change_passphrase(path_, pass(kReal), pass("x")).error().code(), core::Errc::kNoProfile);
  // A symlink is never followed, not even to a valid key file.
  const auto elsewhere = dir_ / "elsewhere";
  std::filesystem::create_directory(elsewhere);
  ASSERT_TRUE(KeyFile::create(elsewhere / "tumar.key", pass(kReal), test::fast(), master_, db_id_));
  std::filesystem::create_symlink(elsewhere / "tumar.key", path_);
  auto u = unlock(kReal);
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error().code(), core::Errc::kCorrupt);
  EXPECT_EQ(u.error().id(), core::ErrorId::kProfileSymlink);
  EXPECT_EQ(KeyFile::change_passphrase(path_, pass(kReal), pass("x")).error().code(), core::Errc::kCorrupt);
}

TEST_F(KeyFileTest, DuressPassphraseOpensTheDuressSlot) {
  create();
  ASSERT_TRUE(KeyFile::set_duress(path_, pass(kReal), pass(kDuress), "Aigerim (Almaty)"));
  auto d = unlock(kDuress);
  ASSERT_TRUE(d) << d.error().describe();
  EXPECT_EQ(d->kind, SlotKind::kDuress);
  EXPECT_EQ(d->decoy_name, "Aigerim (Almaty)");
  EXPECT_FALSE(crypto::constant_time_equal(d->master.span(), master_.span()));
  EXPECT_NE(d->db_id, db_id_);
  expect_real(kReal);
  expect_wrong("neither");
}

TEST_F(KeyFileTest, SetDuressKnownAnswer) {
  // Same inputs as key_file_vectors.py: salt/nonce/filler from a scripted
  // source, then the duress slot's unused master (0x60..), db id (0x80..)
  // and nonce (0x90..).
  test::ScriptedRandom create_rng(0x00);
  auto ok = KeyFile::create(path_, pass("correct horse battery staple"), test::fast(), test::pattern_key(0xa0),
                            test::pattern_db_id(0xc0), {&create_rng, std::nullopt});
  ASSERT_TRUE(ok);
  test::ScriptedRandom duress_rng(0x60);
  ASSERT_TRUE(KeyFile::set_duress(path_, pass("correct horse battery staple"), pass("duress words"), "Aigerim",
                                  {&duress_rng, std::nullopt}));
  const Bytes f = read_bytes(path_);
  std::array<std::uint8_t, 32> h{};
  crypto_hash_sha256(h.data(), f.data(), f.size());
  EXPECT_EQ(encoding::to_hex(h), "1e7622a17525043e77a75295c4bc1f34626dd14b9464b7940413ff7cae8667fd");
}

TEST_F(KeyFileTest, SetDuressChangesExactlySlotOneAndItLooksTheSame) {
  create();
  const Bytes before = read_bytes(path_);
  ASSERT_TRUE(KeyFile::set_duress(path_, pass(kReal), pass(kDuress), "decoy"));
  const Bytes after = read_bytes(path_);
  ASSERT_EQ(after.size(), before.size());
  const std::size_t slot1 = kHeaderSize + kSlotSize;
  EXPECT_TRUE(std::equal(before.begin(), before.begin() + slot1, after.begin())) << "header or slot 0 changed";
  std::size_t differing = 0;
  for (std::size_t i = slot1; i < kKeyFileSize; ++i) differing += before[i] != after[i];
  EXPECT_GT(differing, kSlotSize - 8);  // new random bytes: ~1/256 equal by chance
}

TEST_F(KeyFileTest, RemoveDuressRefillsSlotOneWithRandomBytesAndNothingElse) {
  create();
  const Bytes never_set = read_bytes(path_);
  ASSERT_TRUE(KeyFile::set_duress(path_, pass(kReal), pass(kDuress), "decoy"));
  const Bytes set = read_bytes(path_);
  // The duress passphrase cannot remove duress; a wrong one neither.
  EXPECT_EQ(KeyFile::remove_duress(path_, pass(kDuress)).error().code(), core::Errc::kWrongPassphrase);
  EXPECT_EQ(KeyFile::remove_duress(path_, pass("guess")).error().code(), core::Errc::kWrongPassphrase);
  EXPECT_EQ(read_bytes(path_), set);

  ASSERT_TRUE(KeyFile::remove_duress(path_, pass(kReal)));
  const Bytes removed = read_bytes(path_);
  ASSERT_EQ(removed.size(), never_set.size());
  const std::size_t slot1 = kHeaderSize + kSlotSize;
  EXPECT_TRUE(std::equal(never_set.begin(), never_set.begin() + slot1, removed.begin())) << "header or slot 0 changed";
  std::size_t differing_from_set = 0, differing_from_unset = 0;
  for (std::size_t i = slot1; i < kKeyFileSize; ++i) {
    differing_from_set += set[i] != removed[i];
    differing_from_unset += never_set[i] != removed[i];
  }
  EXPECT_GT(differing_from_set, kSlotSize - 8);
  EXPECT_GT(differing_from_unset, kSlotSize - 8);  // fresh bytes, not the old filler put back
  EXPECT_FALSE(KeyFile::unlock(path_, pass(kDuress)));
  EXPECT_TRUE(KeyFile::unlock(path_, pass(kReal)));
}

TEST_F(KeyFileTest, SetDuressRefusesTheRealPassphraseAndWrongOnes) {
  create();
  const Bytes before = read_bytes(path_);
  auto same = KeyFile::set_duress(path_, pass(kReal), pass(kReal), "decoy");
  ASSERT_FALSE(same);
  EXPECT_EQ(same.error().code(), core::Errc::kInvalidArgument);
  EXPECT_EQ(same.error().id(), core::ErrorId::kProfileDuressSameAsPassphrase);
  auto wrong = KeyFile::set_duress(path_, pass("guess"), pass(kDuress), "decoy");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code(), core::Errc::kWrongPassphrase);
  EXPECT_EQ(read_bytes(path_), before);
  // With duress set, the duress passphrase cannot stand in for the real one.
  ASSERT_TRUE(KeyFile::set_duress(path_, pass(kReal), pass(kDuress), "decoy"));
  const Bytes with_duress = read_bytes(path_);
  EXPECT_EQ(KeyFile::set_duress(path_, pass(kDuress), pass("other"), "x").error().code(),
            core::Errc::kWrongPassphrase);
  EXPECT_EQ(KeyFile::change_passphrase(path_, pass(kDuress), pass("other")).error().code(),
            core::Errc::kWrongPassphrase);
  EXPECT_EQ(read_bytes(path_), with_duress);
}

TEST_F(KeyFileTest, SettingDuressAgainReplacesTheOldDuressPassphrase) {
  create();
  ASSERT_TRUE(KeyFile::set_duress(path_, pass(kReal), pass(kDuress), "one"));
  ASSERT_TRUE(KeyFile::set_duress(path_, pass(kReal), pass("second duress"), "two"));
  expect_wrong(kDuress);
  auto d = unlock("second duress");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->decoy_name, "two");
}

TEST_F(KeyFileTest, ChangePassphraseRewrapsSlotZeroOnly) {
  create();
  ASSERT_TRUE(KeyFile::set_duress(path_, pass(kReal), pass(kDuress), "decoy"));
  const Bytes before = read_bytes(path_);
  ASSERT_TRUE(KeyFile::change_passphrase(path_, pass(kReal), pass("new passphrase")));
  const Bytes after = read_bytes(path_);
  ASSERT_EQ(after.size(), kKeyFileSize);
  EXPECT_TRUE(std::equal(before.begin(), before.begin() + kHeaderSize, after.begin())) << "header changed";
  EXPECT_TRUE(std::equal(before.begin() + kHeaderSize + kSlotSize, before.end(),
                         after.begin() + kHeaderSize + kSlotSize))
      << "slot 1 changed";
  EXPECT_FALSE(std::equal(before.begin() + kHeaderSize, before.begin() + kHeaderSize + kNonceSize,
                          after.begin() + kHeaderSize))
      << "slot 0 reused its nonce";
  expect_wrong(kReal);
  expect_real("new passphrase");
  auto d = unlock(kDuress);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, SlotKind::kDuress);
  EXPECT_FALSE(std::filesystem::exists(temp_path_for(path_)));
}

TEST_F(KeyFileTest, ChangePassphraseWithAWrongOldOneChangesNothing) {
  create();
  const Bytes before = read_bytes(path_);
  auto r = KeyFile::change_passphrase(path_, pass("guess"), pass("new"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), core::Errc::kWrongPassphrase);
  EXPECT_EQ(read_bytes(path_), before);
  EXPECT_FALSE(std::filesystem::exists(temp_path_for(path_)));
}

TEST_F(KeyFileTest, CreateWithWrappingKeyReusesTheDuressDerivation) {
  // What a duress unlock does: wipe, then make the fresh profile's key file
  // from the key the duress passphrase already produced.
  create();
  ASSERT_TRUE(KeyFile::set_duress(path_, pass(kReal), pass(kDuress), "decoy"));
  auto d = unlock(kDuress);
  ASSERT_TRUE(d);
  std::filesystem::remove(path_);
  const MasterKey fresh = MasterKey::random();
  const DatabaseId fresh_id = test::pattern_db_id(0x99);
  ASSERT_TRUE(KeyFile::create_with_wrapping_key(path_, d->header, d->wrapping_key, fresh, fresh_id));
  auto u = unlock(kDuress);
  ASSERT_TRUE(u) << u.error().describe();
  EXPECT_EQ(u->kind, SlotKind::kReal);  // the duress passphrase is now this profile's real one
  EXPECT_TRUE(crypto::constant_time_equal(u->master.span(), fresh.span()));
  EXPECT_EQ(u->db_id, fresh_id);
  EXPECT_EQ(u->header, d->header);
  expect_wrong(kReal);
  EXPECT_EQ(KeyFile::create_with_wrapping_key(path_, d->header, d->wrapping_key, fresh, fresh_id).error().code(),
            core::Errc::kProfileExists);
}

// Every byte of the file, flipped (low and high bit). A flip in the header
// locks out both passphrases; a flip in a slot locks out that slot's
// passphrase and leaves the other slot working. Nothing crashes. Header
// flips that keep the limits in bounds also fail with the key derived from
// the ORIGINAL header: the header is in the AD, so lowering the KDF limits
// (or changing anything else) cannot work even for someone who could compute
// Argon2id under the new limits.
TEST_F(KeyFileTest, EveryFlippedByteIsRefused) {
  create();
  ASSERT_TRUE(KeyFile::set_duress(path_, pass(kReal), pass(kDuress), "decoy"));
  const Bytes good = read_bytes(path_);
  auto original = parse_key_file(good);
  ASSERT_TRUE(original);
  struct Case {
    std::string_view passphrase;
    SlotKind kind;
    std::size_t slot_start;
  };
  const Case cases[] = {{kReal, SlotKind::kReal, kHeaderSize}, {kDuress, SlotKind::kDuress, kHeaderSize + kSlotSize}};
  for (std::size_t i = 0; i < kKeyFileSize; ++i) {
    for (std::uint8_t bit : {std::uint8_t{0x01}, std::uint8_t{0x80}}) {
      Bytes bad = good;
      bad[i] ^= bit;
      auto parsed = parse_key_file(bad);
      if (!parsed) {
        ASSERT_LT(i, kHeaderSize) << "only a header flip can make the file unparsable";
        EXPECT_EQ(parsed.error().code(), core::Errc::kCorrupt);
        continue;
      }
      for (const Case& c : cases) {
        const bool must_fail = i < kHeaderSize || (i >= c.slot_start && i < c.slot_start + kSlotSize);
        auto key = derive_wrapping_key(pass(c.passphrase), original->header);
        ASSERT_TRUE(key);
        auto r = open_key_file(*parsed, std::move(*key));
        if (!must_fail) {
          ASSERT_TRUE(r) << "byte " << i << " bit " << int(bit);
          EXPECT_EQ(r->kind, c.kind);
          continue;
        }
        ASSERT_FALSE(r) << "byte " << i << " bit " << int(bit);
        EXPECT_EQ(r.error().code(), core::Errc::kWrongPassphrase);
        if (parsed->header.limits.memlimit <= (std::uint64_t{64} << 20)) {  // end to end, when cheap
          auto e = unlock_key_file_bytes(bad, pass(c.passphrase));
          ASSERT_FALSE(e) << "byte " << i << " bit " << int(bit);
          EXPECT_EQ(e.error().code(), core::Errc::kWrongPassphrase);
        }
      }
    }
  }
}

// A crude randomness check, fine for telling "uniform bytes" from "a
// structure" (zero padding, a length field, a fixed kind byte): the chi-square
// statistic of the byte histogram, 255 degrees of freedom (mean 255, sd 22.6).
double chi_square(const Bytes& b) {
  std::array<double, 256> n{};
  for (auto x : b) n[x] += 1;
  const double expected = static_cast<double>(b.size()) / 256.0;
  double chi = 0;
  for (double c : n) chi += (c - expected) * (c - expected) / expected;
  return chi;
}

TEST(KeyFileLookAlike, SlotOneLooksTheSameWithAndWithoutDuress) {
  tumar::test::TempDir dir;
  Bytes unset_slots, set_slots, real_slots;
  constexpr int kFiles = 40;
  for (int i = 0; i < kFiles; ++i) {
    crypto::DeterministicRandom rng(static_cast<std::uint64_t>(1000 + i));  // reproducible, not flaky
    const auto a = dir / ("a" + std::to_string(i));
    const auto b = dir / ("b" + std::to_string(i));
    const MasterKey m = MasterKey::random();
    const DatabaseId id{};
    ASSERT_TRUE(KeyFile::create(a, pass(kReal), test::fast(), m, id, {&rng, std::nullopt}));
    ASSERT_TRUE(KeyFile::create(b, pass(kReal), test::fast(), m, id, {&rng, std::nullopt}));
    ASSERT_TRUE(KeyFile::set_duress(b, pass(kReal), pass(kDuress), "", {&rng, std::nullopt}));
    const Bytes fa = read_bytes(a), fb = read_bytes(b);
    ASSERT_EQ(fa.size(), fb.size());
    unset_slots.insert(unset_slots.end(), fa.begin() + kHeaderSize + kSlotSize, fa.end());
    set_slots.insert(set_slots.end(), fb.begin() + kHeaderSize + kSlotSize, fb.end());
    real_slots.insert(real_slots.end(), fa.begin() + kHeaderSize, fa.begin() + kHeaderSize + kSlotSize);
    // Per file: a sealed slot has as many distinct byte values as random
    // bytes do (~123 of 168 expected; zero padding in clear would give far fewer).
    for (const Bytes* f : {&fa, &fb}) {
      std::set<std::uint8_t> distinct(f->begin() + kHeaderSize + kSlotSize, f->end());
      EXPECT_GT(distinct.size(), 95u);
    }
  }
  // 6720 bytes per group. 350 is about four standard deviations out.
  EXPECT_LT(chi_square(unset_slots), 350.0);
  EXPECT_LT(chi_square(set_slots), 350.0);
  EXPECT_LT(chi_square(real_slots), 350.0);
  // And they are not accidentally the same bytes.
  EXPECT_NE(unset_slots, set_slots);
}

}  // namespace
}  // namespace tumar::profile
