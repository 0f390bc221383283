// What a WebSocket client may send, validated before anything reaches stdout.
//
//   {"subscribe":["home/kitchen/#", ...]}    add sensor patterns (none = every reading)
//   {"unsubscribe":["home/kitchen/#"]}        remove patterns ("unsubscribe":"*" removes all)
//   {"target":"home/led/set","value":0.9}     a command: written to stdout as a JSON line
//                                              with "client" and "ts" added by the server
// Anything else is an error answered on the client's socket. Pure functions, thread-safe.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace sensorpipe::web {

struct ClientMessage {
  enum class Kind { Subscribe, Unsubscribe, UnsubscribeAll, Command };
  Kind kind = Kind::Command;
  std::vector<std::string> patterns;  // Subscribe / Unsubscribe
  std::string target;                 // Command
  std::string line;                   // Command: the stdout line, no newline
};

struct CommandPolicy {
  std::vector<std::string> allowed_targets;  // patterns; empty = any target
};

// false with `error` set ("\"target\" must be a non-empty string", ...) when the
// message is not one of the forms above.
bool parse_client_message(std::string_view text, const std::string& client_id, TimeMs now,
                          const CommandPolicy& policy, ClientMessage& out, std::string& error);

// Replies sent on the client's socket.
std::string error_message(std::string_view error);                       // {"error":"..."}
std::string subscribed_message(const std::vector<std::string>& patterns); // {"subscribed":[...]}
std::string hello_message(const std::string& client_id, std::string_view version);
std::string ack_message(const std::string& target);                      // {"ok":"command","target":"..."}

}  // namespace sensorpipe::web
