#include "keyboard_spellings.h"

#include <algorithm>

#include "analyzer.h"
#include "utf8.h"

namespace izdeu::query {

namespace {

// The letters only Kazakh has; Analyzer::keyboard_fold says which Russian key types each.
constexpr char32_t kKazakhLetters[] = {0x4D9, 0x493, 0x49B, 0x4A3, 0x4E9, 0x4B1, 0x4AF, 0x4BB, 0x456};

// A remote shard sends a term list's whole range when it is opened: the walk opens its lists
// two letters deep (a few hundred terms), not at the bare prefix (every title word).
constexpr std::size_t kOpenDepth = 2;

std::vector<std::vector<std::string>> letter_choices(std::string_view folded) {
    std::vector<std::vector<std::string>> choices;
    for_each_code_point(folded, [&](char32_t c) {
        std::string letter;
        append_utf8(letter, c);
        std::vector<std::string> options{letter};
        for (const char32_t k : kKazakhLetters) {
            std::string kazakh;
            append_utf8(kazakh, k);
            if (Analyzer::keyboard_fold(kazakh) == letter) options.push_back(std::move(kazakh));
        }
        // In byte order, the order of the term list, so the walk only ever moves forward in it.
        std::sort(options.begin(), options.end());
        choices.push_back(std::move(options));
        return true;
    });
    return choices;
}

bool starts_with(const std::string& term, const std::string& start) {
    return term.compare(0, start.size(), start) == 0;
}

class SpellingWalk {
  public:
    SpellingWalk(const Xapian::Database& database, std::string_view folded, bool starting, std::size_t limit,
                 KeyboardSpellings& out)
        : database_(database), choices_(letter_choices(folded)), starting_(starting), limit_(limit), out_(out) {}

    void run(std::string prefix) {
        if (!choices_.empty()) visit(prefix, 0, nullptr);
    }

  private:
    /// `sofar` (prefix and the letters chosen so far) starts some term; `terms`, once opened, is
    /// at the first of them.
    void visit(std::string& sofar, std::size_t depth, Xapian::TermIterator* terms) {
        if (depth == choices_.size()) {
            collect(sofar, *terms);
            return;
        }
        const std::size_t open_at = std::min(kOpenDepth, choices_.size());
        for (const std::string& letter : choices_[depth]) {
            if (out_.truncated) return;
            const std::size_t size = sofar.size();
            sofar += letter;
            if (terms == nullptr && depth + 1 < open_at) {
                visit(sofar, depth + 1, nullptr);
            } else if (terms == nullptr) {
                Xapian::TermIterator opened = database_.allterms_begin(sofar);
                if (opened != Xapian::TermIterator()) visit(sofar, depth + 1, &opened);
            } else {
                terms->skip_to(sofar);
                // Nothing at or after this letter: nothing after the later ones either.
                if (*terms == Xapian::TermIterator()) {
                    sofar.resize(size);
                    return;
                }
                if (starts_with(**terms, sofar)) visit(sofar, depth + 1, terms);
            }
            sofar.resize(size);
        }
    }

    void collect(const std::string& spelling, Xapian::TermIterator& terms) {
        if (!starting_) {
            if (*terms == spelling) add(spelling);
            return;
        }
        for (; terms != Xapian::TermIterator() && starts_with(*terms, spelling); ++terms) {
            if (!add(*terms)) return;
        }
    }

    bool add(std::string term) {
        if (out_.terms.size() >= limit_) {
            out_.truncated = true;
            return false;
        }
        out_.terms.push_back(std::move(term));
        return true;
    }

    const Xapian::Database& database_;
    const std::vector<std::vector<std::string>> choices_;
    const bool starting_;
    const std::size_t limit_;
    KeyboardSpellings& out_;
};

}  // namespace

KeyboardSpellings keyboard_spellings(const Xapian::Database& database, std::string_view prefix, std::string_view folded,
                                     bool starting, std::size_t limit) {
    KeyboardSpellings out;
    SpellingWalk(database, folded, starting, limit, out).run(std::string(prefix));
    return out;
}

}  // namespace izdeu::query
