#pragma once
// Tor's bootstrap progress (control-spec.txt 4.1.10 BOOTSTRAP, 3.9
// status/bootstrap-phase, 5.5 for the phases), for `tumar serve` and
// `tumar status` to show while a user waits. Both carry
//
//   ("NOTICE" / "WARN" / "ERR") SP "BOOTSTRAP" SP "PROGRESS=" num SP "TAG=" Keyword
//       SP "SUMMARY=" String [SP "WARNING=" String] [SP "REASON=" Keyword]
//       [SP "COUNT=" num] [SP "RECOMMENDATION=" Keyword] [...]
//
// as the 650 STATUS_CLIENT event after SETEVENTS STATUS_CLIENT, and as the
// answer to GETINFO status/bootstrap-phase. Arguments may come in any
// order; unknown ones are ignored (4.1.10: controllers MUST tolerate them).
// Text meant for a person (SUMMARY, WARNING) is made printable.

#include <cstdint>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/tor/control_reply.hpp"

namespace tumar::tor {

enum class BootstrapSeverity { kNotice, kWarn, kErr };

struct BootstrapStatus {
  BootstrapSeverity severity = BootstrapSeverity::kNotice;
  int progress = 0;      // 0..100; 100 is "done"
  std::string tag;       // e.g. "conn_done", "done": for decisions, not for people
  std::string summary;   // tor's words for the next step
  std::optional<std::string> warning;         // a problem, in tor's words
  std::optional<std::string> reason;          // ORCONN reason keyword
  std::optional<std::uint32_t> count;         // problems so far at this phase
  std::optional<std::string> recommendation;  // "ignore" or "warn"

  bool done() const noexcept { return progress == 100; }
  // A problem tor is "pretty sure" of: the user should be told now.
  bool should_warn() const noexcept { return severity != BootstrapSeverity::kNotice && recommendation == "warn"; }
};

// A 650 event: the status if it is STATUS_CLIENT BOOTSTRAP, nullopt for
// any other event; kTorControlMalformedReply for a BOOTSTRAP event that is
// not shaped as above. Misuse if `reply` is not an event.
[[nodiscard]] core::Result<std::optional<BootstrapStatus>> parse_bootstrap_event(const ControlReply& reply);

// The reply to GETINFO status/bootstrap-phase:
//   250-status/bootstrap-phase=NOTICE BOOTSTRAP PROGRESS=... / 250 OK
[[nodiscard]] core::Result<BootstrapStatus> parse_bootstrap_phase(const ControlReply& reply);

}  // namespace tumar::tor
