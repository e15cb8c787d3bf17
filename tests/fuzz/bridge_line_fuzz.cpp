// Fuzz target: a bridge line as a person pastes it (core/tor/bridge_line).
// Checks: tests/core/tor/bridge_line_fuzz_drive.hpp. Seeds:
// tests/fuzz/corpus/bridge_line/ (written by BridgeLineFuzzSeeds tests).

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/tor/bridge_line_fuzz_drive.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tumar::tor::fuzz::check_bridge_line(std::span<const std::uint8_t>(data, size));
  return 0;
}
