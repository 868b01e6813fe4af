#include "batch_runner.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <istream>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>
#include <thread>

namespace izdeu::query {

namespace {

using Clock = std::chrono::steady_clock;

double elapsed_ms(Clock::time_point since) {
    return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

/// One line of the batch: a query, or a malformed line whose message is ready.
struct BatchLine {
    std::string id, text;
    std::optional<std::string> malformed;  ///< the message, for a line that is no query
};

/// Reads the next non-empty line; false at the end.
bool next_line(std::istream& in, const std::string& name, std::size_t& line_no, BatchLine& line) {
    std::string raw;
    while (std::getline(in, raw)) {
        ++line_no;
        if (!raw.empty() && raw.back() == '\r') raw.pop_back();
        if (raw.empty()) continue;
        const std::size_t tab = raw.find('\t');
        if (tab == std::string::npos) {
            line = {{}, {}, "izdeu-query: " + name + ":" + std::to_string(line_no) + ": expected query-id<TAB>query\n"};
        } else {
            line = {raw.substr(0, tab), raw.substr(tab + 1), std::nullopt};
        }
        return true;
    }
    return false;
}

BatchOutcome run_in_one_session(std::istream& in, const std::string& name, QuerySession& session, bool timings,
                                std::ostream& out, std::ostream& err) {
    BatchOutcome outcome;
    std::size_t line_no = 0;
    BatchLine line;
    while (next_line(in, name, line_no, line)) {
        if (line.malformed) {
            err << *line.malformed;
            outcome.any_error = true;
            continue;
        }
        const auto started = Clock::now();
        const long found = session.run(line.text, line.id, out, err);
        if (timings) {
            out.flush();  // the answer counts as given once it is written
            outcome.latencies_ms.push_back(elapsed_ms(started));
        }
        if (found < 0) outcome.any_error = true;
        if (found > 0) outcome.any_hit = true;
        if (!out) break;  // a closed pipe: stop quietly
    }
    return outcome;
}

/// Sessions side by side. The reading thread hands out queries and writes the answers in the
/// order of the lines; each worker thread answers with its own session into the query's buffers.
class SideBySide {
  public:
    SideBySide(const QuerySettings& settings, QuerySession& first, unsigned jobs)
        : settings_(settings), first_(first), jobs_(jobs), max_in_flight_(8 * static_cast<std::size_t>(jobs)) {}

    ~SideBySide() { finish(); }

    BatchOutcome run(std::istream& in, const std::string& name, std::ostream& out, std::ostream& err) {
        std::size_t line_no = 0;
        BatchLine line;
        while (!stopped() && next_line(in, name, line_no, line)) {
            add(std::move(line));
            write_ready(out, err, /*until_room=*/true);
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            input_done_ = true;
        }
        work_ready_.notify_all();
        write_ready(out, err, /*until_room=*/false);
        finish();
        if (failure_) std::rethrow_exception(failure_);
        return std::move(outcome_);
    }

  private:
    struct Query {
        BatchLine line;
        std::ostringstream output, messages;
        long found = 0;
        double ms = 0;
        std::exception_ptr failure;
        bool done = false;
    };

    bool stopped() {
        std::lock_guard<std::mutex> lock(mutex_);
        return stop_;
    }

    void add(BatchLine line) {
        auto query = std::make_unique<Query>();
        query->line = std::move(line);
        query->done = query->line.malformed.has_value();
        std::lock_guard<std::mutex> lock(mutex_);
        if (!query->done) {
            waiting_.push_back(query.get());
            // Another session only for a backlog: opening one costs more than a query.
            if (waiting_.size() > idle_ && workers_.size() < jobs_) {
                const bool own_session = !workers_.empty();
                workers_.emplace_back([this, own_session] { work(own_session); });
            }
        }
        in_order_.push_back(std::move(query));
        work_ready_.notify_one();
    }

    void work(bool own_session) {
        std::unique_ptr<QuerySession> session;
        try {
            if (own_session) session = std::make_unique<QuerySession>(settings_);
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!failure_) failure_ = std::current_exception();
            stop_ = true;
            answered_.notify_all();
            return;
        }
        QuerySession& mine = own_session ? *session : first_;
        std::unique_lock<std::mutex> lock(mutex_);
        for (;;) {
            ++idle_;
            work_ready_.wait(lock, [&] { return stop_ || input_done_ || !waiting_.empty(); });
            --idle_;
            if (stop_ || waiting_.empty()) return;  // stopped, or the input is done and answered
            Query* query = waiting_.front();
            waiting_.pop_front();
            lock.unlock();
            const auto started = Clock::now();
            try {
                query->found = mine.run(query->line.text, query->line.id, query->output, query->messages);
            } catch (...) {
                query->failure = std::current_exception();
            }
            query->ms = elapsed_ms(started);
            lock.lock();
            query->done = true;
            answered_.notify_all();
        }
    }

    /// Writes the answered queries at the head of the order. until_room: while the reader is
    /// ahead by max_in_flight_ queries, wait for the head; otherwise (the input done) wait for
    /// every query.
    void write_ready(std::ostream& out, std::ostream& err, bool until_room) {
        std::unique_lock<std::mutex> lock(mutex_);
        for (;;) {
            if (stop_ || in_order_.empty()) return;
            if (!in_order_.front()->done) {
                if (until_room && in_order_.size() < max_in_flight_) return;
                answered_.wait(lock, [&] { return stop_ || in_order_.front()->done; });
                continue;
            }
            std::unique_ptr<Query> query = std::move(in_order_.front());
            in_order_.pop_front();
            lock.unlock();
            const bool keep_going = write(*query, out, err);
            lock.lock();
            if (!keep_going) {
                if (query->failure && !failure_) failure_ = query->failure;
                stop_ = true;
                work_ready_.notify_all();
                return;
            }
        }
    }

    /// Writes one answered query; false when the batch must stop (a database failure, a closed pipe).
    bool write(const Query& query, std::ostream& out, std::ostream& err) {
        if (query.line.malformed) {
            err << *query.line.malformed;
            outcome_.any_error = true;
            return true;
        }
        if (query.failure) return false;
        out << query.output.str();
        err << query.messages.str();
        outcome_.latencies_ms.push_back(query.ms);
        if (query.found < 0) outcome_.any_error = true;
        if (query.found > 0) outcome_.any_hit = true;
        return static_cast<bool>(out);
    }

    /// Stops the workers (each ends the query it is answering) and waits for them.
    void finish() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
        }
        work_ready_.notify_all();
        for (std::thread& t : workers_) {
            if (t.joinable()) t.join();
        }
    }

    const QuerySettings& settings_;
    QuerySession& first_;
    const unsigned jobs_;
    const std::size_t max_in_flight_;

    std::mutex mutex_;
    std::condition_variable work_ready_;           ///< a query waits, or the batch ends
    std::condition_variable answered_;             ///< a query is answered, or the batch stops
    std::deque<Query*> waiting_;                   ///< read, not yet taken by a worker
    std::deque<std::unique_ptr<Query>> in_order_;  ///< read, not yet written
    std::vector<std::thread> workers_;
    std::size_t idle_ = 0;  ///< workers waiting for a query
    bool input_done_ = false;
    bool stop_ = false;
    std::exception_ptr failure_;
    BatchOutcome outcome_;
};

}  // namespace

BatchOutcome run_batch(std::istream& in, const std::string& name, const QuerySettings& settings, QuerySession& first,
                       unsigned jobs, bool timings, std::ostream& out, std::ostream& err) {
    if (jobs <= 1) return run_in_one_session(in, name, first, timings, out, err);
    SideBySide batch(settings, first, jobs);
    return batch.run(in, name, out, err);
}

}  // namespace izdeu::query
