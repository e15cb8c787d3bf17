#include "core/error.hpp"

#include <cstdio>
#include <cstdlib>

#include "core/error_ids.hpp"

namespace tumar::core {

const char* errc_name(Errc code) noexcept {
  switch (code) {
    case Errc::kInvalidArgument: return "invalid_argument";
    case Errc::kWrongPassphrase: return "wrong_passphrase";
    case Errc::kNoProfile: return "no_profile";
    case Errc::kProfileExists: return "profile_exists";
    case Errc::kProfileWiped: return "profile_wiped";
    case Errc::kTampered: return "tampered";
    case Errc::kCorrupt: return "corrupt";
    case Errc::kStorage: return "storage";
    case Errc::kRefused: return "refused";
    case Errc::kProtocol: return "protocol";
    case Errc::kLimit: return "limit";
  }
  return "unknown";
}

Error::Error(Errc code, ErrorId id, std::vector<std::string> values)
    : code_(code), id_(id), values_(std::move(values)) {
  if (static_cast<std::size_t>(id) >= kErrorCatalog.size() || values_.size() != error_spec(id).field_count()) {
    misuse("Error: the values do not match the fields of the id");
  }
}

std::string_view Error::key() const noexcept { return error_spec(id_).key; }

std::optional<std::string_view> Error::field(std::string_view name) const noexcept {
  const ErrorSpec& spec = error_spec(id_);
  for (std::size_t i = 0; i < values_.size(); ++i) {
    if (spec.fields[i] == name) return std::string_view(values_[i]);
  }
  return std::nullopt;
}

Error Error::with_code(Errc code) const {
  Error copy = *this;
  copy.code_ = code;
  return copy;
}

Error Error::because(Error cause) const {
  Error copy = *this;
  copy.cause_ = std::make_shared<const Error>(std::move(cause));
  return copy;
}

std::string Error::describe() const {
  if (id_ == ErrorId::kFrontEndSentence) return values_.front();
  const ErrorSpec& spec = error_spec(id_);
  std::string out(spec.key);
  if (!values_.empty()) {
    out += '{';
    for (std::size_t i = 0; i < values_.size(); ++i) {
      if (i != 0) out += ", ";
      out.append(spec.fields[i]).append("=").append(values_[i]);
    }
    out += '}';
  }
  if (cause_) out.append(" because ").append(cause_->describe());
  return out;
}

void misuse(const char* what) noexcept {
  std::fprintf(stderr, "tumar: misuse (a bug in tumar): %s\n", what);
  std::abort();
}

}  // namespace tumar::core
