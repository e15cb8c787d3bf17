// Fuzz target: the tor restart policy (core/tor/tor_supervision) driven by
// any sequence of events on a virtual clock. Checks: tests/core/tor/
// tor_driver_fuzz_drive.hpp. Seeds: tests/fuzz/corpus/tor_supervision/
// (written by TorDriverFuzzSeeds tests).

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/tor/tor_driver_fuzz_drive.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tumar::tor::fuzz::check_supervision(std::span<const std::uint8_t>(data, size));
  return 0;
}
