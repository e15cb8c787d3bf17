#pragma once
// What the demo shows as evidence: hex dumps of real bytes, and searches of
// captures and files for the plaintext a step wrote. Plain text only (no
// colours), so the same output reads on a projector and in a log file.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tumar::cli::demo {

// Offset, 16 bytes in hex, and the printable ones (others as '.'), at most
// `max_bytes` bytes, every line prefixed with `indent`.
std::string hex_dump(std::span<const std::uint8_t> bytes, std::size_t max_bytes, std::string_view indent);

bool contains(std::span<const std::uint8_t> haystack, std::string_view needle);

// Names (relative to `dir`) of the regular files under `dir` holding `needle`.
std::vector<std::string> files_containing(const std::filesystem::path& dir, std::string_view needle);

// Page `number` (1-based, SQLite's numbering) of a database file; empty if
// the file is shorter.
std::vector<std::uint8_t> read_page(const std::filesystem::path& file, std::size_t number);
std::size_t page_count(const std::filesystem::path& file);

// One line per entry of `dir`: name and size; "(empty)" if there is none.
std::string listing(const std::filesystem::path& dir, std::string_view indent);

}  // namespace tumar::cli::demo
