#include "core/node/tor_settings.hpp"

#include <algorithm>

#include "core/error_ids.hpp"
#include "core/store/bind.hpp"
#include "core/store/statement.hpp"

namespace tumar::node {

using core::Errc;
using core::ErrorId;

namespace {

constexpr std::string_view kBridgesName = "tor_bridges";
constexpr std::string_view kDirectTcpName = "tor_direct_tcp";

core::Result<std::optional<std::string>> read_setting(store::Database& db, std::string_view name) {
  TUMAR_TRY_ASSIGN(st, store::prepare_bound(db, "SELECT value FROM setting WHERE name = ?1", name));
  TUMAR_TRY_ASSIGN(row, st.step());
  if (!row) return std::optional<std::string>{};
  return std::optional<std::string>(st.column_text(0));
}

core::Result<void> write_setting(store::Database& db, std::string_view name, std::string_view value) {
  return store::execute(db,
                        "INSERT INTO setting (name, value) VALUES (?1, ?2) "
                        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                        name, value);
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t nl = std::min(text.find('\n', at), text.size());
    if (nl > at) out.emplace_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  return out;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) {
    if (!out.empty()) out += '\n';
    out += line;
  }
  return out;
}

core::Result<std::vector<std::string>> read_bridges(store::Database& db) {
  TUMAR_TRY_ASSIGN(value, read_setting(db, kBridgesName));
  if (!value) return std::vector<std::string>{};
  return split_lines(*value);
}

// With no bridges left the row goes, as if none had been added.
core::Result<void> write_bridges(store::Database& db, const std::vector<std::string>& lines) {
  if (lines.empty()) return store::execute(db, "DELETE FROM setting WHERE name = ?1", kBridgesName);
  return write_setting(db, kBridgesName, join_lines(lines));
}

}  // namespace

core::Result<std::vector<std::string>> list_bridges(store::Database& db) { return read_bridges(db); }

core::Result<std::vector<BridgeAdded>> add_bridges(store::Database& db, const std::vector<tor::BridgeLine>& bridges) {
  TUMAR_TRY_ASSIGN(txn, store::Transaction::begin(db));
  TUMAR_TRY_ASSIGN(lines, read_bridges(db));
  std::vector<BridgeAdded> outcome;
  outcome.reserve(bridges.size());
  for (const tor::BridgeLine& b : bridges) {
    // A BridgeLine comes from parse_bridge_line(); one made by hand with a
    // line break would split into two rows' worth on the next read.
    if (b.line.empty() || b.line.find('\n') != std::string::npos) core::misuse("add_bridges: not a canonical line");
    if (std::find(lines.begin(), lines.end(), b.line) != lines.end()) {
      outcome.push_back(BridgeAdded::kAlreadyStored);
      continue;
    }
    if (lines.size() >= kMaxStoredBridges) {
      return core::fail<ErrorId::kTorBridgeTooMany>(Errc::kLimit, kMaxStoredBridges);  // rolled back
    }
    lines.push_back(b.line);
    outcome.push_back(BridgeAdded::kAdded);
  }
  TUMAR_TRY(write_bridges(db, lines));
  TUMAR_TRY(txn.commit());
  return outcome;
}

core::Result<std::string> remove_bridge(store::Database& db, std::size_t index_from_1) {
  TUMAR_TRY_ASSIGN(txn, store::Transaction::begin(db));
  TUMAR_TRY_ASSIGN(lines, read_bridges(db));
  if (index_from_1 == 0 || index_from_1 > lines.size()) {
    return core::fail<ErrorId::kTorBridgeNoSuchNumber>(Errc::kInvalidArgument, index_from_1, lines.size());
  }
  std::string removed = lines[index_from_1 - 1];
  lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(index_from_1 - 1));
  TUMAR_TRY(write_bridges(db, lines));
  TUMAR_TRY(txn.commit());
  return removed;
}

core::Result<void> remove_bridge(store::Database& db, std::string_view canonical_line) {
  TUMAR_TRY_ASSIGN(txn, store::Transaction::begin(db));
  TUMAR_TRY_ASSIGN(lines, read_bridges(db));
  const auto it = std::find(lines.begin(), lines.end(), canonical_line);
  if (it == lines.end()) return core::fail<ErrorId::kTorBridgeNotStored>(Errc::kInvalidArgument);
  lines.erase(it);
  TUMAR_TRY(write_bridges(db, lines));
  return txn.commit();
}

core::Result<bool> direct_tcp_allowed(store::Database& db) {
  TUMAR_TRY_ASSIGN(value, read_setting(db, kDirectTcpName));
  return value.has_value() && *value == "1";
}

core::Result<void> set_direct_tcp(store::Database& db, bool allowed) {
  return write_setting(db, kDirectTcpName, allowed ? "1" : "0");
}

}  // namespace tumar::node
