#include "watch_state.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "arrival_time.h"
#include "errors.h"

namespace izdeu::watch {

namespace {

constexpr int kStateVersion = 1;

std::string system_error(const std::string& what, const std::string& path) {
    return what + " " + path + ": " + std::strerror(errno);
}

}  // namespace

WatchState WatchState::load(const std::string& path) {
    WatchState state;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (!std::filesystem::exists(path)) return state;
        throw StateError(system_error("cannot read the watch state", path));
    }
    std::ostringstream text;
    text << in.rdbuf();
    const nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
    const auto broken = [&] {
        return StateError("the watch state " + path +
                          " is not izdeu-watch's (remove it to start every watch again from what matches now)");
    };
    if (!j.is_object() || j.value("version", 0) != kStateVersion || !j.contains("marks") || !j["marks"].is_array()) {
        throw broken();
    }
    for (const nlohmann::json& m : j["marks"]) {
        if (!m.is_object()) throw broken();
        WatchMark mark;
        try {
            mark.database = m.at("database").get<std::string>();
            mark.watch = m.at("watch").get<std::string>();
            mark.query = m.at("query").get<std::string>();
            mark.edits = m.value("edits", false);
            const auto horizon = arrival::decode(m.at("horizon").get<std::string>());
            if (!horizon) throw broken();
            mark.horizon = *horizon;
            mark.reported = m.value("reported", std::int64_t{0});
        } catch (const nlohmann::json::exception&) {
            throw broken();
        }
        state.marks_.push_back(std::move(mark));
    }
    return state;
}

void WatchState::save(const std::string& path) const {
    nlohmann::json marks = nlohmann::json::array();
    for (const WatchMark& m : marks_) {
        marks.push_back({{"database", m.database},
                         {"watch", m.watch},
                         {"query", m.query},
                         {"edits", m.edits},
                         // Text, in the index's own form: the digits compare with the slots.
                         {"horizon", arrival::encode(m.horizon)},
                         {"horizon_utc", arrival::readable_utc(m.horizon)},
                         {"reported", m.reported}});
    }
    const std::string text = nlohmann::json{{"version", kStateVersion}, {"marks", marks}}.dump(
                                 1, ' ', false, nlohmann::json::error_handler_t::replace) +
                             "\n";
    const std::filesystem::path target(path);
    std::error_code ignored;
    if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), ignored);
    const std::string temporary = path + ".new-" + std::to_string(::getpid());
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw StateError(system_error("cannot write the watch state", temporary));
    std::size_t written = 0;
    bool ok = true;
    while (ok && written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) written += static_cast<std::size_t>(n);
    }
    // Synced before the rename, so a crash never leaves a renamed but empty file.
    ok = ok && ::fsync(fd) == 0;
    const int saved_errno = errno;
    ::close(fd);
    if (!ok || ::rename(temporary.c_str(), path.c_str()) != 0) {
        if (!ok) errno = saved_errno;
        const std::string message = system_error("cannot write the watch state", path);
        ::unlink(temporary.c_str());
        throw StateError(message);
    }
    const std::string folder = target.has_parent_path() ? target.parent_path().string() : ".";
    const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

const WatchMark* WatchState::find(const std::string& database, const std::string& watch) const {
    for (const WatchMark& m : marks_) {
        if (m.database == database && m.watch == watch) return &m;
    }
    return nullptr;
}

void WatchState::set(WatchMark mark) {
    for (WatchMark& m : marks_) {
        if (m.database == mark.database && m.watch == mark.watch) {
            m = std::move(mark);
            return;
        }
    }
    marks_.push_back(std::move(mark));
}

StateLock::StateLock(const std::string& state_path, double timeout_seconds) {
    const std::string path = state_path + ".lock";
    const std::filesystem::path target(path);
    std::error_code ignored;
    if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), ignored);
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw StateError(system_error("cannot open the lock file", path));
    // flock: released by the kernel when the process dies, so a killed run never blocks the next.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            const std::string message = system_error("cannot lock", path);
            ::close(fd_);
            throw StateError(message);
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            ::close(fd_);
            std::ostringstream seconds;
            seconds << timeout_seconds;
            throw LockedError("another izdeu-watch run holds " + path + " (waited " + seconds.str() +
                              " s; --lock-timeout)");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

StateLock::~StateLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

}  // namespace izdeu::watch
