#include "query_parser.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace izdeu::query {

ParseError::ParseError(const std::string& reason, std::size_t at)
    : std::runtime_error(reason + " at column " + std::to_string(at)), column(at) {}

namespace {

constexpr char32_t kReplacement = 0xFFFD;
constexpr unsigned kDefaultNearWindow = 10;
constexpr unsigned kMinNearWindow = 2;
constexpr unsigned kMaxNearWindow = 1000;

struct Decoded {
    char32_t code_point;
    std::size_t length;
};

/// Decodes one code point; an invalid byte decodes alone as U+FFFD, so every byte is consumed
/// and columns stay best-effort on broken input.
Decoded decode(std::string_view text, std::size_t at) {
    const auto lead = static_cast<unsigned char>(text[at]);
    if (lead < 0x80) {
        return {lead, 1};
    }
    std::size_t length = 0;
    char32_t code_point = 0;
    char32_t smallest = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        code_point = static_cast<char32_t>(lead & 0x1Fu);
        smallest = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        code_point = static_cast<char32_t>(lead & 0x0Fu);
        smallest = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        code_point = static_cast<char32_t>(lead & 0x07u);
        smallest = 0x10000;
    } else {
        return {kReplacement, 1};
    }
    if (text.size() - at < length) {
        return {kReplacement, 1};
    }
    for (std::size_t i = 1; i < length; ++i) {
        const auto byte = static_cast<unsigned char>(text[at + i]);
        if ((byte & 0xC0u) != 0x80u) {
            return {kReplacement, 1};
        }
        code_point = (code_point << 6) | static_cast<char32_t>(byte & 0x3Fu);
    }
    if (code_point < smallest || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
        return {kReplacement, 1};
    }
    return {code_point, length};
}

/// The Unicode White_Space property.
bool is_space(char32_t c) {
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

std::size_t count_code_points(std::string_view text) {
    std::size_t count = 0;
    for (std::size_t at = 0; at < text.size(); at += decode(text, at).length) {
        ++count;
    }
    return count;
}

bool equals_ascii_ci(std::string_view text, std::string_view lower) {
    if (text.size() != lower.size()) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
        if (c != lower[i]) {
            return false;
        }
    }
    return true;
}

constexpr std::array<std::string_view, 5> kFieldNames = {"title", "credit", "lang", "id", "date"};

/// lang:, credit: and id: (like date:) restrict the result set, as Xapian boolean filters do.
bool is_filter_field(std::string_view name) {
    return name == "lang" || name == "id" || name == "credit";
}

// ---------------------------------------------------------------------------------------------
// Lexer

enum class TokenKind {
    End,
    Word,
    Wildcard,
    Phrase,
    LParen,
    RParen,
    Plus,
    Minus,
    And,
    Or,
    Not,
    Near,
    Field,
    Date,
};

struct Token {
    TokenKind kind = TokenKind::End;
    std::string_view text;  // Word; Wildcard without '*'; Phrase inside; Field name; Date value
    std::size_t column = 0;
    bool exact = false;
    unsigned window = 0;
};

/// Produces tokens on demand, so the first error in reading order wins and limits stop early.
class Lexer {
public:
    Lexer(std::string_view query, const ParseOptions& options)
        : query_(query), max_terms_(options.max_terms) {}

    const Token& peek() {
        if (!peeked_) {
            peeked_ = lex();
        }
        return *peeked_;
    }

    Token next() {
        Token token = peek();
        peeked_.reset();
        return token;
    }

private:
    // What the previous token asked for: value modes read the text right after "field:".
    enum class Mode { Normal, AfterModifier, FieldValue, DateValue };

    bool at_end() const { return pos_ >= query_.size(); }
    char current() const { return query_[pos_]; }

    void advance() {
        pos_ += decode(query_, pos_).length;
        ++column_;
    }

    /// True when the next token cannot start here: whitespace, ')' or the end.
    bool at_boundary(std::size_t at) const {
        return at >= query_.size() || query_[at] == ')' || is_space(decode(query_, at).code_point);
    }

