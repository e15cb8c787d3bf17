// Fuzz target: tor's control protocol: the reply parser chunked against
// whole, every reply parser on every reply, and the command builders fed the
// input as arguments. Input layout and checks: tests/core/tor/tor_fuzz_drive.hpp.
// Seeds: tests/fuzz/corpus/tor_control/ (written by TorFuzzSeeds tests).

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/tor/tor_fuzz_drive.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tumar::tor::fuzz::check_control(std::span<const std::uint8_t>(data, size));
  return 0;
}
