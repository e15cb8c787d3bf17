#include "cli/demo/evidence.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "core/store/page_cipher.hpp"

namespace tumar::cli::demo {
namespace fs = std::filesystem;

std::string hex_dump(std::span<const std::uint8_t> bytes, std::size_t max_bytes, std::string_view indent) {
  std::string out;
  const std::size_t n = std::min(bytes.size(), max_bytes);
  for (std::size_t line = 0; line < n; line += 16) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%04zx  ", line);
    out.append(indent).append(buf);
    std::string text;
    for (std::size_t i = line; i < line + 16; ++i) {
      if (i < n) {
        std::snprintf(buf, sizeof buf, "%02x ", bytes[i]);
        out.append(buf);
        text.push_back(bytes[i] >= 0x20 && bytes[i] < 0x7F ? static_cast<char>(bytes[i]) : '.');
      } else {
        out.append("   ");
      }
    }
    out.append(" |").append(text).append("|\n");
  }
  return out;
}

bool contains(std::span<const std::uint8_t> haystack, std::string_view needle) {
  if (needle.empty()) return true;
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                     [](std::uint8_t a, char b) { return a == static_cast<std::uint8_t>(b); }) != haystack.end();
}

namespace {

std::vector<std::uint8_t> slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

std::vector<std::string> files_containing(const fs::path& dir, std::string_view needle) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    if (contains(slurp(it->path()), needle)) out.push_back(fs::relative(it->path(), dir, ec).string());
  }
  return out;
}

std::vector<std::uint8_t> read_page(const fs::path& file, std::size_t number) {
  constexpr std::size_t kPage = store::kPageSize;
  std::ifstream in(file, std::ios::binary);
  std::vector<std::uint8_t> page(kPage);
  in.seekg(static_cast<std::streamoff>((number - 1) * kPage));
  if (!in.read(reinterpret_cast<char*>(page.data()), kPage)) return {};
  return page;
}

std::size_t page_count(const fs::path& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  return ec ? 0 : static_cast<std::size_t>(size / store::kPageSize);
}

std::string listing(const fs::path& dir, std::string_view indent) {
  std::vector<std::pair<std::string, std::uintmax_t>> entries;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code size_ec;
    const auto size = it->is_regular_file(size_ec) ? it->file_size(size_ec) : 0;
    entries.emplace_back(it->path().filename().string(), size);
  }
  std::sort(entries.begin(), entries.end());
  if (entries.empty()) return std::string(indent) + "(empty)\n";
  std::string out;
  for (const auto& [name, size] : entries) {
    out.append(indent).append(name).append("  ").append(std::to_string(size)).append(" bytes\n");
  }
  return out;
}

}  // namespace tumar::cli::demo