    void count_terms(std::size_t count, std::size_t column) {
        terms_ += count;
        if (terms_ > max_terms_) {
            throw ParseError("query has too many terms (limit " + std::to_string(max_terms_) + ")",
                             column);
        }
    }

    Token lex() {
        const Mode mode = mode_;
        mode_ = Mode::Normal;
        if (mode == Mode::Normal) {
            skip_blanks();
        }
        Token token;
        token.column = column_;
        if (at_end()) {
            return token;
        }
        if (mode == Mode::DateValue) {
            return lex_date_value();
        }
        const char c = current();
        if (c == '(' || c == ')') {
            advance();
            token.kind = c == '(' ? TokenKind::LParen : TokenKind::RParen;
            return token;
        }
        if (c == '"') {
            return lex_phrase(false);
        }
        if (c == '=' && pos_ + 1 < query_.size() && query_[pos_ + 1] == '"') {
            return lex_phrase(true);
        }
        if (c == '=' && !at_boundary(pos_ + 1) && query_[pos_ + 1] != '=' && query_[pos_ + 1] != '(') {
            // =Tokayev: the word as written, like ="Tokayev": no stems, no other scripts.
            advance();
            Token word = lex_word(false);
            if (word.kind == TokenKind::Word) {
                word.kind = TokenKind::Phrase;
                word.exact = true;
            }
            return word;
        }
        if (mode == Mode::Normal && modifier_here()) {
            advance();
            token.kind = c == '+' ? TokenKind::Plus : TokenKind::Minus;
            mode_ = Mode::AfterModifier;
            return token;
        }
        if (mode != Mode::FieldValue) {
            if (std::optional<Token> field = lex_field()) {
                return *field;
            }
        }
        return lex_word(mode == Mode::Normal);
    }

    /// Skips whitespace and lone '+'/'-'; "--x" and "+-" are words, not modifiers.
    void skip_blanks() {
        while (!at_end()) {
            const Decoded d = decode(query_, pos_);
            if (is_space(d.code_point)) {
                pos_ += d.length;
                ++column_;
                continue;
            }
            const char c = current();
            if ((c == '+' || c == '-') && at_boundary(pos_ + 1)) {
                advance();
                continue;
            }
            return;
        }
    }

    /// True if a '+'/'-' left by skip_blanks() (so followed by something) starts an item.
    bool modifier_here() const {
        const char c = current();
        if (c != '+' && c != '-') {
            return false;
        }
        const char after = query_[pos_ + 1];
        return after != '+' && after != '-';
    }

    Token lex_phrase(bool exact) {
        Token token;
        token.kind = TokenKind::Phrase;
        token.exact = exact;
        token.column = column_;
        if (exact) {
            advance();
        }
        const std::size_t quote_column = column_;
        advance();
        const std::size_t start = pos_;
        std::size_t words = 0;
        bool in_word = false;
        while (!at_end() && current() != '"') {
            const Decoded d = decode(query_, pos_);
            if (is_space(d.code_point)) {
                in_word = false;
            } else if (!in_word) {
                in_word = true;
                ++words;
            }
            pos_ += d.length;
            ++column_;
        }
        if (at_end()) {
            throw ParseError("unbalanced quote", quote_column);
        }
        token.text = query_.substr(start, pos_ - start);
        advance();
        if (words == 0) {
            throw ParseError("empty phrase", quote_column);
        }
        count_terms(words, token.column);
        return token;
    }

    /// "title:", "LANG:", ... at the start of an item; the value must follow the colon directly.
    std::optional<Token> lex_field() {
        for (const std::string_view name : kFieldNames) {
            if (query_.size() - pos_ <= name.size() || query_[pos_ + name.size()] != ':' ||
                !equals_ascii_ci(query_.substr(pos_, name.size()), name)) {
                continue;
            }
            Token token;
            token.kind = TokenKind::Field;
            token.text = name;
            token.column = column_;
            pos_ += name.size() + 1;
            column_ += name.size() + 1;
            if (at_boundary(pos_)) {
                throw ParseError(name == "date"
                                     ? "date: needs a date or range right after the colon"
                                     : std::string(name) +
                                           ": needs a word, phrase or group right after the colon",
                                 token.column);
            }
            mode_ = name == "date" ? Mode::DateValue : Mode::FieldValue;
            return token;
        }
        return std::nullopt;
    }

