#pragma once
// The committed seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/):
// each *_fuzz_seeds_test makes its seeds from real protocol runs and checks
// the committed files still hold exactly those bytes, so a change to a wire
// format cannot leave a corpus that no longer reaches past the first check.
// With TUMAR_WRITE_FUZZ_SEEDS=1 set, the files are rewritten instead.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

namespace tumar::test {

// tests/fuzz/corpus/<target>, found from the source tree CMake configured
// (not from __FILE__, which ccache's base_dir makes relative: the test then
// passed only when run from the build directory).
std::filesystem::path fuzz_corpus(std::string_view target);

// Writes `bytes` to `path` when TUMAR_WRITE_FUZZ_SEEDS is set; otherwise a
// GoogleTest failure unless the file holds exactly `bytes`.
void check_or_write_seed(const std::filesystem::path& path, std::span<const std::uint8_t> bytes);

}  // namespace tumar::test
