#include "core/node/node_status.hpp"

#include <algorithm>
#include <charconv>

#include "core/encoding/hex.hpp"
#include "core/store/bind.hpp"

namespace tumar::node {
namespace {

constexpr std::string_view kReachedPrefix = "reached:";

core::Result<void> put(store::Database& db, const std::string& name, const std::string& value) {
  return store::execute(db,
                        "INSERT INTO setting (name, value) VALUES (?1, ?2) "
                        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                        name, value);
}

core::Result<std::optional<std::string>> get(store::Database& db, const std::string& name) {
  TUMAR_TRY_ASSIGN(st, store::prepare_bound(db, "SELECT value FROM setting WHERE name = ?1", name));
  TUMAR_TRY_ASSIGN(row, st.step());
  if (!row) return std::optional<std::string>{};
  return std::optional<std::string>(st.column_text(0));
}

// A number this node wrote; anything else reads as 0 (a row it did not write).
std::int64_t number(const std::optional<std::string>& text) {
  if (!text) return 0;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc{} || end != text->data() + text->size()) return 0;
  return v;
}

}  // namespace

core::Result<void> record_reached(store::Database& db, const identity::IdentityKey& peer, std::uint64_t unix_s) {
  return put(db, std::string(kReachedPrefix) + encoding::to_hex(peer), std::to_string(unix_s));
}

core::Result<std::map<identity::IdentityKey, std::uint64_t>> reached_times(store::Database& db) {
  std::map<identity::IdentityKey, std::uint64_t> out;
  TUMAR_TRY_ASSIGN(st, db.prepare("SELECT name, value FROM setting WHERE name LIKE 'reached:%'"));
  while (true) {
    TUMAR_TRY_ASSIGN(row, st.step());
    if (!row) break;
    const std::string name = st.column_text(0);
    auto bytes = encoding::from_hex(std::string_view(name).substr(kReachedPrefix.size()));
    if (!bytes || bytes->size() != identity::IdentityKey{}.size()) continue;
    identity::IdentityKey key{};
    std::copy(bytes->begin(), bytes->end(), key.begin());
    out[key] = static_cast<std::uint64_t>(number(st.column_text(1)));
  }
  return out;
}

core::Result<void> record_tor_state(store::Database& db, const TorState& state) {
  TUMAR_TRY(put(db, "tor_state", state.state));
  TUMAR_TRY(put(db, "tor_progress", std::to_string(state.progress)));
  TUMAR_TRY(put(db, "tor_summary", state.summary));
  return put(db, "tor_since", std::to_string(state.since_s));
}

core::Result<std::optional<TorState>> tor_state(store::Database& db) {
  TUMAR_TRY_ASSIGN(state, get(db, "tor_state"));
  if (!state) return std::optional<TorState>{};
  TorState out;
  out.state = *state;
  TUMAR_TRY_ASSIGN(progress, get(db, "tor_progress"));
  TUMAR_TRY_ASSIGN(summary, get(db, "tor_summary"));
  TUMAR_TRY_ASSIGN(since, get(db, "tor_since"));
  out.progress = static_cast<int>(number(progress));
  out.summary = summary.value_or("");
  out.since_s = static_cast<std::uint64_t>(number(since));
  return std::optional<TorState>(std::move(out));
}

core::Result<void> record_serve_pid(store::Database& db, std::optional<std::int64_t> pid) {
  if (!pid) return store::execute(db, "DELETE FROM setting WHERE name = 'serve_pid'");
  return put(db, "serve_pid", std::to_string(*pid));
}

core::Result<std::optional<std::int64_t>> serve_pid(store::Database& db) {
  TUMAR_TRY_ASSIGN(text, get(db, "serve_pid"));
  const std::int64_t pid = number(text);
  if (pid <= 0) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>(pid);
}

}  // namespace tumar::node