    Token lex_date_value() {
        Token token;
        token.kind = TokenKind::Date;
        token.column = column_;
        const std::size_t start = pos_;
        while (!at_end() && current() != '(' && current() != '"' && !at_boundary(pos_)) {
            advance();
        }
        token.text = query_.substr(start, pos_ - start);
        count_terms(1, token.column);
        return token;
    }

    /// A run of characters up to whitespace, '(', ')' or '"'; operators only where allowed.
    Token lex_word(bool operators_allowed) {
        Token token;
        token.column = column_;
        const std::size_t start = pos_;
        std::optional<std::size_t> star_at, star_column;
        while (!at_end()) {
            const char c = current();
            if (c == '(' || c == ')' || c == '"' || is_space(decode(query_, pos_).code_point)) {
                break;
            }
            if (c == '*' && !star_at) {
                star_at = pos_ - start;
                star_column = column_;
            }
            advance();
        }
        token.text = query_.substr(start, pos_ - start);
        if (operators_allowed) {
            if (std::optional<Token> op = as_operator(token)) {
                return *op;
            }
        }
        if (star_at) {
            if (*star_at == 0) {
                throw ParseError("a wildcard needs at least one character before '*'",
                                 *star_column);
            }
            if (*star_at + 1 != token.text.size()) {
                throw ParseError("'*' is allowed only at the end of a word", *star_column);
            }
            token.kind = TokenKind::Wildcard;
            token.text.remove_suffix(1);
        } else {
            token.kind = TokenKind::Word;
        }
        count_terms(1, token.column);
        return token;
    }

    static std::optional<Token> as_operator(Token token) {
        const std::string_view text = token.text;
        if (text == "AND" || text == "OR" || text == "NOT") {
            token.kind = text == "AND"  ? TokenKind::And
                         : text == "OR" ? TokenKind::Or
                                        : TokenKind::Not;
            return token;
        }
        if (text.substr(0, 4) != "NEAR" || (text.size() > 4 && text[4] != '/')) {
            return std::nullopt;
        }
        token.kind = TokenKind::Near;
        token.window = kDefaultNearWindow;
        if (text.size() > 4) {
            const std::string_view digits = text.substr(5);
            unsigned window = 0;
            bool valid = !digits.empty() && digits.size() <= 4;
            for (const char c : digits) {
                valid = valid && c >= '0' && c <= '9';
                if (valid) {
                    window = window * 10 + static_cast<unsigned>(c - '0');
                }
            }
            // The window counts positions, the operands' own included: NEAR/1 could never hold
            // two words, so it is refused rather than silently matching nothing.
            if (!valid || window < kMinNearWindow || window > kMaxNearWindow) {
                throw ParseError("NEAR/n needs a whole number n from 2 (side by side) to 1000", token.column);
            }
            token.window = window;
        }
        return token;
    }

    std::string_view query_;
    std::size_t max_terms_;
    std::size_t pos_ = 0;
    std::size_t column_ = 1;
    std::size_t terms_ = 0;
    Mode mode_ = Mode::Normal;
    std::optional<Token> peeked_;
};

// ---------------------------------------------------------------------------------------------
// Dates

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;
using std::chrono::year_month_day;
using std::chrono::year_month_day_last;

std::optional<int> parse_digits(std::string_view text, std::size_t min_size, std::size_t max_size) {
    if (text.size() < min_size || text.size() > max_size) {
        return std::nullopt;
    }
    int value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
    }
    return value;
}

