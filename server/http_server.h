#pragma once
// izdeu-serve's HTTP side: routes, limits, one log line per request, a clean stop. Built on
// cpp-httplib (libcpp-httplib-dev); the answers themselves come from SearchApi and the page
// assets.

#include <atomic>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>

#include "search_api.h"

namespace izdeu::serve {

struct ServerOptions {
    std::string host = "127.0.0.1";         ///< loopback unless told otherwise
    int port = 8080;                        ///< 0: any free port (reported through on_listening)
    std::size_t threads = 8;                ///< the fixed pool; as many Searchers
    std::size_t max_request_bytes = 16384;  ///< request bodies (the API reads none) beyond this are refused
    int read_timeout_seconds = 5;           ///< a client that sends nothing for this long is dropped
};

/// Serves until stop_requested turns true, then finishes the requests in flight and returns.
/// Calls on_listening with the bound port once connections are accepted. Throws UsageError when
/// the address cannot be bound.
void run_http_server(const ServerOptions& options, SearchApi& api, const std::atomic<bool>& stop_requested,
                     std::ostream& log, const std::function<void(int port)>& on_listening);

}  // namespace izdeu::serve
