#include "core/session/connection_budget.hpp"

#include <utility>

#include "core/error.hpp"

namespace tumar::session {

Ticket::Ticket(Ticket&& other) noexcept
    : budget_(std::exchange(other.budget_, nullptr)), address_(std::move(other.address_)) {}

Ticket& Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    release();
    budget_ = std::exchange(other.budget_, nullptr);
    address_ = std::move(other.address_);
  }
  return *this;
}

Ticket::~Ticket() { release(); }

void Ticket::release() noexcept {
  if (budget_ != nullptr) std::exchange(budget_, nullptr)->release(address_);
}

ConnectionBudget::ConnectionBudget(const ConnectionLimits& limits) : limits_(limits) {
  if (limits.max_connections == 0 || limits.max_per_address == 0) core::misuse("session: a connection budget of 0");
}

ConnectionBudget::~ConnectionBudget() {
  if (total_ != 0) core::misuse("session: a connection Ticket outlived its budget");
}

std::optional<Ticket> ConnectionBudget::try_acquire(const std::string& address) {
  if (total_ >= limits_.max_connections) return std::nullopt;
  std::size_t& mine = per_address_[address];
  if (!address.empty() && mine >= limits_.max_per_address) return std::nullopt;
  ++mine;
  ++total_;
  return Ticket(this, address);
}

std::size_t ConnectionBudget::in_use(const std::string& address) const {
  auto it = per_address_.find(address);
  return it == per_address_.end() ? 0 : it->second;
}

void ConnectionBudget::release(const std::string& address) noexcept {
  auto it = per_address_.find(address);
  if (it == per_address_.end() || it->second == 0 || total_ == 0) {
    core::misuse("session: released a connection the budget does not hold");
  }
  --total_;
  if (--it->second == 0) per_address_.erase(it);
}

}  // namespace tumar::session
