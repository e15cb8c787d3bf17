// The committed seed corpus of the key_file fuzz target
// (tests/fuzz/corpus/key_file/): real key files at the Argon2id minimum that
// the passphrase "fuzz" opens (real slot; duress slot), one at interactive
// limits (parsed only by the target), and a truncated one. This test
// regenerates them from scripted randomness and checks the files still match,
// so a format change cannot leave stale seeds. To rewrite them:
//     TUMAR_WRITE_FUZZ_SEEDS=1 ./tumar_core_tests --gtest_filter='KeyFileFuzzSeeds.*'

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "core/profile/key_file.hpp"
#include "key_file_test_support.hpp"
#include "support/temp_dir.hpp"
#include "support/fuzz_seeds.hpp"

namespace tumar::profile {
namespace {

namespace fs = std::filesystem;
using test::Bytes;
using test::pass;

fs::path corpus_dir() { return tumar::test::fuzz_corpus("key_file"); }

void check_or_write(const std::string& file, const Bytes& content) {
  tumar::test::check_or_write_seed(corpus_dir() / file, content);
}

Bytes make(std::string_view real, std::optional<std::string_view> duress, const KdfLimits& limits) {
  tumar::test::TempDir dir;
  const fs::path key = dir / "tumar.key";
  test::ScriptedRandom rng(0x00);
  EXPECT_TRUE(KeyFile::create(key, pass(real), limits, test::pattern_key(0xa0), test::pattern_db_id(0xc0),
                              {&rng, std::nullopt}));
  if (duress) {
    EXPECT_TRUE(KeyFile::set_duress(key, pass(real), pass(*duress), "decoy", {&rng, std::nullopt}));
  }
  return test::read_bytes(key);
}

TEST(KeyFileFuzzSeeds, SeedsAreCurrent) {
  const Bytes real = make("fuzz", std::nullopt, test::fast());
  ASSERT_TRUE(unlock_key_file_bytes(real, pass("fuzz")));
  check_or_write("valid_real", real);
  const Bytes duress = make("other", "fuzz", test::fast());
  auto d = unlock_key_file_bytes(duress, pass("fuzz"));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, SlotKind::kDuress);
  check_or_write("valid_duress", duress);
  check_or_write("valid_interactive_limits", make("fuzz", std::nullopt, kdf_limits(KdfStrength::kInteractive)));
  check_or_write("truncated", Bytes(real.begin(), real.begin() + 200));
}

}  // namespace
}  // namespace tumar::profile
