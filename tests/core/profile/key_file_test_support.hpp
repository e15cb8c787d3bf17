#pragma once
// Shared by the key-file, panic and wipe-watch tests: a scripted randomness
// source (so known answers are reproducible from key_file_vectors.py),
// passphrases as SecretBuffers, raw file reads, and fast KDF limits.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string_view>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/crypto/secret.hpp"
#include "core/profile/kdf_limits.hpp"
#include "core/profile/key_file_format.hpp"

namespace tumar::profile::test {

using Bytes = std::vector<std::uint8_t>;

// Fills with a running byte counter: start, start+1, ... across calls.
class ScriptedRandom final : public crypto::RandomSource {
 public:
  explicit ScriptedRandom(std::uint8_t start) : next_(start) {}
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = next_++;
  }

 private:
  std::uint8_t next_;
};

inline crypto::SecretBuffer pass(std::string_view s) {
  return crypto::SecretBuffer::copy_of(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
}

inline Bytes read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline void write_bytes(const std::filesystem::path& p, std::span<const std::uint8_t> b) {
  std::ofstream(p, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

inline crypto::Secret<32> pattern_key(std::uint8_t first) {
  crypto::Secret<32> k;
  for (std::size_t i = 0; i < 32; ++i) k.data()[i] = static_cast<std::uint8_t>(first + i);
  return k;
}

inline DatabaseId pattern_db_id(std::uint8_t first) {
  DatabaseId id{};
  for (std::size_t i = 0; i < id.size(); ++i) id[i] = static_cast<std::uint8_t>(first + i);
  return id;
}

// Tests only: Argon2id's minimum, so hundreds of unlocks take milliseconds.
inline KdfLimits fast() { return kdf_limits_minimum_for_tests(); }

}  // namespace tumar::profile::test
