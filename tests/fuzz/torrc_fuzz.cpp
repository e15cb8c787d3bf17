// Fuzz target: a user's torrc lines (core/tor/torrc), checked against a
// naive list of the options tumar must own. Checks: tests/core/tor/
// tor_driver_fuzz_drive.hpp. Seeds: tests/fuzz/corpus/torrc/ (written by
// TorDriverFuzzSeeds tests).

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/tor/tor_driver_fuzz_drive.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tumar::tor::fuzz::check_torrc(std::span<const std::uint8_t>(data, size));
  return 0;
}