unsigned last_day_of(int y, int m) {
    const year_month_day_last last{year{y}, std::chrono::month_day_last{month{unsigned(m)}}};
    return static_cast<unsigned>(last.day());
}

bool valid_date(int y, int m, int d) {
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
           static_cast<unsigned>(d) <= last_day_of(y, m);
}

std::string format_date(int y, int m, int d) {
    std::string out(8, '0');
    int value = y * 10000 + m * 100 + d;
    for (std::size_t i = 8; i-- > 0; value /= 10) {
        out[i] = static_cast<char>('0' + value % 10);
    }
    return out;
}

/// YYYY, YYYY-M(M), YYYY-M(M)-D(D) or D(D).M(M).YYYY; unspecified parts stay 0.
std::optional<DateBound> parse_absolute_date(std::string_view text) {
    std::vector<std::string_view> parts;
    const bool dotted = text.find('.') != std::string_view::npos;
    const char separator = dotted ? '.' : '-';
    for (std::size_t start = 0;;) {
        const std::size_t end = text.find(separator, start);
        parts.push_back(text.substr(start, end - start));
        if (end == std::string_view::npos || parts.size() > 3) {
            break;
        }
        start = end + 1;
    }
    if (dotted) {
        if (parts.size() != 3) {
            return std::nullopt;
        }
        std::swap(parts[0], parts[2]);  // D.M.Y -> Y, M, D
    }
    if (parts.size() > 3) {
        return std::nullopt;
    }
    DateBound date;
    const std::optional<int> y = parse_digits(parts[0], 4, 4);
    if (!y || *y < 1) {
        return std::nullopt;
    }
    date.year = *y;
    if (parts.size() > 1) {
        const std::optional<int> m = parse_digits(parts[1], 1, 2);
        if (!m || *m < 1 || *m > 12) {
            return std::nullopt;
        }
        date.month = *m;
    }
    if (parts.size() > 2) {
        const std::optional<int> d = parse_digits(parts[2], 1, 2);
        if (!d || !valid_date(date.year, date.month, *d)) {
            return std::nullopt;
        }
        date.day = *d;
    }
    return date;
}

/// Nd, Nw, Nm, Ny: that many days/weeks/months/years before today. Months and years keep the
/// day of month, clamped to the month's length (Mar 31 - 1m = Feb 28/29).
std::optional<DateBound> parse_relative_date(std::string_view text, const ParseOptions& options,
                                             bool& out_of_range) {
    if (text.size() < 2) {
        return std::nullopt;
    }
    const char unit = static_cast<char>(text.back() | 0x20);  // ASCII lower case
    const std::optional<int> amount = parse_digits(text.substr(0, text.size() - 1), 1, 6);
    if (!amount || (unit != 'd' && unit != 'w' && unit != 'm' && unit != 'y')) {
        return std::nullopt;
    }
    const int ty = options.today_year, tm = options.today_month, td = options.today_day;
    if (!valid_date(ty, tm, td)) {
        throw std::invalid_argument("ParseOptions: relative dates need a valid today");
    }
    DateBound date;
    if (unit == 'd' || unit == 'w') {
        const int days = unit == 'w' ? *amount * 7 : *amount;
        const year_month_day then{std::chrono::sys_days{year_month_day{
                                      year{ty}, month{unsigned(tm)}, day{unsigned(td)}}} -
                                  std::chrono::days{days}};
        date = {int(then.year()), int(unsigned(then.month())), int(unsigned(then.day()))};
    } else {
        const long long months = static_cast<long long>(ty) * 12 + (tm - 1) -
                                 static_cast<long long>(*amount) * (unit == 'y' ? 12 : 1);
        if (months < 12) {  // before year 1
            out_of_range = true;
            return std::nullopt;
        }
        date.year = static_cast<int>(months / 12);
        date.month = static_cast<int>(months % 12) + 1;
        date.day = std::min(td, static_cast<int>(last_day_of(date.year, date.month)));
    }
    if (date.year < 1) {
        out_of_range = true;
        return std::nullopt;
    }
    return date;
}

