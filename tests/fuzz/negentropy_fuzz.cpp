// Fuzz target: Negentropy's two entry points for peer bytes, the server's
// reconcile(query) and the client's reconcile(reply, have, need), over a
// fixed set of 600 items (tests/core/reconcile/negentropy_fuzz_setup.hpp
// gives the input layout). Invariants:
//   - no crash, no UB, errors are clean (the sanitizers check the rest);
//   - whatever we send obeys the frame size limit and is accepted by a
//     well-behaved peer: a server's answer by a client, a client's next
//     message by a server;
//   - a client reports as "have" only ids it holds;
//   - an error is final: the same call fails again with the same message.
// Seeds: tests/fuzz/corpus/negentropy/ (negentropy_fuzz_seeds_test.cpp).

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "core/reconcile/negentropy_fuzz_setup.hpp"

namespace {

using namespace tumar::reconcile;

void check_size(const std::vector<std::uint8_t>& message, std::uint64_t limit) {
  if (limit != 0 && message.size() > limit) std::abort();
  if (message.empty() || message[0] != kProtocolVersion) std::abort();
}

void as_server(std::span<const std::uint8_t> query, std::uint64_t limit) {
  auto server = Negentropy::make(fuzz::own_items(), limit);
  if (!server) std::abort();
  auto answer = server->reconcile(query);
  if (!answer) {
    auto again = server->reconcile(query);
    if (again || again.error().describe() != answer.error().describe()) std::abort();
    return;
  }
  check_size(*answer, limit);
  // Our answer must be a valid reply for a client that started the run.
  auto client = Negentropy::make(fuzz::peer_items(), limit);
  if (!client || !client->initiate()) std::abort();
  std::vector<Id> have, need;
  if (!client->reconcile(*answer, have, need)) std::abort();
}

void as_client(std::span<const std::uint8_t> reply, std::uint64_t limit) {
  auto client = Negentropy::make(fuzz::own_items(), limit);
  if (!client || !client->initiate()) std::abort();
  std::vector<Id> have, need;
  auto next = client->reconcile(reply, have, need);
  if (!next) {
    if (!have.empty() || !need.empty()) std::abort();
    return;
  }
  const auto ours = fuzz::own_items().items();
  for (const Id& id : have) {
    if (std::none_of(ours.begin(), ours.end(), [&](const Item& i) { return i.id == id; })) std::abort();
  }
  if (!*next) return;
  check_size(**next, limit);
  // Our next query must be a valid query for a server.
  auto server = Negentropy::make(fuzz::peer_items(), limit);
  if (!server || !server->reconcile(**next)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint64_t limit = fuzz::frame_limit(data[0]);
  const std::span<const std::uint8_t> message(data + 1, size - 1);
  as_server(message, limit);
  as_client(message, limit);
  return 0;
}
