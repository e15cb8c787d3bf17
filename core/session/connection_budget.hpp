#pragma once
// How many connections a node holds at once, in total and per remote
// address. Without it one host could open connections until the node runs
// out of file descriptors or memory, and nobody else could reach it.
//
// A Ticket is the right to one connection slot; destroying it frees the
// slot. The budget is not thread-safe: the node's event loop owns it.

#include <cstddef>
#include <map>
#include <optional>
#include <string>

namespace tumar::session {

struct ConnectionLimits {
  std::size_t max_connections = 64;
  // Members behind one NAT share an address, so this is not 1; a single
  // host still cannot take more than a small share of the node.
  std::size_t max_per_address = 8;
};

class ConnectionBudget;

class Ticket {
 public:
  Ticket(Ticket&& other) noexcept;
  Ticket& operator=(Ticket&& other) noexcept;
  Ticket(const Ticket&) = delete;
  Ticket& operator=(const Ticket&) = delete;
  ~Ticket();

  const std::string& address() const noexcept { return address_; }

 private:
  friend class ConnectionBudget;
  Ticket(ConnectionBudget* budget, std::string address) : budget_(budget), address_(std::move(address)) {}
  void release() noexcept;

  ConnectionBudget* budget_;
  std::string address_;
};

class ConnectionBudget {
 public:
  explicit ConnectionBudget(const ConnectionLimits& limits);
  ConnectionBudget(const ConnectionBudget&) = delete;
  ConnectionBudget& operator=(const ConnectionBudget&) = delete;
  ~ConnectionBudget();  // every Ticket must be gone by now (else abort)

  // A slot for a connection with `address` (an IP address, no port), or
  // nullopt if the node or that address is at its limit. "" is a
  // connection with no address to count (a Unix socket: every connection
  // tor forwards to an onion service comes this way, from any number of
  // people), held to the total only.
  [[nodiscard]] std::optional<Ticket> try_acquire(const std::string& address);

  std::size_t in_use() const noexcept { return total_; }
  std::size_t in_use(const std::string& address) const;
  const ConnectionLimits& limits() const noexcept { return limits_; }

 private:
  friend class Ticket;
  void release(const std::string& address) noexcept;

  ConnectionLimits limits_;
  std::size_t total_ = 0;
  std::map<std::string, std::size_t> per_address_;
};

}  // namespace tumar::session
