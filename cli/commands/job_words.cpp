#include "cli/commands/job_words.hpp"

#include "cli/commands/net_errors.hpp"
#include "cli/error_text.hpp"
#include "cli/exit_codes.hpp"

namespace tumar::cli {

JobWords job_words(const node::JobOutcome& o) {
  using F = node::JobFailure;
  const std::string who = o.address.to_string();
  // The error behind the failure in the front end's words, after "who: ".
  const std::string cause = o.cause ? error_text(*o.cause) : std::string("no reason was given.");
  const std::string again =
      " What it acknowledged is stored on both sides; run `tumar sync` again to send the rest.";
  switch (o.failure) {
    case F::kNone: return {kExitOk, {}};
    case F::kBadAddress:
    case F::kUnreachable: {
      const int code = o.failure == F::kBadAddress ? kExitUsage : kExitUnreachable;
      return {code, o.dial ? dial_words(who, *o.dial) : who + ": " + cause};
    }
    case F::kNotFinished: return {kExitUnreachable, who + " did not finish the sync."};
    case F::kWrongIdentity:
      return {kExitRefused, who + " proved a different identity than the one recorded for it; nothing was sent. If "
                                  "its key really changed, remove and re-add the peer."};
    case F::kJoinRefusedInHandshake: return {kExitRefused, who + ": " + cause};
    case F::kInviteRefused:
      return {kExitRefused,
              who + " refused the invite: it was already used, has expired, or was withdrawn. Ask for a new invite."};
    case F::kNotAdmitted:
      return {kExitRefused, who + " closed the connection after the handshake: you are not a member of any network "
                                  "it is in (you may have been removed), and not on its allow list."};
    case F::kClosedInHandshake: return {kExitRefused, who + " closed the connection during the handshake."};
    case F::kLostDuringSync: return {kExitUnreachable, "The connection to " + who + " was lost during the sync." + again};
    case F::kPeerStopping:
      return {kExitUnreachable,
              who + " closed the connection before the sync finished (its node may be stopping)." + again};
    case F::kTimeout: return {kExitUnreachable, who + " stopped answering."};
    case F::kProtocol: return {kExitAuthentication, who + " broke the protocol: " + cause};
  }
  return {kExitUnreachable, who + ": " + cause};
}

}  // namespace tumar::cli
