// A TLS handshake of our own before Paho's, to tell the user exactly why a broker's
// certificate is rejected (Paho 1.2 reports only "TCP/TLS connect failure", and its
// OpenSSL error callback keeps a pointer to a destroyed options object).
//
// Pure function, thread-safe, never throws.
#pragma once
#include <optional>
#include <string>

#include "mqtt/config.h"

namespace sensorpipe::mqtt {

// Connects to host:port, verifies the broker's certificate (chain against --cafile or
// the system store, and the host name or IP), and returns the reason it was rejected,
// e.g. "certificate verify failed: self-signed certificate in certificate chain".
// nullopt when the certificate is accepted, or when the broker cannot be reached at
// all (the normal connect path reports and retries that).
std::optional<std::string> tls_certificate_problem(const std::string& host, int port, const ConnectionConfig& conn);

}  // namespace sensorpipe::mqtt
