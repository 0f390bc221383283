// TLS certificate check before connecting (see tls_probe.h).
#include "mqtt/tls_probe.h"

#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <memory>

namespace sensorpipe::mqtt {

namespace {
// A blocking TCP connect bounded by a timeout; -1 on failure.
int tcp_connect(const std::string& host, int port, int timeout_ms) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0) return -1;
  int fd = -1;
  for (addrinfo* ai = res; ai && fd < 0; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      pollfd p{fd, POLLOUT, 0};
      int err = 0;
      socklen_t len = sizeof err;
      if (errno != EINPROGRESS || ::poll(&p, 1, timeout_ms) != 1 ||
          ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
        ::close(fd);
        fd = -1;
      }
    }
  }
  ::freeaddrinfo(res);
  return fd;
}
}  // namespace

std::optional<std::string> tls_certificate_problem(const std::string& host, int port, const ConnectionConfig& conn) {
  if (conn.insecure) return std::nullopt;
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  if (!ctx) return std::nullopt;
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  if (!conn.cafile.empty()) {
    if (SSL_CTX_load_verify_locations(ctx.get(), conn.cafile.c_str(), nullptr) != 1)
      return fmt::format("cannot load CA certificates from {}", conn.cafile);
  } else {
    SSL_CTX_set_default_verify_paths(ctx.get());
  }
  if (!conn.cert.empty() && SSL_CTX_use_certificate_chain_file(ctx.get(), conn.cert.c_str()) != 1)
    return fmt::format("cannot load the client certificate {}", conn.cert);
  if (!conn.key.empty() && SSL_CTX_use_PrivateKey_file(ctx.get(), conn.key.c_str(), SSL_FILETYPE_PEM) != 1)
    return fmt::format("cannot load the client key {}", conn.key);
  const int fd = tcp_connect(host, port, static_cast<int>(conn.connect_timeout_ms));
  if (fd < 0) return std::nullopt;
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
  std::optional<std::string> problem;
  if (ssl) {
    SSL_set_fd(ssl.get(), fd);
    SSL_set_tlsext_host_name(ssl.get(), host.c_str());
    SSL_set1_host(ssl.get(), host.c_str());  // checks DNS names, and IP addresses too
    // Blocking handshake with a receive timeout so a silent server cannot hang us.
    timeval tv{static_cast<time_t>(conn.connect_timeout_ms / 1000), static_cast<suseconds_t>(conn.connect_timeout_ms % 1000 * 1000)};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);  // blocking for SSL_connect
    if (SSL_connect(ssl.get()) != 1) {
      const long verify = SSL_get_verify_result(ssl.get());
      if (verify != X509_V_OK) problem = fmt::format("certificate verify failed: {}", X509_verify_cert_error_string(verify));
    } else {
      SSL_shutdown(ssl.get());
    }
  }
  ERR_clear_error();
  ::close(fd);
  return problem;
}

}  // namespace sensorpipe::mqtt
