// The stop request: process-wide signal policy shared by every tool, and the flag it sets.
//
// SIGINT/SIGTERM become a stop request: a flag plus a self-pipe that poll loops
// can watch, so blocking reads wake up and the program drains and exits 0.
// SIGPIPE is ignored (Paho does so anyway), so a closed stdout shows up as EPIPE,
// which LineWriter turns into a quiet exit. Call install_signal_handlers() once,
// early in main, before starting threads.
#pragma once

namespace sensorpipe {

void install_signal_handlers();
bool stop_requested();
// Readable once a stop was requested; -1 before install_signal_handlers().
int stop_fd();
// Requests a stop from inside the program (e.g. --duration elapsed, fatal error in a thread).
void request_stop();
// How many stop requests (signals or request_stop calls) came so far: a program that
// keeps working after the first one (db-store waiting for its database) gives up at the
// second, as users expect of a second Ctrl-C. Async-signal-safe counter; any thread.
unsigned stop_requests();

}  // namespace sensorpipe
