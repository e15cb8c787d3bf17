#pragma once
// A sync job's outcome (core/node/sync_job.hpp) in words, and the exit code
// it means (README, "Exit codes"): the one place `sync` and `join` turn the
// engine's facts into sentences.

#include <string>

#include "core/node/sync_job.hpp"

namespace tumar::cli {

struct JobWords {
  int exit_code = 0;
  std::string sentence;  // empty when the job succeeded
};

JobWords job_words(const node::JobOutcome& outcome);

}  // namespace tumar::cli