struct DateSpan {
    std::string first, last;  // "YYYYMMDD"
    bool relative = false;
};

/// The first and last day a date bound stands for; relative dates stand for one day.
DateSpan date_span(std::string_view text, const ParseOptions& options, std::size_t column) {
    DateSpan span;
    bool out_of_range = false;
    std::optional<DateBound> date = parse_absolute_date(text);
    if (!date) {
        date = parse_relative_date(text, options, out_of_range);
        span.relative = true;
    }
    if (!date) {
        throw ParseError(out_of_range ? "date is out of range"
                                      : "invalid date (use YYYY, YYYY-MM, YYYY-MM-DD, DD.MM.YYYY "
                                        "or Nd, Nw, Nm, Ny for days, weeks, months, years ago)",
                         column);
    }
    const int first_month = date->month ? date->month : 1;
    const int last_month = date->month ? date->month : 12;
    const int last_day =
        date->day ? date->day : static_cast<int>(last_day_of(date->year, last_month));
    span.first = format_date(date->year, first_month, date->day ? date->day : 1);
    span.last = format_date(date->year, last_month, last_day);
    return span;
}

// ---------------------------------------------------------------------------------------------
// Parser

Node make_leaf(NodeKind kind, const Token& token) {
    Node node;
    node.kind = kind;
    node.text = std::string(token.text);
    node.exact = token.exact;
    node.column = token.column;
    return node;
}

Node make_branch(NodeKind kind, std::vector<Node> children) {
    Node node;
    node.kind = kind;
    node.column = children.front().column;
    for (const Node& child : children) {
        node.column = std::min(node.column, child.column);
    }
    node.children = std::move(children);
    return node;
}

Node make_pair(NodeKind kind, Node first, Node second) {
    std::vector<Node> children;
    children.push_back(std::move(first));
    children.push_back(std::move(second));
    return make_branch(kind, std::move(children));
}

Node match_all(std::size_t column) {
    Node node;
    node.kind = NodeKind::MatchAll;
    node.column = column;
    return node;
}

enum class Modifier { None, Required, Excluded };

struct Item {
    Modifier modifier = Modifier::None;
    std::size_t modifier_column = 0;
    Node node;
};

/// "date" for DateRange, the field name for lang:/credit:/id:, empty for items that are not filters.
std::string_view filter_key(const Node& node) {
    if (node.kind == NodeKind::DateRange) {
        return "date";
    }
    if (node.kind == NodeKind::Field && is_filter_field(node.text)) {
        return node.text;
    }
    return {};
}

