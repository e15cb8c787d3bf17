#include "support/fuzz_seeds.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#ifndef TUMAR_SOURCE_DIR
#error "tests/CMakeLists.txt defines TUMAR_SOURCE_DIR for this file"
#endif

namespace tumar::test {

std::filesystem::path fuzz_corpus(std::string_view target) {
  return std::filesystem::path(TUMAR_SOURCE_DIR) / "tests" / "fuzz" / "corpus" / target;
}

void check_or_write_seed(const std::filesystem::path& path, std::span<const std::uint8_t> bytes) {
  if (std::getenv("TUMAR_WRITE_FUZZ_SEEDS") != nullptr) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return;
  }
  std::ifstream f(path, std::ios::binary);
  ASSERT_TRUE(f) << path << " is missing; regenerate with TUMAR_WRITE_FUZZ_SEEDS=1";
  const std::vector<std::uint8_t> have((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(have.size() == bytes.size() && std::equal(have.begin(), have.end(), bytes.begin()))
      << path << " is stale; regenerate with TUMAR_WRITE_FUZZ_SEEDS=1";
}

}  // namespace tumar::test
