#include "core/ratchet/skipped_keys.hpp"

#include <algorithm>
#include <limits>

#include "core/error.hpp"

namespace tumar::ratchet {

std::optional<SkippedKeys::Hit> SkippedKeys::find(std::span<const std::uint8_t> sealed_header) const {
  for (std::size_t c = 0; c < chains_.size(); ++c) {
    RatchetHeader h;
    if (!open_header(chains_[c].header_key, sealed_header, h)) continue;
    const auto& entries = chains_[c].entries;
    const auto it = std::lower_bound(entries.begin(), entries.end(), h.n,
                                     [](const Entry& e, std::uint32_t n) { return e.n < n; });
    if (it != entries.end() && it->n == h.n) return Hit{c, static_cast<std::size_t>(it - entries.begin()), h};
  }
  return std::nullopt;
}

bool SkippedKeys::recognizes(std::span<const std::uint8_t> sealed_header) const {
  RatchetHeader h;
  return std::any_of(chains_.begin(), chains_.end(),
                     [&](const Chain& c) { return open_header(c.header_key, sealed_header, h); });
}

void SkippedKeys::erase(const Hit& hit) {
  auto& entries = chains_[hit.chain].entries;
  entries.erase(entries.begin() + static_cast<std::ptrdiff_t>(hit.entry));  // Key's destructor wipes it
  --total_;
  if (entries.empty()) chains_.erase(chains_.begin() + static_cast<std::ptrdiff_t>(hit.chain));
}

void SkippedKeys::commit(std::vector<Staged>& staged, std::uint64_t now_ms) {
  for (auto& s : staged) {
    auto chain = std::find_if(chains_.begin(), chains_.end(), [&](const Chain& c) {
      return crypto::constant_time_equal(c.header_key.span(), s.header_key.span());
    });
    if (chain == chains_.end()) {
      chains_.push_back(Chain{std::move(s.header_key), {}});
      chain = chains_.end() - 1;
    }
    // Keys are skipped in increasing n within a chain (Nr only grows), so
    // this appends; the search keeps even a restored state's order without
    // trusting it, and a number already stored gets the new key.
    if (next_seq_ == std::numeric_limits<std::uint64_t>::max()) core::misuse("ratchet: skipped key sequence exhausted");
    auto& entries = chain->entries;
    const auto at = std::lower_bound(entries.begin(), entries.end(), s.n,
                                     [](const Entry& e, std::uint32_t n) { return e.n < n; });
    if (at != entries.end() && at->n == s.n) {
      at->message_key = std::move(s.message_key);
      at->seq = next_seq_++;
      at->skipped_at_ms = now_ms;
      continue;
    }
    entries.insert(at, Entry{s.n, std::move(s.message_key), next_seq_++, now_ms});
    ++total_;
  }
  staged.clear();
  while (total_ > kMaxSkippedKeys) evict_oldest();
}

SkippedKeys::Expiry SkippedKeys::expire(std::uint64_t now_ms) {
  Expiry out;
  for (std::size_t c = chains_.size(); c-- > 0;) {
    auto& entries = chains_[c].entries;
    for (std::size_t e = entries.size(); e-- > 0;) {
      Entry& entry = entries[e];
      if (entry.skipped_at_ms == 0 || entry.skipped_at_ms > now_ms) {
        entry.skipped_at_ms = now_ms;
        ++out.stamped;
      } else if (now_ms - entry.skipped_at_ms >= kSkippedKeyLifetimeMs) {
        erase(Hit{c, e, {}});  // drops the chain with its last key; indices below c and e stay valid
        ++out.erased;
      }
    }
  }
  return out;
}

void SkippedKeys::evict_oldest() {
  // (A chain is never empty: erase() drops it with its last key.)
  std::size_t oldest_chain = 0;
  std::size_t oldest_entry = 0;
  std::uint64_t oldest_seq = std::numeric_limits<std::uint64_t>::max();
  for (std::size_t c = 0; c < chains_.size(); ++c) {
    const auto& entries = chains_[c].entries;
    // Usually the first entry; a linear scan keeps it right whatever the order.
    for (std::size_t e = 0; e < entries.size(); ++e) {
      if (entries[e].seq < oldest_seq) {
        oldest_seq = entries[e].seq;
        oldest_chain = c;
        oldest_entry = e;
      }
    }
  }
  erase(Hit{oldest_chain, oldest_entry, {}});
}

SkippedKeys SkippedKeys::restore(std::vector<Chain> chains, std::uint64_t next_seq) {
  SkippedKeys s;
  for (const auto& c : chains) s.total_ += c.entries.size();
  s.chains_ = std::move(chains);
  s.next_seq_ = next_seq;
  return s;
}

}  // namespace tumar::ratchet
