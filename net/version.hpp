#pragma once
namespace tumar::net {
// The net layer's build identity; real members arrive with the transport.
const char* asio_version();
}  // namespace tumar::net
