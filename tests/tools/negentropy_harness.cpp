// tumar's side of the Negentropy conformance harness: the stdio protocol of
// hoytech/negentropy's test/cpp/harness.cpp, so the reference's
// test/fuzz.pl and test/test.pl can drive tumar against the reference
// implementations (and tests/tools/negentropy_conformance.cpp drives it
// against itself or any other harness).
//
// Input lines:                      Output lines:
//   item,TIMESTAMP,IDHEX              msg,HEX      (a message to relay)
//   seal                              have,IDHEX   (client: we have, peer lacks)
//   initiate      (become client)     need,IDHEX   (client: peer has, we lack)
//   msg,HEX       (from the peer)     done         (client: reconciliation complete)
//
// The frame size limit comes from the environment variable FRAMESIZELIMIT
// (0 or unset: none). Like the reference, a side that has not initiated
// answers every msg as a server. Any error ends the process with status 1
// and a line on stderr.

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/encoding/hex.hpp"
#include "core/reconcile/negentropy.hpp"

namespace {

using namespace tumar;
using reconcile::Id;

[[noreturn]] void die(const std::string& why) {
  std::cerr << "negentropy_harness: " << why << std::endl;
  std::exit(1);
}

std::uint64_t parse_u64(std::string_view s, const char* what) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) die(std::string("bad ") + what + ": " + std::string(s));
  return v;
}

std::vector<std::uint8_t> parse_hex(std::string_view s) {
  auto bytes = encoding::from_hex(s);
  if (!bytes) die("bad hex");
  return std::move(*bytes);
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

template <typename T>
T ok_or_die(core::Result<T> r) {
  if (!r) die(r.error().describe());
  return std::move(*r);
}

void send(const std::vector<std::uint8_t>& message, std::uint64_t limit) {
  if (limit != 0 && message.size() > limit) die("frame size limit exceeded");
  std::cout << "msg," << encoding::to_hex(message) << std::endl;
}

}  // namespace

int main() {
  std::uint64_t limit = 0;
  if (const char* env = std::getenv("FRAMESIZELIMIT"); env != nullptr && *env != '\0') {
    limit = parse_u64(env, "FRAMESIZELIMIT");
  }
  reconcile::SortedItems items;
  std::optional<reconcile::Negentropy> ne;

  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    const auto fields = split(line);
    const std::string_view cmd = fields[0];
    if (cmd == "item") {
      if (fields.size() != 3) die("wrong number of fields in an item line");
      const auto id = parse_hex(fields[2]);
      if (auto r = items.insert(parse_u64(fields[1], "timestamp"), id); !r) die(r.error().describe());
    } else if (cmd == "seal") {
      if (auto r = items.seal(); !r) die(r.error().describe());
      ne.emplace(ok_or_die(reconcile::Negentropy::make(items, limit)));
    } else if (cmd == "initiate") {
      if (!ne) die("initiate before seal");
      send(ok_or_die(ne->initiate()), limit);
    } else if (cmd == "msg") {
      if (!ne) die("msg before seal");
      const auto in = fields.size() >= 2 ? parse_hex(fields[1]) : std::vector<std::uint8_t>{};
      if (!ne->is_initiator()) {
        send(ok_or_die(ne->reconcile(in)), limit);
        continue;
      }
      std::vector<Id> have, need;
      auto next = ok_or_die(ne->reconcile(in, have, need));
      for (const Id& id : have) std::cout << "have," << encoding::to_hex(id) << '\n';
      for (const Id& id : need) std::cout << "need," << encoding::to_hex(id) << '\n';
      if (!next) {
        std::cout << "done" << std::endl;
        continue;
      }
      send(*next, limit);
    } else {
      die("unknown command: " + std::string(cmd));
    }
  }
  return 0;
}
