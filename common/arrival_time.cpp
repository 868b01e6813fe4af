#include "arrival_time.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace izdeu::arrival {

std::string encode(std::int64_t microseconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%017lld", static_cast<long long>(microseconds < 0 ? 0 : microseconds));
    return text;
}

std::optional<std::int64_t> decode(std::string_view value) {
    if (value.size() < kDigits) return std::nullopt;
    std::int64_t result = 0;
    for (std::size_t i = 0; i < kDigits; ++i) {
        const char c = value[i];
        if (c < '0' || c > '9') return std::nullopt;
        result = result * 10 + (c - '0');
    }
    return result;
}

std::string readable_utc(std::int64_t microseconds) {
    const std::time_t seconds = static_cast<std::time_t>(microseconds / 1000000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[40];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &utc);
    return text;
}

std::int64_t now_microseconds() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace izdeu::arrival
