// Fuzz target: the SOCKS5 client (core/tor/socks5.hpp) against what a SOCKS
// server may send, checked against a naive reference reading of RFC 1928
// and 1929. Input layout and checks: tests/core/tor/tor_fuzz_drive.hpp.
// Seeds: tests/fuzz/corpus/socks5_client/ (written by TorFuzzSeeds tests).

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/tor/tor_fuzz_drive.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tumar::tor::fuzz::check_socks(std::span<const std::uint8_t>(data, size));
  return 0;
}
