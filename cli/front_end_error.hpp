#pragma once
// The CLI's own sentences: an error the front end finds itself, before or
// around a core call (a flag's value, a file it reads, a check of its own),
// in words it writes where it finds it. core/ cannot make one: it may not
// include this header (cmake/TumarCoreModules.cmake), and make_error()
// refuses ErrorId::kFrontEndSentence, so core/ says what happened in ids and
// fields and the words are made here, at the edge.

#include <string>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

#include "core/error.hpp"
#include "core/error_ids.hpp"

namespace tumar::cli {

struct FrontEndError {
  static core::Error make(core::Errc code, std::string sentence) {
    return core::Error(code, core::ErrorId::kFrontEndSentence, std::vector<std::string>{std::move(sentence)});
  }
};

// An error whose words are `sentence`, shown as it is (cli/error_text.cpp).
inline core::Error sentence_error(core::Errc code, std::string sentence) {
  return FrontEndError::make(code, std::move(sentence));
}

inline tl::unexpected<core::Error> fail(core::Errc code, std::string sentence) {
  return tl::unexpected<core::Error>(sentence_error(code, std::move(sentence)));
}

}  // namespace tumar::cli
