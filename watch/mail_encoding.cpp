#include "mail_encoding.h"

#include <ctime>

#include "errors.h"

namespace izdeu::watch {

namespace {

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view bytes) {
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const auto n = (static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16) |
                       (static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
        out += kBase64[(n >> 18) & 63];
        out += kBase64[(n >> 12) & 63];
        out += kBase64[(n >> 6) & 63];
        out += kBase64[n & 63];
    }
    if (i < bytes.size()) {
        unsigned n = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16;
        if (i + 1 < bytes.size()) n |= static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8;
        out += kBase64[(n >> 18) & 63];
        out += kBase64[(n >> 12) & 63];
        out += i + 1 < bytes.size() ? kBase64[(n >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

bool printable_ascii(std::string_view text) {
    for (char c : text) {
        if (c < 0x20 || c > 0x7E) return false;
    }
    return true;
}

}  // namespace

std::string encode_header_text(std::string_view text, std::size_t used) {
    if (printable_ascii(text)) return std::string(text);
    // "=?UTF-8?B?" + payload + "?=" within 75 characters leaves 63 for the payload: 45 bytes
    // of text; a line holding a word stays within 76 characters, its first line within what
    // the header's name leaves. Words are cut before a UTF-8 lead byte, so no character is
    // split (RFC 2047 §5).
    constexpr std::size_t kMaxBytes = 45;
    const std::size_t first_room = used + 12 < 76 ? (76 - used - 12) / 4 * 3 : 0;
    std::string out;
    std::size_t start = 0;
    if (first_room < 12) out = "\n";  // no room on the name's line: start on the next one
    while (start < text.size()) {
        const std::size_t room = start == 0 && first_room >= 12 ? std::min(kMaxBytes, first_room) : kMaxBytes;
        std::size_t end = std::min(text.size(), start + room);
        while (end < text.size() && end > start && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
        if (end == start) end = std::min(text.size(), start + room);
        std::string piece(text.substr(start, end - start));
        for (char& c : piece) {
            if (c == '\r' || c == '\n') c = ' ';  // a header is one line
        }
        if (!out.empty()) out += out == "\n" ? " " : "\n ";  // folding: adjacent words join without the space
        out += "=?UTF-8?B?" + base64(piece) + "?=";
        start = end;
    }
    return out;
}

std::string encode_address(std::string_view address) {
    for (char c : address) {
        if (c == '\r' || c == '\n' || (c >= 0 && c < 0x20))
            throw UsageError("a mail address holds a control character");
    }
    const std::size_t open = address.rfind('<');
    std::string_view name = open == std::string_view::npos ? std::string_view() : address.substr(0, open);
    std::string_view mailbox = open == std::string_view::npos ? address : address.substr(open);
    if (!printable_ascii(mailbox)) {
        throw UsageError("the mail address '" + std::string(mailbox) +
                         "' is not ASCII (a name in any script may go before <user@host>)");
    }
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name.empty() || printable_ascii(name)) return std::string(address);
    std::string encoded = encode_header_text(name, 6);  // after "From: " or "To: "
    const std::size_t line_start = encoded.rfind('\n') == std::string::npos ? 0 : encoded.rfind('\n') + 1;
    const std::size_t line = encoded.size() - line_start + (line_start == 0 ? 6 : 0);
    return encoded + (line + 1 + mailbox.size() > 76 ? "\n " : " ") + std::string(mailbox);
}

std::string quoted_printable(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    std::size_t line_length = 0;
    auto emit = [&](std::string_view piece) {
        // A soft line break ("=" at the end) keeps every line within 76 characters.
        if (line_length + piece.size() > 75) {
            out += "=\n";
            line_length = 0;
        }
        out += piece;
        line_length += piece.size();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            out += '\n';
            line_length = 0;
            continue;
        }
        const bool line_end = i + 1 == text.size() || text[i + 1] == '\n';
        const bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !line_end);
        if (literal) {
            const char one[1] = {static_cast<char>(c)};
            emit(std::string_view(one, 1));
        } else {
            const char escaped[3] = {'=', kHex[c >> 4], kHex[c & 15]};
            emit(std::string_view(escaped, 3));
        }
    }
    return out;
}

std::string rfc5322_date(std::int64_t microseconds) {
    const std::time_t seconds = static_cast<std::time_t>(microseconds / 1000000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    // Day and month names are fixed by the RFC, not the locale (cron runs with LANG=C anyway).
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char text[64];
    std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[utc.tm_wday], utc.tm_mday,
                  kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
    return text;
}

}  // namespace izdeu::watch
