#include "net/version.hpp"

#include <boost/version.hpp>

namespace tumar::net {
const char* asio_version() { return BOOST_LIB_VERSION; }
}  // namespace tumar::net
