#include "http_server.h"

#include <chrono>
#include <cstdio>
#include <mutex>
#include <ostream>
#include <thread>

#include <sys/socket.h>

#include <httplib.h>

#include "errors.h"
#include "web_assets.h"

namespace izdeu::serve {

namespace {

using Clock = std::chrono::steady_clock;

// When the request on this worker thread started: httplib runs the pre-routing handler, the
// route and the logger of one request on the same thread, and hands no per-request slot of our
// own from one to the next.
thread_local Clock::time_point request_started;

// The page may only load its own script and stylesheet and talk to this server: a string that
// slipped into markup by mistake still could not run.
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// httplib listens with a backlog of 5 (compiled into Debian's library): under a burst of new
/// connections the kernel drops the others' SYNs, which clients retry after 1, 3, 7 s. Listening
/// again on the bound socket widens the queue (Linux takes the new backlog).
class Server : public httplib::Server {
  public:
    void widen_backlog() { ::listen(svr_sock_, SOMAXCONN); }
};

void send_json(httplib::Response& res, const ApiResponse& answer) {
    res.status = answer.status;
    res.set_header("Cache-Control", "no-store");
    res.set_content(answer.body, "application/json; charset=utf-8");
}

}  // namespace

void run_http_server(const ServerOptions& options, SearchApi& api, const std::atomic<bool>& stop_requested,
                     std::ostream& log, const std::function<void(int port)>& on_listening) {
    Server server;
    const std::size_t threads = options.threads;
    server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server.set_payload_max_length(options.max_request_bytes);
    server.set_read_timeout(options.read_timeout_seconds, 0);
    server.set_write_timeout(options.read_timeout_seconds, 0);
    server.set_keep_alive_timeout(2);  // an idle browser connection holds a worker thread
    // A kept-alive connection holds its worker thread: after a few requests it yields, so that
    // with more connections than threads every connection gets its turn.
    server.set_keep_alive_max_count(5);
    server.set_tcp_nodelay(true);
    // httplib's default adds SO_REUSEPORT, with which a second server on the same port shares
    // its connections instead of failing to start: keep only SO_REUSEADDR (restart after a stop).
    server.set_socket_options([](socket_t sock) {
        int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    server.set_default_headers({{"X-Content-Type-Options", "nosniff"}, {"Referrer-Policy", "no-referrer"}});

    std::mutex log_mutex;
    server.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
        request_started = Clock::now();
        return httplib::Server::HandlerResponse::Unhandled;
    });
    server.set_logger([&](const httplib::Request& req, const httplib::Response& res) {
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - request_started).count();
        char line[96];
        std::snprintf(line, sizeof line, " %d %.1f ms\n", res.status, ms);
        // The path without its query string: searches stay out of the log.
        const std::string text = "izdeu-serve: " + req.method + " " + req.path + line;
        std::lock_guard<std::mutex> lock(log_mutex);
        log << text << std::flush;
    });

    for (const WebAsset& asset : web_assets()) {
        const auto serve = [&asset](const httplib::Request&, httplib::Response& res) {
            if (std::string(asset.content_type).rfind("text/html", 0) == 0) {
                res.set_header("Content-Security-Policy", kContentSecurityPolicy);
            }
            res.set_header("Cache-Control", "no-cache");
            res.set_content(asset.content.data(), asset.content.size(), asset.content_type);
        };
        for (const char* path : asset.paths) {
            if (path != nullptr) server.Get(path, serve);
        }
    }
    server.Get("/api/search",
               [&](const httplib::Request& req, httplib::Response& res) { send_json(res, api.search(req.params)); });
    server.Get("/api/article",
               [&](const httplib::Request& req, httplib::Response& res) { send_json(res, api.article(req.params)); });
    server.Get("/api/health", [&](const httplib::Request&, httplib::Response& res) { send_json(res, api.health()); });
    server.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
    server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return;
        const std::string message = res.status == 404   ? "no such page"
                                    : res.status == 413 ? "request too large"
                                    : res.status == 414 ? "request line too long"
                                                        : "HTTP error " + std::to_string(res.status);
        if (req.path.rfind("/api/", 0) == 0) {
            res.set_content("{\"error\":\"" + message + "\"}", "application/json; charset=utf-8");
        } else {
            res.set_content(message + "\n", "text/plain; charset=utf-8");
        }
    });
    server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content("{\"error\":\"internal error\"}", "application/json; charset=utf-8");
    });

    const int port = options.port == 0 ? server.bind_to_any_port(options.host)
                                       : (server.bind_to_port(options.host, options.port) ? options.port : -1);
    if (port <= 0) {
        throw UsageError("cannot listen on " + options.host + ":" + std::to_string(options.port) +
                         " (address in use, not an address of this machine, or a port below 1024 without the right)");
    }
    server.widen_backlog();
    on_listening(port);
    // SIGTERM only sets a flag (no work in a signal handler); this thread turns it into stop().
    std::atomic<bool> listen_ended = false;
    std::thread watcher([&] {
        while (!stop_requested.load() && !listen_ended.load())
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        server.stop();
    });
    server.listen_after_bind();
    listen_ended = true;
    watcher.join();
}

}  // namespace izdeu::serve