/// Encodes an implicit sequence; see query_parser.h.
Node combine_sequence(std::vector<Item> items) {
    if (items.size() == 1 && items[0].modifier == Modifier::None) {
        return std::move(items[0].node);
    }
    std::vector<Node> must, optional, excluded;
    std::vector<std::pair<std::string, std::size_t>> filter_slots;  // key -> index in must
    std::vector<bool> slot_is_group;  // must[i] is an Or built here from same-field filters
    bool has_required_words = false;
    std::size_t first_excluded_column = 0;
    for (Item& item : items) {
        if (item.modifier == Modifier::Excluded) {
            if (excluded.empty()) {
                first_excluded_column = item.modifier_column;
            }
            excluded.push_back(std::move(item.node));
            continue;
        }
        const std::string_view key = filter_key(item.node);
        if (key.empty()) {
            if (item.modifier == Modifier::Required) {
                has_required_words = true;
                must.push_back(std::move(item.node));
                slot_is_group.push_back(false);
            } else {
                optional.push_back(std::move(item.node));
            }
            continue;
        }
        const auto slot = std::find_if(filter_slots.begin(), filter_slots.end(),
                                       [&](const auto& entry) { return entry.first == key; });
        if (slot == filter_slots.end()) {
            filter_slots.emplace_back(std::string(key), must.size());
            must.push_back(std::move(item.node));
            slot_is_group.push_back(false);
        } else if (slot_is_group[slot->second]) {
            must[slot->second].children.push_back(std::move(item.node));
        } else {
            must[slot->second] =
                make_pair(NodeKind::Or, std::move(must[slot->second]), std::move(item.node));
            slot_is_group[slot->second] = true;
        }
    }

    std::optional<Node> positive;
    std::optional<Node> optional_node;
    if (optional.size() == 1) {
        optional_node = std::move(optional[0]);
    } else if (optional.size() > 1) {
        optional_node = make_branch(NodeKind::Or, std::move(optional));
    }
    if (optional_node && !must.empty() && !has_required_words) {
        // Only filters are required: they restrict the optional words, not demote them.
        must.insert(must.begin(), std::move(*optional_node));
        optional_node.reset();
    }
    if (must.size() == 1) {
        positive = std::move(must[0]);
    } else if (must.size() > 1) {
        positive = make_branch(NodeKind::And, std::move(must));
    }
    if (positive && optional_node) {
        positive = make_pair(NodeKind::AndMaybe, std::move(*positive), std::move(*optional_node));
    } else if (optional_node) {
        positive = std::move(optional_node);
    }
    if (excluded.empty()) {
        return std::move(*positive);
    }
    excluded.insert(excluded.begin(),
                    positive ? std::move(*positive) : match_all(first_excluded_column));
    return make_branch(NodeKind::AndNot, std::move(excluded));
}

class Parser {
public:
    Parser(std::string_view query, const ParseOptions& options)
        : lexer_(query, options), options_(options) {}

    Node parse() {
        std::optional<Node> root = parse_or();
        const Token& token = lexer_.peek();
        if (token.kind == TokenKind::RParen) {
            throw ParseError("unbalanced ')'", token.column);
        }
        if (!root) {
            throw ParseError("query is empty", 1);
        }
        return std::move(*root);
    }

private:
    static bool ends_sequence(TokenKind kind) {
        return kind == TokenKind::End || kind == TokenKind::RParen || kind == TokenKind::And ||
               kind == TokenKind::Or || kind == TokenKind::Not;
    }

    [[noreturn]] static void missing_operand(const Token& op) {
        switch (op.kind) {
            case TokenKind::And:
                throw ParseError("AND needs a term on both sides", op.column);
            case TokenKind::Or:
                throw ParseError("OR needs a term on both sides", op.column);
            case TokenKind::Not:
                throw ParseError("NOT needs a term after it", op.column);
            default:
                throw ParseError("NEAR needs a word or phrase on both sides", op.column);
        }
    }

    /// or := and (OR and)*
    std::optional<Node> parse_or() {
        std::optional<Node> left = parse_and();
        bool built_here = false;
        while (lexer_.peek().kind == TokenKind::Or) {
            const Token op = lexer_.next();
            if (!left) {
                missing_operand(op);
            }
            std::optional<Node> right = parse_and();
            if (!right) {
                missing_operand(op);
            }
            if (built_here) {
                left->children.push_back(std::move(*right));
            } else {
                left = make_pair(NodeKind::Or, std::move(*left), std::move(*right));
                built_here = true;
            }
        }
        return left;
    }

    /// and := [NOT] sequence ((AND | AND NOT | NOT) sequence)*
    std::optional<Node> parse_and() {
        std::optional<Node> left;
        bool built_here = false;
        if (lexer_.peek().kind == TokenKind::Not) {
            const Token op = lexer_.next();
            std::optional<Node> right = parse_sequence();
            if (!right) {
                missing_operand(op);
            }
            left = make_pair(NodeKind::AndNot, match_all(op.column), std::move(*right));
            built_here = true;
        } else {
            left = parse_sequence();
        }
        while (lexer_.peek().kind == TokenKind::And || lexer_.peek().kind == TokenKind::Not) {
            Token op = lexer_.next();
            if (!left) {
                missing_operand(op);
            }
            if (op.kind == TokenKind::And && lexer_.peek().kind == TokenKind::Not) {
                op = lexer_.next();
            }
            std::optional<Node> right = parse_sequence();
            if (!right) {
                missing_operand(op);
            }
            const NodeKind kind = op.kind == TokenKind::Not ? NodeKind::AndNot : NodeKind::And;
            if (built_here && left->kind == kind) {
                left->children.push_back(std::move(*right));
            } else {
                left = make_pair(kind, std::move(*left), std::move(*right));
                built_here = true;
            }
        }
        return left;
    }

