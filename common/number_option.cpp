#include "number_option.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "errors.h"

namespace izdeu {

namespace {

std::string number_text(double value) {
    std::ostringstream s;
    s << value;
    return s.str();
}

}  // namespace

std::uint64_t parse_whole_number(const std::string& option, const std::string& text, std::uint64_t min,
                                 std::uint64_t max) {
    long long value = 0;
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc() || stop != end || value < 0 || static_cast<std::uint64_t>(value) < min ||
        static_cast<std::uint64_t>(value) > max) {
        throw UsageError(option + " takes a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
                         ", not '" + text + "'");
    }
    return static_cast<std::uint64_t>(value);
}

double parse_decimal(const std::string& option, const std::string& text, double min, double max) {
    char* stop = nullptr;
    const double value = text.empty() ? 0 : std::strtod(text.c_str(), &stop);
    if (text.empty() || stop != text.c_str() + text.size() || !std::isfinite(value) || value < min || value > max) {
        throw UsageError(option + " takes a number from " + number_text(min) + " to " + number_text(max) + ", not '" +
                         text + "'");
    }
    return value;
}

}  // namespace izdeu
