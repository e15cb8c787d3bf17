#include "cli/app_context.hpp"

namespace tumar::cli {

// Filled in with the networks' transport (the lead engineer's part).
void add_join_command(CLI::App& app, AppContext& ctx) {
  (void)app;
  (void)ctx;
}

}  // namespace tumar::cli