    /// sequence := item+ (implicit combination, see combine_sequence)
    std::optional<Node> parse_sequence() {
        std::vector<Item> items;
        for (;;) {
            const Token& token = lexer_.peek();
            if (ends_sequence(token.kind)) {
                break;
            }
            if (token.kind == TokenKind::Near) {
                missing_operand(token);
            }
            items.push_back(parse_item());
        }
        if (items.empty()) {
            return std::nullopt;
        }
        return combine_sequence(std::move(items));
    }

    /// item := [+|-] (near-chain | wildcard | group | field | date)
    Item parse_item() {
        Item item;
        const Token& token = lexer_.peek();
        if (token.kind == TokenKind::Plus || token.kind == TokenKind::Minus) {
            item.modifier = token.kind == TokenKind::Plus ? Modifier::Required : Modifier::Excluded;
            item.modifier_column = token.column;
            lexer_.next();
        }
        item.node = parse_unit();
        if (lexer_.peek().kind == TokenKind::Near) {
            throw ParseError("NEAR takes only words and phrases", item.node.column);
        }
        return item;
    }

    Node parse_unit() {
        const Token token = lexer_.next();
        switch (token.kind) {
            case TokenKind::Word:
            case TokenKind::Phrase:
                return parse_near(atom(token));
            case TokenKind::Wildcard:
                return make_leaf(NodeKind::Wildcard, token);
            case TokenKind::LParen:
                return parse_group(token);
            case TokenKind::Field:
                return parse_field(token);
            default:
                // parse_sequence() and the lexer let no other token start an item.
                throw std::logic_error("query parser: unexpected token");
        }
    }

    static Node atom(const Token& token) {
        return make_leaf(token.kind == TokenKind::Phrase ? NodeKind::Phrase : NodeKind::Word,
                         token);
    }

    /// near-chain := atom (NEAR[/n] atom)*; one Near node with the largest window.
    Node parse_near(Node first) {
        if (lexer_.peek().kind != TokenKind::Near) {
            return first;
        }
        Node near;
        near.kind = NodeKind::Near;
        near.column = first.column;
        near.children.push_back(std::move(first));
        while (lexer_.peek().kind == TokenKind::Near) {
            const Token op = lexer_.next();
            near.window = std::max(near.window, op.window);
            const Token& operand = lexer_.peek();
            if (operand.kind == TokenKind::Word || operand.kind == TokenKind::Phrase) {
                near.children.push_back(atom(lexer_.next()));
            } else if (ends_sequence(operand.kind) || operand.kind == TokenKind::Near) {
                missing_operand(op);
            } else {
                throw ParseError("NEAR takes only words and phrases", operand.column);
            }
        }
        return near;
    }

    /// group := '(' or ')'; the depth check keeps the recursion bounded.
    Node parse_group(const Token& open) {
        if (depth_ >= options_.max_depth) {
            throw ParseError(
                "query nested too deeply (limit " + std::to_string(options_.max_depth) + ")",
                open.column);
        }
        ++depth_;
        std::optional<Node> inner = parse_or();
        const Token& close = lexer_.peek();
        if (close.kind != TokenKind::RParen) {
            throw ParseError("unbalanced '('", open.column);
        }
        if (!inner) {
            throw ParseError("empty parentheses", open.column);
        }
        lexer_.next();
        --depth_;
        return std::move(*inner);
    }

    Node parse_field(const Token& field) {
        if (in_field_) {
            throw ParseError("a field cannot be used inside another field", field.column);
        }
        const Token value = lexer_.next();
        if (field.text == "date") {
            return parse_date(field, value);
        }
        Node node;
        node.kind = NodeKind::Field;
        node.text = std::string(field.text);
        node.column = field.column;
        in_field_ = true;
        switch (value.kind) {
            case TokenKind::Word:
            case TokenKind::Phrase:
                node.children.push_back(atom(value));
                break;
            case TokenKind::Wildcard:
                node.children.push_back(make_leaf(NodeKind::Wildcard, value));
                break;
            case TokenKind::LParen:
                node.children.push_back(parse_group(value));
                break;
            default:
                throw std::logic_error("query parser: unexpected field value");
        }
        in_field_ = false;
        return node;
    }

    /// date := bound | bound.. | ..bound | bound..bound
    Node parse_date(const Token& field, const Token& value) {
        Node node;
        node.kind = NodeKind::DateRange;
        node.column = field.column;
        const std::string_view text = value.text;
        const std::size_t dots = text.find("..");
        if (dots == std::string_view::npos) {
            DateSpan span = date_span(text, options_, value.column);
            node.from = std::move(span.first);
            // "date:7d" alone reads as "the last 7 days": from then up to today.
            node.to = span.relative ? format_date(options_.today_year, options_.today_month,
                                                  options_.today_day)
                                    : std::move(span.last);
            return node;
        }
        const std::string_view low = text.substr(0, dots);
        const std::string_view high = text.substr(dots + 2);
        if (low.empty() && high.empty()) {
            throw ParseError("a date range needs at least one bound", value.column);
        }
        if (!low.empty()) {
            node.from = date_span(low, options_, value.column).first;
        }
        if (!high.empty()) {
            // low parsed as ASCII, so its bytes are its code points.
            node.to = date_span(high, options_, value.column + dots + 2).last;
        }
        if (!node.from.empty() && !node.to.empty() && node.from > node.to) {
            throw ParseError("date range starts after it ends", value.column);
        }
        return node;
    }

    Lexer lexer_;
    const ParseOptions& options_;
    std::size_t depth_ = 0;
    bool in_field_ = false;
};

void render(const Node& node, std::string& out) {
    const auto render_children = [&](std::string_view head) {
        out += '(';
        out += head;
        for (const Node& child : node.children) {
            out += ' ';
            render(child, out);
        }
        out += ')';
    };
    switch (node.kind) {
        case NodeKind::Word:
            out += "(WORD " + node.text + ")";
            return;
        case NodeKind::Wildcard:
            out += "(WILDCARD " + node.text + ")";
            return;
        case NodeKind::Phrase:
            // Quoted: a phrase may hold spaces and parentheses, but never '"'.
            out += (node.exact ? "(PHRASE= \"" : "(PHRASE \"") + node.text + "\")";
            return;
        case NodeKind::And:
            render_children("AND");
            return;
        case NodeKind::Or:
            render_children("OR");
            return;
        case NodeKind::AndNot:
            render_children("AND-NOT");
            return;
        case NodeKind::AndMaybe:
            render_children("AND-MAYBE");
            return;
        case NodeKind::Near:
            render_children("NEAR/" + std::to_string(node.window));
            return;
        case NodeKind::Field:
            render_children("FIELD " + node.text);
            return;
        case NodeKind::DateRange:
            out += "(DATE " + node.from + ".." + node.to + ")";
            return;
        case NodeKind::MatchAll:
            out += "(ALL)";
            return;
    }
}

}  // namespace

std::string to_string(const Node& node) {
    std::string out;
    render(node, out);
    return out;
}

Node parse_query(std::string_view query, const ParseOptions& options) {
    if (query.size() > options.max_bytes) {
        throw ParseError(
            "query is too long (limit " + std::to_string(options.max_bytes) + " bytes)",
            count_code_points(query.substr(0, options.max_bytes)) + 1);
    }
    return Parser(query, options).parse();
}

}  // namespace izdeu::query
